package dev.kwik.internal.quic;

import dev.kwik.ErrorCode;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.path.PathConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A path's QUIC connection: Netty's {@link QuicChannel} behind the {@link PathConnection} the path uses. */
final class QuicPathConnection implements PathConnection {
    static final AttributeKey<QuicPathConnection> KEY = AttributeKey.valueOf("kwik.path");

    private final QuicChannel quic;
    private volatile QuicStreamChannel control;
    private volatile Path path;
    private QuicConnectionCloseEvent closeEvent;
    /** How long a client path's socket outlives its QUIC close. */
    private static final long DRAIN_GRACE_MS = 1000;
    private volatile boolean ownsSocket;
    /** Kept once known: a closed QUIC channel no longer reports its peer, and a path's history must. */
    private volatile InetSocketAddress remote;

    QuicPathConnection(QuicChannel quic) {
        this.quic = quic;
        this.remote = (InetSocketAddress) quic.remoteSocketAddress();
        quic.attr(KEY).set(this);
    }

    static QuicPathConnection of(Channel quicOrStream) {
        Channel c = quicOrStream instanceof QuicStreamChannel s ? s.parent() : quicOrStream;
        return c.attr(KEY).get();
    }

    void path(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    QuicChannel quic() {
        return quic;
    }

    /** Sets the control stream; false if one is already set (a second bidirectional stream is an error). */
    boolean control(QuicStreamChannel ch) {
        if (control != null) {
            return false;
        }
        control = ch;
        return true;
    }

    boolean isControl(Channel ch) {
        return ch == control;
    }

    void closeEvent(QuicConnectionCloseEvent e) {
        closeEvent = e;
    }

    private PathHandlers.ReadBatchEnd batchEnd;

    @Override
    public void afterReadBatch(Runnable task) {
        if (batchEnd == null) {
            Channel udp = quic.parent();
            batchEnd = udp == null ? null : udp.pipeline().get(PathHandlers.ReadBatchEnd.class);
            if (batchEnd == null) {
                quic.eventLoop().execute(task);
                return;
            }
        }
        batchEnd.add(task);
    }

    @Override
    public EventLoop eventLoop() {
        return quic.eventLoop();
    }

    @Override
    public Channel controlChannel() {
        return control;
    }

    @Override
    public void openDataChannel(Consumer<Channel> opened, Consumer<Throwable> failed) {
        quic.createStream(QuicStreamType.UNIDIRECTIONAL, null).addListener(f -> {
            if (f.isSuccess()) {
                opened.accept((Channel) f.getNow());
            } else {
                failed.accept(f.cause());
            }
        });
    }

    @Override
    public void finishDataChannel(Channel channel) {
        channel.writeAndFlush(new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true), channel.voidPromise());
    }

    /**
     * Marks this connection as the only one on its UDP socket (a client path): once closed, the socket may be
     * closed too, which ends QUIC's draining period at once (RFC 9000 §10.2 allows it when no late packet can
     * then draw a response).
     */
    void ownsSocket() {
        ownsSocket = true;
    }

    @Override
    public void close(ErrorCode code, String reason) {
        // The path has ended: nothing Netty keeps (this channel, its streams' handlers, its timers, which quiche's
        // idle timeout can keep scheduled for 30 s) may lead to the path and its session any more.
        path = null;
        batchEnd = null;
        if (quic.isActive()) {
            int wire = code.wireValue();
            quic.close(true, wire, Unpooled.copiedBuffer(reason, StandardCharsets.UTF_8));
        }
        if (ownsSocket && quic.parent() != null) {
            // quiche drains for 3 x PTO, and PTO grows with a lossy path's RTT variance: a dead path's connection
            // (and its path, session and buffers) could linger for minutes. Give CONNECTION_CLOSE a moment to leave.
            Channel socket = quic.parent();
            socket.eventLoop().schedule((Runnable) socket::close, DRAIN_GRACE_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        InetSocketAddress r = remote;
        if (r == null) {
            r = (InetSocketAddress) quic.remoteSocketAddress();
            remote = r;
        }
        return r;
    }

    @Override
    public InetSocketAddress localAddress() {
        Channel socket = quic.parent();
        return socket != null && socket.localAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public boolean isActive() {
        return quic.isActive();
    }

    @Override
    public void sampleStats(StatsSink sink) {
        if (!quic.isActive()) {
            return;
        }
        quic.collectStats().addListener(f -> {
            if (!f.isSuccess()) {
                return;
            }
            QuicConnectionStats s = (QuicConnectionStats) f.getNow();
            quic.collectPathStats(0).addListener(g -> {
                if (g.isSuccess()) {
                    QuicConnectionPathStats ps = (QuicConnectionPathStats) g.getNow();
                    sink.onQuicStats(s.lost(), s.retrans(), ps.cwnd(), ps.rtt());
                } else {
                    sink.onQuicStats(s.lost(), s.retrans(), 0, 0);
                }
            });
        });
    }

    /** Called when the QUIC connection went inactive: ends the path (if not ended yet) with the best reason known. */
    void onInactive() {
        Path p = path;
        if (p == null) {
            return;
        }
        if (p.isFinished()) {
            // Ended already, waiting for its CLOSE to be acknowledged: the peer closed first, which is as good.
            p.onConnectionGone();
            return;
        }
        QuicConnectionCloseEvent e = closeEvent;
        if (quic.isTimedOut()) {
            p.die(ErrorCode.IDLE_TIMEOUT, "QUIC idle timeout");
        } else if (e != null && e.isApplicationClose()) {
            // The peer closed this connection on purpose (session close, path removal or a protocol error).
            String reason = new String(e.reason(), StandardCharsets.UTF_8);
            ErrorCode c = ErrorCode.fromWire(e.error());
            p.close(c, reason.isEmpty() ? "closed by peer" : reason, true);
        } else if (e != null && e.isTlsError()) {
            p.die(ErrorCode.TLS_HANDSHAKE_FAILED, "TLS alert " + QuicConnectionCloseEvent.extractTlsError(e.error()));
        } else {
            p.die(ErrorCode.CONNECTION_LOST, e != null ? "QUIC transport error " + e.error() : "QUIC connection lost");
        }
    }
}

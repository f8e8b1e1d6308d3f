package dev.kwik.internal.quic;

import dev.kwik.ErrorCode;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.wire.PacketAssembler;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;

/** The Netty handlers that sit on a path's QUIC connection and streams and feed its {@link Path}. */
final class PathHandlers {
    private static final Logger log = LoggerFactory.getLogger(PathHandlers.class);

    private PathHandlers() {
    }

    /** Installs packet framing and delivery on a QUIC stream (control or data, inbound or outbound). */
    static void install(Channel stream, int maxPacketSize) {
        stream.pipeline().addLast(new Inbound(maxPacketSize));
    }

    /** For streams the peer opens: the first bidirectional one is the control stream, unidirectional ones carry data. */
    static ChannelHandler streamInitializer(int maxPacketSize) {
        return new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
                QuicPathConnection conn = QuicPathConnection.of(ch);
                if (ch.type() == QuicStreamType.BIDIRECTIONAL && (conn == null || !conn.control(ch))) {
                    Path p = conn == null ? null : conn.path();
                    if (p != null) {
                        p.protocolError(ErrorCode.PROTOCOL_VIOLATION, "a second bidirectional QUIC stream; KWIK uses one per path");
                    }
                    ch.close();
                    return;
                }
                install(ch, maxPacketSize);
            }
        };
    }

    /** On the QUIC connection: records the close reason and closes the path when the connection goes away. */
    static final class Connection extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof QuicConnectionCloseEvent e) {
                QuicPathConnection c = QuicPathConnection.of(ctx.channel());
                if (c != null) {
                    c.closeEvent(e);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            QuicPathConnection c = QuicPathConnection.of(ctx.channel());
            if (c != null) {
                c.onInactive();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("connection={} event=quic-error", ((QuicChannel) ctx.channel()).remoteSocketAddress(), cause);
        }
    }

    /**
     * First on a UDP socket's pipeline, before the QUIC codec: runs what the socket's paths asked to do at the end
     * of the read batch (acknowledge what arrived, wake readers) once the codec has delivered every datagram of the
     * batch and before it lets quiche send, so KWIK's ACKs leave in the datagrams that carry QUIC's. A QUIC
     * stream's own read-complete comes once per datagram, which made one ACK packet per datagram. Event loop.
     */
    static final class ReadBatchEnd extends ChannelInboundHandlerAdapter {
        private final ArrayList<Runnable> due = new ArrayList<>();

        void add(Runnable task) {
            due.add(task);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Tasks may add tasks (a wake-up after an ACK): run by index until none is left.
            for (int i = 0; i < due.size(); i++) {
                try {
                    due.get(i).run();
                } catch (RuntimeException e) {
                    log.warn("event=read-batch-task-failed", e);
                }
            }
            due.clear();
            ctx.fireChannelReadComplete();
        }

        /**
         * A socket error (a read racing the socket's close, an ICMP error): QUIC recovers from lost datagrams and
         * the path's own checks decide about the path; nothing for the pipeline's tail to warn about.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("socket={} event=udp-error", ctx.channel().localAddress(), cause);
        }
    }

    /**
     * Cuts a QUIC stream's bytes into packets ({@link PacketAssembler}) and hands each to the path, in place: no
     * pipeline hop, no reference count per packet. A bad packet length is the path's protocol error.
     */
    static final class Inbound extends ChannelInboundHandlerAdapter implements PacketAssembler.Sink {
        private final PacketAssembler assembler;
        /** The connection, not the path: it forgets the path when the path ends, so this handler holds no session. */
        private QuicPathConnection conn;
        private boolean control;

        Inbound(int maxPacketSize) {
            this.assembler = new PacketAssembler(maxPacketSize);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            conn = QuicPathConnection.of(ctx.channel());
            control = conn != null && conn.isControl(ctx.channel());
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            assembler.release();
        }

        private Path path() {
            return conn == null ? null : conn.path();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                assembler.feed(in, this);
            } catch (WireException e) {
                exceptionCaught(ctx, e);
            } finally {
                in.release();
            }
        }

        @Override
        public void packet(ByteBuf body) {
            Path p = path();
            if (p != null) {
                p.onPacket(body, control);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            assembler.release();
            ctx.fireChannelInactive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownReadComplete.INSTANCE && control) {
                Path p = path();
                if (p != null) {
                    p.close(ErrorCode.CONNECTION_LOST, "peer ended the control stream", true);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Path p = path();
            if (p == null) {
                ctx.close();
                return;
            }
            if (cause instanceof WireException w) {
                p.protocolError(w.code(), w.getMessage());
            } else {
                log.debug("path={} event=stream-error", p.id(), cause);
                p.protocolError(ErrorCode.PROTOCOL_VIOLATION, "QUIC stream failed: " + cause);
            }
        }
    }
}

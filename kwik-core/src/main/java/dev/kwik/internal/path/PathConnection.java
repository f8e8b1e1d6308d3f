package dev.kwik.internal.path;

import dev.kwik.ErrorCode;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The QUIC connection under a path, as the path sees it. Implemented in {@code internal.quic}, the only
 * package that touches Netty's QUIC classes.
 */
public interface PathConnection {
    EventLoop eventLoop();

    /**
     * Runs {@code task} on the event loop at the end of the read batch in progress (every datagram of it
     * delivered), before QUIC sends. Event loop only.
     */
    void afterReadBatch(Runnable task);

    /** The bidirectional QUIC stream carrying this path's control packets. */
    Channel controlChannel();

    /** Opens a unidirectional QUIC stream for data packets; calls back on the event loop. */
    void openDataChannel(Consumer<Channel> opened, Consumer<Throwable> failed);

    /** Ends a data channel cleanly (FIN after everything queued on it). */
    void finishDataChannel(Channel channel);

    /** Closes the QUIC connection with an application error code. */
    void close(ErrorCode code, String reason);

    InetSocketAddress remoteAddress();

    /** This end's UDP address (the socket's bound address, possibly a wildcard one); null if unknown. */
    InetSocketAddress localAddress();

    boolean isActive();

    /**
     * Asks the QUIC stack for this connection's loss-recovery figures and hands them to {@code sink} on the
     * event loop, now or shortly. Does nothing once the connection is closed.
     */
    void sampleStats(StatsSink sink);

    /**
     * Receives QUIC-level figures of one connection: cumulative packet counts, the current congestion window and
     * QUIC's smoothed RTT (nanoseconds); 0 where unknown. (Not quiche's delivery rate: it is one recent sample,
     * app-limited at the start of a path and noisy after; window over RTT tracked the links' rates better in the
     * heterogeneous benchmark.)
     */
    interface StatsSink {
        void onQuicStats(long packetsLost, long packetsRetransmitted, long congestionWindowBytes, long rttNanos);
    }
}

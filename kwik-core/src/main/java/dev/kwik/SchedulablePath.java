package dev.kwik;

/**
 * What a {@link PathScheduler} sees of a path when it picks one for a packet. Values are read without locks
 * and may be a few microseconds old. Implemented by KWIK; schedulers never hold on to instances.
 */
public interface SchedulablePath {
    /** The path's id within its session. */
    long pathId();

    /** Smoothed heartbeat RTT in nanoseconds (includes queueing under load); 0 before the first sample. */
    long smoothedRttNanos();

    /**
     * Lowest heartbeat RTT seen over roughly the last ten seconds, in nanoseconds: the path's delay without its
     * queue. Before the first heartbeat sample, QUIC's smoothed RTT (from the handshake); 0 before either.
     */
    long minRttNanos();

    /** Bytes handed to this path and not yet acknowledged by the peer. */
    long bytesInFlight();

    /**
     * Whether this path has room: bytes in flight below twice its QUIC congestion window as last sampled (at
     * least 64 KiB, at most 4 MiB). A path without room still takes bytes (the session caps each path at 4 MiB
     * in flight), but they wait in its queue.
     */
    boolean hasCapacity();

    /**
     * QUIC's congestion window as last sampled (when the path activates, with each heartbeat and at most every
     * 20 ms while acknowledgements arrive), in bytes; 0 before the first sample.
     */
    default long congestionWindowBytes() {
        return 0;
    }

    /**
     * The rate this path can deliver, in bytes per second: QUIC's congestion window over QUIC's smoothed RTT as
     * last sampled (as {@link #congestionWindowBytes()}). On a saturated path that is the rate it achieves; on an idle one, what its
     * congestion controller would allow. 0 before the first sample.
     */
    default long deliveryRateBytesPerSecond() {
        return 0;
    }

    /** Weight for the {@code weighted} scheduler (default 1). */
    int weight();
}

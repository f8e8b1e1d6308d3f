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
     * queue. 0 before the first sample.
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

    /** Weight for the {@code weighted} scheduler (default 1). */
    int weight();
}

package dev.kwik.internal.path;

/**
 * Round-trip time of one path from its PING/PONG samples: a smoothed RTT (RFC 9002's 7/8 weighting) and a
 * windowed minimum, the minimum over the last one to two windows of {@value #MIN_RTT_WINDOW} samples, so that the
 * delay of a route the path no longer takes ages out instead of biasing the scheduler for ever.
 *
 * <p>Written by the path's event loop only; read from any thread (the scheduler, snapshots).
 */
final class RttEstimator {
    static final int MIN_RTT_WINDOW = 40;

    private volatile long smoothedNanos;
    private volatile long minNanos;
    private long minCurrent = Long.MAX_VALUE;
    private long minPrevious = Long.MAX_VALUE;
    private int samplesInWindow;

    /** One round trip measured, in nanoseconds. */
    void onSample(long sampleNanos) {
        long srtt = smoothedNanos;
        smoothedNanos = srtt == 0 ? sampleNanos : (7 * srtt + sampleNanos) / 8;
        minCurrent = Math.min(minCurrent, sampleNanos);
        if (++samplesInWindow >= MIN_RTT_WINDOW) {
            minPrevious = minCurrent;
            minCurrent = Long.MAX_VALUE;
            samplesInWindow = 0;
        }
        minNanos = Math.min(minPrevious, minCurrent);
    }

    /** Smoothed RTT, 0 before the first sample. */
    long smoothedNanos() {
        return smoothedNanos;
    }

    /** Windowed minimum RTT, 0 before the first sample. */
    long minNanos() {
        return minNanos;
    }
}

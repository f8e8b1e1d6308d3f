package dev.kwik.internal.path;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether a path is still heard from: the heartbeat's PING schedule and the ACTIVE → DEGRADED → DEAD decisions,
 * on a monotonic clock given at construction ({@code System::nanoTime} in a path, a hand-driven one in tests).
 *
 * <p>Each heartbeat tick asks {@link #verdict}: silence past {@code deadAfter} is death; silence past
 * {@link #suspectAfterMillis()} makes an ACTIVE path DEGRADED. A path with data unacknowledged is suspected
 * sooner, after {@link #probeTimeoutNanos} without a word (the path's probe timer, not the tick, decides that).
 * One PING is outstanding at a time; its PONG is an RTT sample for the {@link RttEstimator}. Event-loop confined,
 * except the read-only getters.
 */
final class Liveness {
    /** What a heartbeat tick found. */
    enum Verdict { ALIVE, SUSPECT, DEAD }

    private final LongSupplier nanoClock;
    private final RttEstimator rtt;
    private long heartbeatMillis = Long.MAX_VALUE;
    private long deadAfterMillis = Long.MAX_VALUE;
    private volatile long lastHeardNanos;
    private long pingSeq;
    private long pingOutstanding = -1;
    private long pingSentAtNanos;

    Liveness(LongSupplier nanoClock, RttEstimator rtt) {
        this.nanoClock = nanoClock;
        this.rtt = rtt;
        this.lastHeardNanos = nanoClock.getAsLong();
    }

    /** Starts the schedule: a tick every {@code heartbeatMillis}, death after {@code deadAfterMillis} of silence. */
    void start(long heartbeatMillis, long deadAfterMillis) {
        this.heartbeatMillis = heartbeatMillis;
        this.deadAfterMillis = deadAfterMillis;
    }

    long deadAfterMillis() {
        return deadAfterMillis;
    }

    /** Something arrived on the path. Once per packet: one clock read. */
    void heard() {
        lastHeardNanos = nanoClock.getAsLong();
    }

    /** When the path was last heard from, on the monotonic clock. Any thread. */
    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** Milliseconds since the path was last heard from. */
    long silentMillis() {
        return TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - lastHeardNanos);
    }

    /**
     * The heartbeat tick's decision. {@code active}: the path is ACTIVE now (a DEGRADED one is not suspected
     * again; only death or news changes it).
     */
    Verdict verdict(boolean active) {
        long silent = silentMillis();
        if (silent > deadAfterMillis) {
            return Verdict.DEAD;
        }
        return active && silent > suspectAfterMillis() ? Verdict.SUSPECT : Verdict.ALIVE;
    }

    /**
     * Silence after which a path is DEGRADED: two heartbeat intervals, or one plus twice the smoothed RTT when
     * that is longer (a PONG takes a round trip), but always before {@code deadAfter} (at three quarters of it).
     */
    long suspectAfterMillis() {
        long rttMillis = TimeUnit.NANOSECONDS.toMillis(rtt.smoothedNanos());
        return Math.min(Math.max(2 * heartbeatMillis, heartbeatMillis + 2 * rttMillis), deadAfterMillis / 2 + deadAfterMillis / 4);
    }

    /**
     * Silence after which a path that has data unacknowledged is DEGRADED: four smoothed RTTs (the larger of the
     * heartbeat's and {@code quicRttNanos}, QUIC's own), at least {@link #PROBE_FLOOR_MILLIS}, at most
     * {@link #suspectAfterMillis()}. The peer acknowledges at the end of each read batch, so while data is
     * outstanding on a working path something comes back every round trip, however full the link's queue; only a
     * path that lost its link (or a peer that stopped) goes this quiet.
     */
    long probeTimeoutNanos(long quicRttNanos) {
        long srtt = Math.max(rtt.smoothedNanos(), quicRttNanos);
        long floor = TimeUnit.MILLISECONDS.toNanos(PROBE_FLOOR_MILLIS);
        long ceiling = TimeUnit.MILLISECONDS.toNanos(suspectAfterMillis());
        return Math.min(Math.max(4 * srtt, floor), ceiling);
    }

    /**
     * Floor of {@link #probeTimeoutNanos}: above a busy peer's event-loop stalls and young-GC pauses, below the
     * half second a stalled transfer would otherwise wait for two silent heartbeats.
     */
    static final long PROBE_FLOOR_MILLIS = 150;

    /** The sequence number of the PING to send on this tick, or -1 while the previous one is unanswered. */
    long nextPing() {
        if (pingOutstanding >= 0) {
            return -1;
        }
        pingOutstanding = pingSeq++;
        pingSentAtNanos = nanoClock.getAsLong();
        return pingOutstanding;
    }

    /** A PONG arrived; the answer to the outstanding PING is an RTT sample, any other is ignored. */
    void onPong(long seq) {
        if (seq == pingOutstanding) {
            rtt.onSample(nanoClock.getAsLong() - pingSentAtNanos);
            pingOutstanding = -1;
        }
    }
}

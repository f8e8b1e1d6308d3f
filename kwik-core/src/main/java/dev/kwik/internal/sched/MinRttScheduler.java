package dev.kwik.internal.sched;

import dev.kwik.PathScheduler;
import dev.kwik.SchedulablePath;

import java.util.List;

/**
 * Lowest minimum RTT wins; RTTs that differ by less than 10% or less than {@link #JITTER_NANOS} count as equal,
 * and equal paths share by bytes in flight. Minimum, not smoothed, RTT: under load the smoothed heartbeat RTT is
 * mostly queueing (the busier path looks slower and starves, measured 30 vs 22 ms on two idle-equal loopback
 * paths), while the minimum is the path's own delay; the queue shows up in bytes in flight instead. The
 * absolute floor covers heartbeat jitter, which is of the order of a millisecond. Paths with room
 * ({@link SchedulablePath#hasCapacity()}: in flight below twice the congestion window) come first, so the
 * fastest path is filled to what it can send and the rest overflows to the next, and a slow path never holds
 * more than it drains in a couple of round trips when the transfer ends.
 */
public final class MinRttScheduler implements PathScheduler {
    static final long JITTER_NANOS = 1_000_000;

    @Override
    public SchedulablePath select(List<? extends SchedulablePath> candidates, int packetBytes) {
        SchedulablePath best = candidates.get(0);
        boolean bestRoom = best.hasCapacity();
        for (int i = 1; i < candidates.size(); i++) {
            SchedulablePath p = candidates.get(i);
            boolean room = p.hasCapacity();
            if (room != bestRoom) {
                if (room) {
                    best = p;
                    bestRoom = true;
                }
                continue;
            }
            long a = p.minRttNanos();
            long b = best.minRttNanos();
            long diff = Math.abs(a - b);
            boolean similar = diff <= JITTER_NANOS || diff * 10 <= Math.max(a, b);
            if (similar ? p.bytesInFlight() < best.bytesInFlight() : a < b) {
                best = p;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "min-rtt";
    }
}

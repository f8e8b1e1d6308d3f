package dev.kwik.internal.sched;

import dev.kwik.PathScheduler;
import dev.kwik.SchedulablePath;

import java.util.List;

/** Lowest smoothed RTT wins; equal RTTs (within 10%) go to the path with fewer bytes in flight. */
public final class MinRttScheduler implements PathScheduler {
    @Override
    public SchedulablePath select(List<? extends SchedulablePath> candidates, int packetBytes) {
        SchedulablePath best = candidates.get(0);
        for (int i = 1; i < candidates.size(); i++) {
            SchedulablePath p = candidates.get(i);
            long a = p.smoothedRttNanos();
            long b = best.smoothedRttNanos();
            boolean similar = Math.abs(a - b) * 10 <= Math.max(a, b);
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

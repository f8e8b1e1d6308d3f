package dev.kwik.internal.sched;

import dev.kwik.PathScheduler;
import dev.kwik.SchedulablePath;

import java.util.List;

/**
 * Smooth weighted round-robin by bytes: picks the candidate whose share of bytes sent so far lags its weight
 * the most. Credit is tracked per path id, in a small fixed table (path ids are small).
 */
public final class WeightedScheduler implements PathScheduler {
    private final long[] sent = new long[64];

    @Override
    public synchronized SchedulablePath select(List<? extends SchedulablePath> candidates, int packetBytes) {
        SchedulablePath best = null;
        double bestScore = Double.MAX_VALUE;
        for (SchedulablePath p : candidates) {
            double score = (double) sent[slot(p)] / Math.max(1, p.weight());
            if (score < bestScore) {
                bestScore = score;
                best = p;
            }
        }
        sent[slot(best)] += packetBytes;
        return best;
    }

    private static int slot(SchedulablePath p) {
        return (int) (p.pathId() & 63);
    }

    @Override
    public String toString() {
        return "weighted";
    }
}

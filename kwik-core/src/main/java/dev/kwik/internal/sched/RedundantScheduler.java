package dev.kwik.internal.sched;

import dev.kwik.PathScheduler;
import dev.kwik.SchedulablePath;

import java.util.List;

/** Every packet on every candidate; {@link #select} names the one that carries the original. */
public final class RedundantScheduler implements PathScheduler {
    private final MinRttScheduler primary = new MinRttScheduler();

    @Override
    public SchedulablePath select(List<? extends SchedulablePath> candidates, int packetBytes) {
        return primary.select(candidates, packetBytes);
    }

    @Override
    public boolean duplicatesEverything() {
        return true;
    }

    @Override
    public String toString() {
        return "redundant";
    }
}

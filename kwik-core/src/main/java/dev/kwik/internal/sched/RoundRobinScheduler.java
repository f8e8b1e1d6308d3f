package dev.kwik.internal.sched;

import dev.kwik.PathScheduler;
import dev.kwik.SchedulablePath;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Each candidate in turn. */
public final class RoundRobinScheduler implements PathScheduler {
    private final AtomicLong next = new AtomicLong();

    @Override
    public SchedulablePath select(List<? extends SchedulablePath> candidates, int packetBytes) {
        return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }

    @Override
    public String toString() {
        return "round-robin";
    }
}

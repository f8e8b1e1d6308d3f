package dev.kwik;

import dev.kwik.internal.sched.MinRttScheduler;
import dev.kwik.internal.sched.RedundantScheduler;
import dev.kwik.internal.sched.RoundRobinScheduler;
import dev.kwik.internal.sched.WeightedScheduler;

import java.util.List;
import java.util.Locale;

/**
 * Decides which path carries each packet a session sends. KWIK calls {@link #select} with the live paths to
 * the right server that have send capacity (backup paths only when no other path is alive); when none has
 * capacity it passes all live ones, so a scheduler never has to queue. Called on application threads,
 * concurrently: implementations must be thread-safe, fast and must not block or throw.
 */
public interface PathScheduler {
    /**
     * Picks one of {@code candidates} (never empty) for a packet of {@code packetBytes}.
     */
    SchedulablePath select(List<? extends SchedulablePath> candidates, int packetBytes);

    /** Whether every packet should go on every candidate (the receiver drops duplicates by offset). */
    default boolean duplicatesEverything() {
        return false;
    }

    /** Lowest minimum RTT among paths with capacity; near-equal paths share by bytes in flight. The default. */
    static PathScheduler minRtt() {
        return new MinRttScheduler();
    }

    /** Each path in turn. */
    static PathScheduler roundRobin() {
        return new RoundRobinScheduler();
    }

    /** Paths in proportion to their {@link SchedulablePath#weight()} (set per path id when the path is added). */
    static PathScheduler weighted() {
        return new WeightedScheduler();
    }

    /** Every packet on every live path; costs bandwidth, hides any single path's loss or death. */
    static PathScheduler redundant() {
        return new RedundantScheduler();
    }

    /** A built-in by name: {@code min-rtt}, {@code round-robin}, {@code weighted} or {@code redundant}. */
    static PathScheduler named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "min-rtt", "minrtt" -> minRtt();
            case "round-robin", "roundrobin" -> roundRobin();
            case "weighted" -> weighted();
            case "redundant" -> redundant();
            default -> throw new IllegalArgumentException("unknown scheduler '" + name
                    + "'; expected min-rtt, round-robin, weighted or redundant");
        };
    }
}

package dev.kwik;

import dev.kwik.internal.sched.EarliestArrivalScheduler;
import dev.kwik.internal.sched.MinRttScheduler;
import dev.kwik.internal.sched.RedundantScheduler;
import dev.kwik.internal.sched.RoundRobinScheduler;
import dev.kwik.internal.sched.WeightedScheduler;

import java.util.Locale;

/** The built-in {@link PathScheduler}s, each a new instance (a scheduler may keep per-session state). */
public final class PathSchedulers {
    private PathSchedulers() {
    }

    /**
     * Lowest minimum RTT among paths with capacity; near-equal paths share by bytes in flight. The default until
     * 2026-11-30; on paths of different rates and delays it leaves the slow path holding the end of a transfer
     * ({@link #earliestArrival()}: 1.45 against 1.15 × ideal completion, docs/BENCHMARKS.md).
     */
    public static PathScheduler minRtt() {
        return new MinRttScheduler();
    }

    /**
     * Each packet on the path where it is expected to arrive first, from each path's bytes in flight, delivery
     * rate (QUIC's window over its RTT) and minimum RTT: the fastest path first, others take what they will
     * deliver before it could, so paths of different speeds and delays finish a transfer together. The default.
     */
    public static PathScheduler earliestArrival() {
        return new EarliestArrivalScheduler();
    }

    /** Each path in turn. */
    public static PathScheduler roundRobin() {
        return new RoundRobinScheduler();
    }

    /** Paths in proportion to their {@link SchedulablePath#weight()} (set per path id when the path is added). */
    public static PathScheduler weighted() {
        return new WeightedScheduler();
    }

    /** Every packet on every live path; costs bandwidth, hides any single path's loss or death. */
    public static PathScheduler redundant() {
        return new RedundantScheduler();
    }

    /**
     * A built-in by name: {@code min-rtt}, {@code earliest-arrival}, {@code round-robin}, {@code weighted} or
     * {@code redundant}.
     */
    public static PathScheduler named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "min-rtt", "minrtt" -> minRtt();
            case "earliest-arrival", "earliestarrival" -> earliestArrival();
            case "round-robin", "roundrobin" -> roundRobin();
            case "weighted" -> weighted();
            case "redundant" -> redundant();
            default -> throw new IllegalArgumentException("unknown scheduler '" + name
                    + "'; expected min-rtt, earliest-arrival, round-robin, weighted or redundant");
        };
    }
}

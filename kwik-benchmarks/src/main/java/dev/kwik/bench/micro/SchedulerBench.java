package dev.kwik.bench.micro;

import dev.kwik.PathScheduler;
import dev.kwik.PathSchedulers;
import dev.kwik.SchedulablePath;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;

/** One scheduling decision (per packet) among 2 or 4 paths with different RTTs and bytes in flight. */
@State(Scope.Thread)
public class SchedulerBench {
    @Param({"min-rtt", "earliest-arrival", "round-robin", "weighted"})
    public String scheduler;
    @Param({"2", "4"})
    public int paths;
    private PathScheduler s;
    private final List<Candidate> candidates = new ArrayList<>();

    @Setup
    public void setUp() {
        s = PathSchedulers.named(scheduler);
        for (int i = 0; i < paths; i++) {
            candidates.add(new Candidate(i, 1_000_000L * (i + 1), 64_000L * (paths - i), 1 + i));
        }
    }

    @Benchmark
    public SchedulablePath decide() {
        return s.select(candidates, 1350);
    }

    record Candidate(long pathId, long minRttNanos, long bytesInFlight, int weight) implements SchedulablePath {
        @Override
        public long smoothedRttNanos() {
            return minRttNanos * 2;
        }

        @Override
        public boolean hasCapacity() {
            return true;
        }
    }
}

package dev.kwik.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Runs the JMH benchmarks of {@code dev.kwik.bench.micro} (frame codec, reassembly, scheduler) with the GC
 * profiler and reports, per benchmark, the time per operation and the bytes allocated per operation.
 *
 * <p>Run: {@code java -cp "kwik-benchmarks/target/classes:$(cat kwik-benchmarks/target/classpath.txt)" dev.kwik.bench.MicroBench [--quick]}
 */
public final class MicroBench {
    public static void main(String[] args) throws Exception {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        ChainedOptionsBuilder o = new OptionsBuilder().include("dev\\.kwik\\.bench\\.micro\\..*")
                .addProfiler(GCProfiler.class).timeUnit(TimeUnit.NANOSECONDS)
                .mode(org.openjdk.jmh.annotations.Mode.AverageTime);
        if (quick) {
            o.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3).measurementTime(TimeValue.seconds(1));
        } else {
            o.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(2)).measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        Collection<RunResult> runs = new Runner(o.build()).run();
        Results out = new Results("micro");
        for (RunResult r : runs) {
            String name = r.getParams().getBenchmark().replace("dev.kwik.bench.micro.", "");
            StringBuilder params = new StringBuilder();
            for (String k : r.getParams().getParamsKeys()) {
                params.append(params.length() == 0 ? " (" : ", ").append(k).append('=').append(r.getParams().getParam(k));
            }
            if (params.length() > 0) {
                name += params.append(')');
            }
            Statistics t = r.getPrimaryResult().getStatistics();
            out.add(name + ", time", "ns/op", t.getPercentile(50), t.getMin(), t.getMax(), (int) t.getN(), null, 0);
            Result alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            if (alloc != null) {
                Statistics a = alloc.getStatistics();
                out.add(name + ", allocation", "B/op", a.getPercentile(50), a.getMin(), a.getMax(), (int) a.getN(), null, 0);
            }
        }
        out.print();
        out.write(Path.of(System.getProperty("kwik.bench.out", "kwik-benchmarks/target/bench")));
    }
}

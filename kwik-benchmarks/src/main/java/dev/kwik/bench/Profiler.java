package dev.kwik.bench;

/**
 * Optional async-profiler control for a benchmark's steady state: with {@code -Dkwik.bench.profile=FILE} and
 * async-profiler's jar and native library given ({@code -cp ...:async-profiler.jar}, {@code
 * -Dkwik.bench.profiler.lib=.../libasyncProfiler.so}), {@link #start} and {@link #stop} profile CPU (per thread)
 * between the two calls and write collapsed stacks to FILE. Reflection, so the benchmarks do not depend on it.
 */
final class Profiler {
    private static Object profiler;

    private Profiler() {
    }

    static void start() {
        String file = System.getProperty("kwik.bench.profile");
        if (file == null) {
            return;
        }
        try {
            Class<?> c = Class.forName("one.profiler.AsyncProfiler");
            String lib = System.getProperty("kwik.bench.profiler.lib");
            profiler = lib == null ? c.getMethod("getInstance").invoke(null) : c.getMethod("getInstance", String.class).invoke(null, lib);
            c.getMethod("execute", String.class).invoke(profiler, "start,event=" + System.getProperty("kwik.bench.profile.event", "cpu") + ",threads,interval=1ms");
            System.out.println("profiling to " + file);
        } catch (ReflectiveOperationException e) {
            System.out.println("NOTE no profile: " + e);
        }
    }

    static void stop() {
        if (profiler == null) {
            return;
        }
        try {
            profiler.getClass().getMethod("execute", String.class).invoke(profiler,
                    "stop,file=" + System.getProperty("kwik.bench.profile") + ",collapsed");
        } catch (ReflectiveOperationException e) {
            System.out.println("NOTE profile not written: " + e);
        }
        profiler = null;
    }
}

package dev.kwik.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's threads between construction and {@link #stop}, summed by role (client event loops,
 * server event loops, everything else): steadier than a rate on a noisy machine, and it says which side pays.
 * Threads that started and ended in between are not counted.
 */
final class ThreadCpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start = new HashMap<>();
    private final Map<String, Long> byRole = new TreeMap<>();

    ThreadCpu() {
        for (long id : MX.getAllThreadIds()) {
            start.put(id, MX.getThreadCpuTime(id));
        }
    }

    /** Ends the measurement: call it while the threads measured still live. */
    void stop() {
        for (long id : MX.getAllThreadIds()) {
            ThreadInfo info = MX.getThreadInfo(id);
            long now = MX.getThreadCpuTime(id);
            if (info == null || now < 0) {
                continue;
            }
            long used = now - start.getOrDefault(id, 0L);
            byRole.merge(role(info.getThreadName()), used, Long::sum);
        }
    }

    /** CPU nanoseconds of the transport's work (event loops and application threads; not the JIT nor GC). */
    long transportNanos() {
        return byRole.getOrDefault("client-loop", 0L) + byRole.getOrDefault("server-loop", 0L) + byRole.getOrDefault("app", 0L);
    }

    /** CPU nanoseconds per unit of work, by role, as {@code role=ns ...}. */
    String perUnit(long units) {
        StringBuilder b = new StringBuilder();
        byRole.forEach((role, ns) -> b.append(String.format(Locale.ROOT, "%s=%.0f ", role, ns / (double) units)));
        return b.toString().trim();
    }

    private static String role(String name) {
        if (name.startsWith("kwik-client") || name.startsWith("raw-client")) {
            return "client-loop";
        }
        if (name.startsWith("kwik-server") && !name.startsWith("kwik-server-worker") || name.startsWith("raw-server")) {
            return "server-loop";
        }
        if (name.contains("Compiler") || name.startsWith("GC ") || name.startsWith("G1 ")) {
            return "jvm";
        }
        return "app";
    }
}

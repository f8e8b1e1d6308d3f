package dev.kwik.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process inside one of {@link Netns}'s namespaces (a {@link NetnsNode} JVM, iperf3, a link emulator) whose
 * output lines are collected and can be waited for. {@link Netns} kills whatever is still running when it
 * closes.
 */
final class NodeProcess {
    private static final String EXIT = "\u0000EXIT";
    private static final java.util.concurrent.atomic.AtomicInteger STARTED = new java.util.concurrent.atomic.AtomicInteger();
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final String name;

    private NodeProcess(Process process, String name) {
        this.process = process;
        this.name = name;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            synchronized (lines) {
                lines.add(EXIT);
                lines.notifyAll();
            }
        }, "node-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * {@link NetnsNode} with {@code args} (its first is the role) in a JVM of its own inside {@code ns};
     * {@code -Dkwik.bench.jvmArgs="..."} adds JVM options (e.g. a JFR recording; {@code {node}} in them becomes the role and a counter, so each node has its own file).
     */
    static NodeProcess java(Netns n, String ns, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
                "-Xmx512m", "-Dkwik.log=" + System.getProperty("kwik.log", "WARN"),
                "-Dkwik.bench.warmup=" + System.getProperty("kwik.bench.warmup", String.valueOf(32L << 20)), "-cp", System.getProperty("java.class.path"),
                NetnsNode.class.getName()));
        String extra = System.getProperty("kwik.bench.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            String tag = args.get(0) + "-" + STARTED.incrementAndGet();
            cmd.addAll(1, List.of(extra.replace("{node}", tag).split("\\s+")));
        }
        cmd.addAll(args);
        return start(n, ns, args.get(0), cmd);
    }

    static NodeProcess start(Netns n, String ns, String name, List<String> command) throws IOException {
        NodeProcess p = new NodeProcess(n.exec(ns, command).start(), name);
        n.track(p.process);
        return p;
    }

    /** The first line starting with {@code prefix}, waiting up to 180 s; fails if the process exits first. */
    String awaitLine(String prefix) throws InterruptedException {
        return awaitLine(prefix, 0);
    }

    /** The line after the {@code skip} first ones starting with {@code prefix}, likewise. */
    String awaitLine(String prefix, int skip) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        synchronized (lines) {
            for (;;) {
                int seen = 0;
                for (String l : lines) {
                    if (l.startsWith(prefix) && seen++ == skip) {
                        return l;
                    }
                    if (l.equals(EXIT)) {
                        throw new IllegalStateException(name + " exited before printing " + prefix + ":\n" + output());
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(name + " did not print " + prefix + " in time:\n" + output());
                }
                lines.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }

    /** Waits up to {@code seconds} for the process to exit and returns its exit code. */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " still running after " + seconds + " s:\n" + output());
        }
        synchronized (lines) {
            while (!lines.contains(EXIT)) {
                lines.wait(1000);
            }
        }
        return process.exitValue();
    }

    /** Everything printed so far. */
    String output() {
        synchronized (lines) {
            return String.join("\n", lines.stream().filter(l -> !l.equals(EXIT)).toList());
        }
    }

    /** Waits up to 20 s for the process to end by itself, then kills it; prints its output when {@code echo}. */
    void stop(boolean echo) throws InterruptedException {
        long start = System.nanoTime();
        boolean exited = process.waitFor(20, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (echo) {
            System.out.printf("--- %s %s after %d ms%n", name, exited ? "exited" : "was killed",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            for (String l : output().split("\n")) {
                System.out.println("    " + name + "| " + l);
            }
        }
    }

    /** Kills the process now. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}

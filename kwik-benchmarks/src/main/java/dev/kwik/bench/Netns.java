package dev.kwik.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces and veth links for multi-host tests on one machine. Everything created is recorded and
 * removed by {@link #close()}, also when a run fails midway (and by a shutdown hook if the JVM is stopped first):
 * processes started in the namespaces are killed, then the namespaces are deleted, which removes their veths,
 * qdiscs and iptables rules. A namespace of the same name left by a killed run is deleted before it is
 * created again. Addresses are private (10.201.x.0/24) and exist only inside these namespaces.
 */
final class Netns implements AutoCloseable {
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::removeAll, "netns-cleanup");

    Netns() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Why the suite cannot run here, or null when it can. */
    static String unavailable() {
        try {
            if (!"0".equals(sh("id", "-u").trim())) {
                return "needs root (network namespaces, tc, iptables)";
            }
            sh("ip", "netns", "list");
            sh("tc", "-V");
            sh("iptables", "--version");
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** A process to kill when the namespaces go. */
    synchronized void track(Process p) {
        processes.add(p);
    }

    void namespace(String name) throws IOException {
        // A namespace left by a run that was killed: remove it first.
        if (sh("ip", "netns", "list").lines().anyMatch(l -> l.split(" ")[0].equals(name))) {
            run("ip", "netns", "del", name);
        }
        run("ip", "netns", "add", name);
        namespaces.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
    }

    /**
     * A veth pair between two namespaces on {@code 10.201.<subnet>.1/24} (a) and {@code .2/24} (b), each end
     * shaped with tbf at {@code rate} (e.g. "50mbit").
     */
    void link(String nsA, String devA, String nsB, String devB, int subnet, String rate) throws IOException {
        run("ip", "link", "add", devA, "netns", nsA, "type", "veth", "peer", "name", devB, "netns", nsB);
        run("ip", "-n", nsA, "addr", "add", "10.201." + subnet + ".1/24", "dev", devA);
        run("ip", "-n", nsB, "addr", "add", "10.201." + subnet + ".2/24", "dev", devB);
        run("ip", "-n", nsA, "link", "set", devA, "up");
        run("ip", "-n", nsB, "link", "set", devB, "up");
        for (String[] end : new String[][] {{nsA, devA}, {nsB, devB}}) {
            run("ip", "netns", "exec", end[0], "tc", "qdisc", "add", "dev", end[1], "root", "tbf",
                    "rate", rate, "burst", "64kb", "latency", "50ms");
        }
    }

    /** Random loss on what {@code dev} sends inside {@code ns}. */
    void loss(String ns, String dev, double probability) throws IOException {
        run("ip", "netns", "exec", ns, "iptables", "-A", "OUTPUT", "-o", dev, "-m", "statistic",
                "--mode", "random", "--probability", String.valueOf(probability), "-j", "DROP");
    }

    void down(String ns, String dev) throws IOException {
        run("ip", "-n", ns, "link", "set", dev, "down");
    }

    /** A process inside {@code ns}. */
    ProcessBuilder exec(String ns, List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(command);
        return new ProcessBuilder(c).redirectErrorStream(true);
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // JVM already shutting down
        }
    }

    private synchronized void removeAll() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        for (String ns : namespaces) {
            try {
                sh("ip", "netns", "del", ns);
            } catch (IOException ignored) {
                // best effort: deleting the namespace removes its veths, qdiscs and iptables rules
            }
        }
        namespaces.clear();
    }

    static void run(String... cmd) throws IOException {
        sh(cmd);
    }

    static String sh(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim());
        }
        return out;
    }
}

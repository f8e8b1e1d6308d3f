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

    /** Service addresses of the two-client-link topology: the primary's and the secondary's, both in kwik-p. */
    static final String SERVICE_P = "10.201.9.1";
    static final String SERVICE_S = "10.201.9.2";
    /** The client's two links: a1 (10.201.1.1, table 101) and a2 (10.201.3.1, table 103). */
    static final String CLIENT_A = "10.201.1.1";
    static final String CLIENT_B = "10.201.3.1";

    /**
     * A client with two links to one server namespace, like a device with Wi-Fi and cellular: namespaces kwik-c and
     * kwik-p joined by a1 and a2 (shaped at {@code rateA} and {@code rateB}); kwik-p holds the service addresses
     * {@link #SERVICE_P} and {@link #SERVICE_S} on its loopback, reachable over either link. The client routes by
     * source address (a socket bound to 10.201.1.1 leaves by a1, to 10.201.3.1 by a2; unbound ones by a1).
     */
    void clientLinks(String rateA, String rateB) throws IOException {
        namespace("kwik-c");
        namespace("kwik-p");
        link("kwik-c", "kc-a1", "kwik-p", "kp-a1", 1, rateA);
        link("kwik-c", "kc-a2", "kwik-p", "kp-a2", 3, rateB);
        run("ip", "-n", "kwik-p", "addr", "add", SERVICE_P + "/32", "dev", "lo");
        run("ip", "-n", "kwik-p", "addr", "add", SERVICE_S + "/32", "dev", "lo");
        for (String ns : List.of("kwik-c", "kwik-p")) {
            // Answers to 10.201.3.1 come back on a2 while the main table names a1 for 10.201.9.0/24.
            run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
        }
        run("ip", "-n", "kwik-c", "route", "add", "10.201.9.0/24", "via", "10.201.1.2", "dev", "kc-a1");
        run("ip", "-n", "kwik-c", "rule", "add", "from", CLIENT_A, "table", "101");
        run("ip", "-n", "kwik-c", "rule", "add", "from", CLIENT_B, "table", "103");
        clientRoute("kc-a1");
        clientRoute("kc-a2");
    }

    /**
     * The client's source route over one link (a link going down loses its routes; a network manager would add
     * them back when it comes up, so {@link #up} does).
     */
    private void clientRoute(String dev) throws IOException {
        boolean a = dev.equals("kc-a1");
        run("ip", "-n", "kwik-c", "route", "replace", "10.201.9.0/24", "via", a ? "10.201.1.2" : "10.201.3.2", "dev", dev,
                "table", a ? "101" : "103");
    }

    /** Brings a client link of {@link #clientLinks} back up, with its source route. */
    void up(String ns, String dev) throws IOException {
        run("ip", "-n", ns, "link", "set", dev, "up");
        if (ns.equals("kwik-c")) {
            clientRoute(dev);
        }
    }

    /** Bytes {@code dev} has received in {@code ns}. */
    static long rxBytes(String ns, String dev) throws IOException {
        return Long.parseLong(sh("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + dev + "/statistics/rx_bytes").trim());
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

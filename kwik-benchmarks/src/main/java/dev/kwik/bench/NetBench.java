package dev.kwik.bench;

import dev.kwik.internal.quic.Tls;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The multi-host benchmarks: client, primary and secondary as separate processes ({@link NetnsNode}) in network
 * namespaces joined by veth links shaped with tc tbf, with iptables loss, a user-space delay emulator
 * ({@link DelayRelay}) and {@code ip link set down} where a scenario needs them; MPTCP (iperf3 under mptcpize)
 * on the same links as the reference. Needs root; a part that cannot run says why and the rest runs.
 *
 * <pre>
 *            a1 10.201.1.0/24            b 10.201.2.0/24
 *   kwik-p ────────────────── kwik-c ────────────────── kwik-s
 *   (primary) ──────────────── (client)                 (secondary)
 *            a2 10.201.3.0/24
 * </pre>
 * Each run builds its namespaces afresh and removes them (with every process in them) when it ends, also on
 * failure. Each transfer also records the machine's CPU seconds per GiB delivered (/proc/stat: every process
 * and the kernel), so that "CPU-bound" is a figure. {@code --quick}: one run per figure, 32 MiB, 8 MiB warm-up rounds, no single-path baselines for
 * the heterogeneous links; otherwise 5 runs, 64 MiB. {@code -Dkwik.bench.runs} and
 * {@code -Dkwik.bench.size} override; {@code -Dkwik.bench.warmup=BYTES} sets the size of each node's JIT
 * warm-up rounds (default 32 MiB, 0 for none; see {@code NetnsNode}); {@code -Dkwik.bench.only=name,...} runs some scenarios only
 * (aggregate, mptcp, faster, heterogeneous, loss, failover).
 *
 * <p>Run as root: {@code java -cp "kwik-benchmarks/target/classes:$(cat kwik-benchmarks/target/classpath.txt)" dev.kwik.bench.NetBench [--quick]}
 */
public final class NetBench {
    private static final String FAST = "100mbit";
    private static final double FAST_MBIT = 100;
    /** The faster pair, where per-packet cost rather than the link decides. */
    private static final String FASTER = "400mbit";
    private static final double FASTER_MBIT = 400;
    private final int runs;
    private final boolean quick;
    private final long size;
    private final SelfSignedCertificate cert = Tls.selfSigned();
    private final String secret;
    private final Results out = new Results("multi-host");

    private NetBench(int runs, long size, boolean quick) {
        this.quick = quick;
        this.runs = runs;
        this.size = size;
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        this.secret = HexFormat.of().formatHex(s);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int runs = Integer.getInteger("kwik.bench.runs", quick ? 1 : 5);
        long size = Long.getLong("kwik.bench.size", quick ? 32L << 20 : 64L << 20);
        List<String> only = List.of(System.getProperty("kwik.bench.only", "aggregate,mptcp,faster,heterogeneous,loss,failover,clientlinks").split(","));
        Path dir = Path.of(System.getProperty("kwik.bench.out", "kwik-benchmarks/target/bench"));
        if (quick && System.getProperty("kwik.bench.warmup") == null) {
            System.setProperty("kwik.bench.warmup", String.valueOf(8L << 20)); // node JVMs: shorter warm-up rounds
        }
        NetBench b = new NetBench(runs, size, quick);
        String why = Netns.unavailable();
        if (why != null) {
            b.out.note("multi-host suite skipped: " + why);
        } else {
            Map<String, Part> parts = new LinkedHashMap<>();
            parts.put("aggregate", b::aggregate);
            parts.put("mptcp", b::mptcp);
            parts.put("faster", b::faster);
            parts.put("heterogeneous", b::heterogeneous);
            parts.put("loss", b::loss);
            parts.put("clientlinks", b::clientLinks);
            parts.put("failover", b::failover);
            for (var e : parts.entrySet()) {
                if (!only.contains(e.getKey())) {
                    continue;
                }
                try {
                    e.getValue().run();
                } catch (Exception | AssertionError x) {
                    b.out.note(e.getKey() + " failed: " + x.getMessage().lines().findFirst().orElse(""));
                    x.printStackTrace(System.out);
                }
            }
        }
        b.cert.delete();
        b.out.print();
        b.out.write(dir);
    }

    private interface Part {
        void run() throws Exception;
    }

    private final Map<String, List<Double>> kept = new HashMap<>();

    // ------------------------------------------------------------------ scenarios

    /** One path on one link, primary + secondary, two paths to one server: goodput over link rates. */
    private void aggregate() throws Exception {
        List<Double> single = measureWarm("single path", new Setup().links(FAST, FAST), Result::mbit);
        out.add("KWIK one path on one 100 Mbit/s link, goodput / link rate", "", ratio(single, FAST_MBIT), null, 0);
        addCpu();
        List<Double> ps = measureWarm("primary + secondary", new Setup().links(FAST, FAST).secondary(), Result::mbit);
        out.add("KWIK primary + secondary (2 × 100 Mbit/s), goodput / sum of link rates", "", ratio(ps, 2 * FAST_MBIT), ">=", 0.95);
        addCpu();
        List<Double> same = measureWarm("two paths to one server", new Setup().links(FAST, FAST).sameServer(), Result::mbit);
        out.add("KWIK two paths to one server (2 × 100 Mbit/s), goodput / sum of link rates", "", ratio(same, 2 * FAST_MBIT), ">=", 0.95);
        addCpu();
        out.add("why bother: KWIK primary + secondary / KWIK one path", "×", List.of(Results.median(ps) / Results.median(single)), null, 0);
        // What multipath itself loses: each path of two against one path alone on the same kind of link (the
        // per-datagram overhead of QUIC, ~6% of a 1500-byte link, is in both and cancels out).
        out.add("KWIK primary + secondary / (2 × KWIK one path)", "", List.of(Results.median(ps) / (2 * Results.median(single))), null, 0);
        out.add("KWIK two paths to one server / (2 × KWIK one path)", "", List.of(Results.median(same) / (2 * Results.median(single))), null, 0);
        kept.put("ps", ps);
        kept.put("same", same);
    }

    /** iperf3 under mptcpize over links a1 and a2 (the server signals its second address), and plain TCP on a1. */
    private void mptcp() throws Exception {
        String missing = missingTools("iperf3", "mptcpize", "nstat");
        if (missing != null) {
            out.note("MPTCP skipped: " + missing + " not installed (scripts/bench.sh installs iperf3, mptcpize and iproute2 with apt)");
            return;
        }
        List<Double> tcp = measure("TCP on one link", () -> iperf(false, FAST));
        out.add("TCP (iperf3) on one 100 Mbit/s link, goodput / link rate", "", ratio(tcp, FAST_MBIT), null, 0);
        addCpu();
        List<Double> mp = measure("MPTCP", () -> iperf(true, FAST));
        out.add("MPTCP (iperf3 under mptcpize, 2 subflows, 2 × 100 Mbit/s), goodput / sum of link rates", "", ratio(mp, 2 * FAST_MBIT), null, 0);
        addCpu();
        if (kept.containsKey("same")) {
            out.add("KWIK two paths to one server / MPTCP", "×", List.of(Results.median(kept.get("same")) / Results.median(mp)), ">=", 1.05);
            out.add("KWIK primary + secondary / MPTCP", "×", List.of(Results.median(kept.get("ps")) / Results.median(mp)), ">=", 1.05);
        }
    }

    /** The same on two 400 Mbit/s links: KWIK one path, primary + secondary, two paths to one server, MPTCP. */
    private void faster() throws Exception {
        List<Double> single = measureWarm("single path, 400 Mbit/s", new Setup().links(FASTER, FASTER), Result::mbit);
        out.add("KWIK one path on one 400 Mbit/s link, goodput / link rate", "", ratio(single, FASTER_MBIT), null, 0);
        addCpu();
        List<Double> ps = measureWarm("primary + secondary, 2 x 400 Mbit/s", new Setup().links(FASTER, FASTER).secondary(), Result::mbit);
        out.add("KWIK primary + secondary (2 × 400 Mbit/s), goodput / sum of link rates", "", ratio(ps, 2 * FASTER_MBIT), null, 0);
        addCpu();
        List<Double> same = measureWarm("two paths to one server, 2 x 400 Mbit/s", new Setup().links(FASTER, FASTER).sameServer(), Result::mbit);
        out.add("KWIK two paths to one server (2 × 400 Mbit/s), goodput / sum of link rates", "", ratio(same, 2 * FASTER_MBIT), null, 0);
        addCpu();
        if (missingTools("iperf3", "mptcpize", "nstat") == null) {
            List<Double> mp = measure("MPTCP, 2 x 400 Mbit/s", () -> iperf(true, FASTER));
            out.add("MPTCP (2 subflows, 2 × 400 Mbit/s), goodput / sum of link rates", "", ratio(mp, 2 * FASTER_MBIT), null, 0);
            addCpu();
            out.add("2 × 400 Mbit/s: KWIK two paths to one server / MPTCP", "×", List.of(Results.median(same) / Results.median(mp)), null, 0);
        }
    }

    /** The machine-wide figures of the transfers just measured: share of CPU busy, and CPU seconds per GiB delivered. */
    private void addCpu() {
        out.add("  machine CPU busy during it (2 cores)", "", List.copyOf(busy), null, 0);
        out.add("  machine CPU seconds per GiB delivered (every process and the kernel)", "s", List.copyOf(cpuPerGib), null, 0);
    }

    /**
     * 50 Mbit/s at 10 ms RTT (a1) and 20 Mbit/s at 100 ms RTT (a2) to one server, each scheduler; and each link
     * alone with one path, so that what the scheduler loses can be told from what one path loses on such a link.
     */
    private void heterogeneous() throws Exception {
        double ideal = size * 8 / 70e6;
        double achievable = 0;
        if (!quick) {
            List<Double> fast = measureWarm("one path on 50 Mbit/s 10 ms", new Setup().links("50mbit", FAST).delays(5, 0), Result::mbit);
            out.add("one path alone on the 50 Mbit/s 10 ms link, goodput / link rate", "", ratio(fast, 50), null, 0);
            List<Double> slow = measureWarm("one path on 20 Mbit/s 100 ms", new Setup().links("20mbit", FAST).delays(50, 0), Result::mbit);
            out.add("one path alone on the 20 Mbit/s 100 ms link, goodput / link rate", "", ratio(slow, 20), null, 0);
            achievable = size * 8 / ((Results.median(fast) + Results.median(slow)) * 1e6);
        }
        double best = Double.MAX_VALUE;
        for (String scheduler : List.of(System.getProperty("kwik.bench.schedulers", "min-rtt,earliest-arrival,round-robin,weighted").split(","))) {
            List<Double> t = measureWarm("heterogeneous " + scheduler, new Setup().links("50mbit", "20mbit")
                    .sameServer().delays(5, 50).scheduler(scheduler).weights("50,20"), Result::completionSeconds);
            out.add("heterogeneous (50 Mbit/s 10 ms + 20 Mbit/s 100 ms), " + scheduler + ": completion / ideal (" + fmt(ideal) + " s)",
                    "×", t.stream().map(x -> x / ideal).toList(), null, 0);
            best = Math.min(best, Results.median(t) / ideal);
        }
        out.add("heterogeneous: best scheduler's completion / ideal", "×", List.of(best), "<=", 1.10);
        if (achievable > 0) {
            out.add("heterogeneous: best scheduler's completion / (size / sum of the two single-path goodputs, " + fmt(achievable) + " s)",
                    "×", List.of(best * ideal / achievable), null, 0);
        }
    }

    /**
     * Two client links to one server address (issue 15): KWIK with the fullmesh path policy against MPTCP with a
     * client subflow endpoint on the same links, and KWIK's longest stall when link a2 goes down at 50%.
     */
    private void clientLinks() throws Exception {
        List<Double> kwik = measureWarm("KWIK fullmesh, two client links", new Setup().links(FAST, FAST).clientLinks(), Result::mbit);
        out.add("KWIK fullmesh over two client links (2 × 100 Mbit/s), goodput / sum of link rates", "", ratio(kwik, 2 * FAST_MBIT), null, 0);
        addCpu();
        if (missingTools("iperf3", "mptcpize", "nstat") == null) {
            List<Double> mp = measure("MPTCP, two client subflow endpoints", () -> iperfClientLinks(FAST));
            out.add("MPTCP with two client subflow endpoints (2 × 100 Mbit/s), goodput / sum of link rates", "", ratio(mp, 2 * FAST_MBIT), null, 0);
            addCpu();
            out.add("two client links: KWIK fullmesh / MPTCP", "×", List.of(Results.median(kwik) / Results.median(mp)), ">=", 1.0);
        } else {
            out.note("client links: MPTCP skipped (iperf3, mptcpize or nstat missing)");
        }
        List<Double> stalls = new ArrayList<>();
        measureWarm("KWIK fullmesh, client link a2 down at 50%", new Setup().links(FAST, FAST).clientLinks().cut(), r -> {
            stalls.add(r.stallMillis());
            return r.mbit();
        });
        out.add("two client links: longest stall when link a2 goes down at 50% (interfaces polled every 250 ms)", "ms", stalls, "<", 1000);
    }

    /** Random loss on link a2 of two paths to one server, against the same without loss. */
    private void loss() throws Exception {
        List<Double> clean = kept.containsKey("same") ? kept.get("same")
                : measureWarm("no loss", new Setup().links(FAST, FAST).sameServer(), Result::mbit);
        for (double p : new double[] {0.01, 0.03}) {
            List<Double> lossy = measureWarm("loss " + p, new Setup().links(FAST, FAST).sameServer().loss(p), Result::mbit);
            out.add(String.format(Locale.ROOT, "two paths to one server, %.0f%% loss on one: goodput", p * 100), "Mbit/s", lossy, null, 0);
            out.add(String.format(Locale.ROOT, "two paths to one server, %.0f%% loss on one: goodput / without loss", p * 100), "",
                    List.of(Results.median(lossy) / Results.median(clean)), null, 0);
        }
    }

    /** Link a1 down when the client has half the file (primary on a1 and a2, secondary on b). */
    private void failover() throws Exception {
        List<Double> uncut = measure("uncut", () -> transfer(new Setup().links(FAST, FAST).secondary().secondPrimaryLink()).completionSeconds());
        List<Double> stalls = new ArrayList<>();
        List<Double> totals = measure("cut at 50%", () -> {
            Result r = transfer(new Setup().links(FAST, FAST).secondary().secondPrimaryLink().cut());
            stalls.add(r.stallMillis());
            return r.completionSeconds();
        });
        out.add("failover: longest stall after a1 goes down at 50% (default heartbeat 250 ms, dead after 1 s)", "ms", stalls, "<", 500);
        out.add("failover: completion with the cut / without", "×", List.of(Results.median(totals) / Results.median(uncut)), null, 0);
    }

    // ------------------------------------------------------------------ running

    private interface Run {
        double once() throws Exception;
    }

    /** Share of the machine's CPU in use during each transfer of the last {@link #measure}. */
    private final List<Double> busy = new ArrayList<>();
    /** Machine CPU seconds (all processes, kernel included) per GiB delivered, for each transfer of the last {@link #measure}. */
    private final List<Double> cpuPerGib = new ArrayList<>();

    /** Records the machine's CPU use between two {@link #cpuTicks} readings around a transfer of {@link #size} bytes. */
    private void recordCpu(long[] before, long[] after) {
        long total = after[0] - before[0];
        long idle = after[1] - before[1];
        busy.add(1 - (double) idle / Math.max(1, total));
        cpuPerGib.add((total - idle) / (double) CLOCK_TICKS / (size / (double) (1L << 30)));
    }

    /** USER_HZ: the unit of /proc/stat (100 on Linux everywhere that matters). */
    private static final int CLOCK_TICKS = 100;

    private List<Double> measure(String what, Run run) throws Exception {
        busy.clear();
        cpuPerGib.clear();
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            double x = run.once();
            System.out.printf(Locale.ROOT, "%s run %d/%d: %s%n", what, i + 1, runs, fmt(x));
            xs.add(x);
        }
        return xs;
    }

    /** Transfers before the measured ones in each setup ({@code -Dkwik.bench.warmupTransfers}, default 1). */
    private static final int WARM_TRANSFERS = Integer.getInteger("kwik.bench.warmupTransfers", 1);

    /**
     * {@link #runs} transfers in one setup after {@link #WARM_TRANSFERS} unmeasured ones, all between the same node
     * JVMs: the figures are those of JVMs that compiled KWIK's hot paths on these links (a fresh JVM's C2 took
     * most of a core during the first transfers, on a machine whose two cores the three nodes share), as a
     * long-running server is; each transfer is a new session, so slow start and path set-up are measured.
     */
    private List<Double> measureWarm(String what, Setup s, java.util.function.ToDoubleFunction<Result> figure) throws Exception {
        busy.clear();
        cpuPerGib.clear();
        List<Result> all = transfers(s, WARM_TRANSFERS + runs);
        busy.subList(0, WARM_TRANSFERS).clear();
        cpuPerGib.subList(0, WARM_TRANSFERS).clear();
        List<Double> xs = new ArrayList<>();
        for (int i = WARM_TRANSFERS; i < all.size(); i++) {
            double x = figure.applyAsDouble(all.get(i));
            System.out.printf(Locale.ROOT, "%s run %d/%d: %s%n", what, i - WARM_TRANSFERS + 1, runs, fmt(x));
            xs.add(x);
        }
        return xs;
    }

    private static List<Double> ratio(List<Double> xs, double of) {
        return xs.stream().map(x -> x / of).toList();
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.3f", x);
    }

    /** What one scenario run builds. */
    private static final class Setup {
        String rateA = FAST;
        String rateB = FAST;
        boolean secondary;
        boolean sameServer;
        boolean secondPrimaryLink;
        boolean cut;
        /** The two-client-link topology ({@link Netns#clientLinks}) instead of the server-side links. */
        boolean clientLinks;
        double loss;
        int delayA;
        int delayB;
        String scheduler = System.getProperty("kwik.bench.scheduler", "earliest-arrival");
        String weights;

        Setup links(String a, String b) {
            rateA = a;
            rateB = b;
            return this;
        }

        Setup secondary() {
            secondary = true;
            return this;
        }

        Setup sameServer() {
            sameServer = true;
            secondPrimaryLink = true;
            return this;
        }

        Setup secondPrimaryLink() {
            secondPrimaryLink = true;
            return this;
        }

        Setup clientLinks() {
            clientLinks = true;
            return this;
        }

        Setup cut() {
            cut = true;
            return this;
        }

        Setup loss(double p) {
            loss = p;
            return this;
        }

        Setup delays(int oneWayMillisA, int oneWayMillisB) {
            delayA = oneWayMillisA;
            delayB = oneWayMillisB;
            return this;
        }

        Setup scheduler(String name) {
            scheduler = name;
            return this;
        }

        Setup weights(String w) {
            weights = w;
            return this;
        }
    }

    record Result(Map<String, String> kv) {
        double mbit() {
            return Double.parseDouble(kv.get("completion_mbit"));
        }

        double completionSeconds() {
            return Double.parseDouble(kv.get("completion_seconds"));
        }

        double busy() {
            return Double.parseDouble(kv.get("machine_busy"));
        }

        double stallMillis() {
            return Double.parseDouble(kv.get("longest_stall_ms"));
        }
    }

    /**
     * One file transfer. Link a1 (client–primary) at {@code rateA}; with a secondary, link b at {@code rateB};
     * with {@code secondPrimaryLink}, link a2 to the primary at {@code rateB} (when the primary has no
     * secondary, a2 is the second path). Loss goes on the second path's link; delays put a {@link DelayRelay}
     * in front of the primary's two addresses.
     */
    private Result transfer(Setup s) throws Exception {
        return transfers(s, 1).get(0);
    }

    /**
     * {@code count} transfers in one setup, one after the other, each in a new session between the same node
     * JVMs; the machine's CPU is recorded for each.
     */
    private List<Result> transfers(Setup s, int count) throws Exception {
        if (s.clientLinks) {
            return clientLinkTransfers(s, count);
        }
        try (Netns n = new Netns()) {
            n.namespace("kwik-c");
            n.namespace("kwik-p");
            n.link("kwik-c", "kc-a1", "kwik-p", "kp-a1", 1, s.rateA);
            if (s.secondary) {
                n.namespace("kwik-s");
                n.link("kwik-c", "kc-b", "kwik-s", "ks-b", 2, s.rateB);
            }
            if (s.secondPrimaryLink) {
                n.link("kwik-c", "kc-a2", "kwik-p", "kp-a2", 3, s.secondary ? s.rateA : s.rateB);
            }
            if (s.loss > 0) {
                String[] second = s.secondary ? new String[] {"kwik-s", "ks-b", "kc-b"} : new String[] {"kwik-p", "kp-a2", "kc-a2"};
                n.loss(second[0], second[1], s.loss);
                n.loss("kwik-c", second[2], s.loss);
            }
            List<String> tls = List.of("--cert", cert.certificate().getPath(), "--key", cert.privateKey().getPath(), "--secret", secret);
            List<String> primary = new ArrayList<>(List.of("primary"));
            NodeProcess relay = null;
            if (s.delayA > 0) {
                primary.addAll(List.of("--bind", "127.0.0.1:5001", "--also-bind", "127.0.0.1:5002"));
                List<String> routes = new ArrayList<>(List.of("delay", "--route", "10.201.1.2:4433,127.0.0.1:5001," + s.delayA));
                if (s.secondPrimaryLink) {
                    routes.addAll(List.of("--route", "10.201.3.2:4433,127.0.0.1:5002," + s.delayB));
                }
                relay = NodeProcess.java(n, "kwik-p", routes);
                relay.awaitLine("READY");
            } else {
                primary.addAll(List.of("--bind", "10.201.1.2:4433"));
                if (s.secondPrimaryLink) {
                    primary.addAll(List.of("--also-bind", "10.201.3.2:4433"));
                }
            }
            if (s.secondPrimaryLink) {
                primary.addAll(List.of("--add-path", "10.201.3.2:4433"));
            }
            if (s.secondary) {
                primary.addAll(List.of("--add-path", "10.201.2.2:4433", "--await-paths", "true"));
            }
            primary.addAll(List.of("--scheduler", s.scheduler));
            if (s.weights != null) {
                primary.addAll(List.of("--weights", s.weights));
            }
            primary.addAll(tls);
            primary.addAll(List.of("--transfers", String.valueOf(count)));
            NodeProcess sec = null;
            if (s.secondary) {
                List<String> a = new ArrayList<>(List.of("secondary", "--bind", "10.201.2.2:4433", "--transfers", String.valueOf(count)));
                a.addAll(tls);
                sec = NodeProcess.java(n, "kwik-s", a);
            }
            NodeProcess pri = NodeProcess.java(n, "kwik-p", primary);
            boolean ok = false;
            try {
                if (sec != null) {
                    sec.awaitLine("READY");
                }
                pri.awaitLine("READY");
                List<Result> results = clientTransfers(s, n, pri, count, "10.201.1.2:4433", List.of());
                ok = true;
                return results;
            } finally {
                pri.stop(!ok);
                if (sec != null) {
                    sec.stop(!ok);
                }
                if (relay != null) {
                    relay.kill();
                }
            }
        }
    }

    /**
     * {@code count} transfers over the two-client-link topology ({@link Netns#clientLinks}): the primary at one
     * service address with the fullmesh path policy, the client with its two links as interfaces a and b. With
     * {@code cut}, link a2 goes down when the client has half the file.
     */
    private List<Result> clientLinkTransfers(Setup s, int count) throws Exception {
        try (Netns n = new Netns()) {
            n.clientLinks(s.rateA, s.rateB);
            List<String> primary = new ArrayList<>(List.of("primary", "--bind", Netns.SERVICE_P + ":4433", "--path-policy", "fullmesh",
                    "--scheduler", s.scheduler, "--transfers", String.valueOf(count),
                    "--cert", cert.certificate().getPath(), "--key", cert.privateKey().getPath(), "--secret", secret));
            NodeProcess pri = NodeProcess.java(n, "kwik-p", primary);
            boolean ok = false;
            try {
                pri.awaitLine("READY");
                List<Result> results = clientTransfers(s, n, pri, count, Netns.SERVICE_P + ":4433",
                        List.of("--interface", "a=" + Netns.CLIENT_A, "--interface", "b=" + Netns.CLIENT_B));
                ok = true;
                return results;
            } finally {
                pri.stop(!ok);
            }
        }
    }

    /** The client node in kwik-c, asking {@code primary} for {@code count} files in a row; its results. */
    private List<Result> clientTransfers(Setup s, Netns n, NodeProcess pri, int count, String primary, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("client", "--primary", primary,
                "--size", String.valueOf(size), "--progress-every", String.valueOf(size / 2),
                "--stream-window", String.valueOf(Long.getLong("kwik.bench.window", 4L << 20)),
                "--transfers", String.valueOf(count)));
        args.addAll(extra);
        NodeProcess client = NodeProcess.java(n, "kwik-c", args);
        boolean ok = false;
        try {
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                results.add(awaitTransfer(s, n, client, pri, i));
            }
            ok = true;
            return results;
        } finally {
            client.stop(!ok);
        }
    }

    /** The {@code i}-th transfer of a setup, from the client's request to its RESULT line. */
    private Result awaitTransfer(Setup s, Netns n, NodeProcess client, NodeProcess pri, int i) throws Exception {
        client.awaitLine("REQUESTED", i);
        long[] cpu0 = cpuTicks();
        if (s.cut) {
            client.awaitLine("PROGRESS", 2 * i);
            n.down("kwik-c", s.clientLinks ? "kc-a2" : "kc-a1");
        }
        String line = client.awaitLine("RESULT", i);
        long[] cpu1 = cpuTicks();
        Map<String, String> kv = new HashMap<>();
        for (String part : line.substring("RESULT ".length()).split(" ")) {
            String[] p = part.split("=", 2);
            kv.put(p[0], p[1]);
        }
        kv.put("machine_busy", fmt(1 - (double) (cpu1[1] - cpu0[1]) / Math.max(1, cpu1[0] - cpu0[0])));
        if (!"true".equals(kv.get("ok"))) {
            throw new IllegalStateException("transfer not intact: " + line);
        }
        recordCpu(cpu0, cpu1);
        System.out.println("   " + line + " machine_busy=" + kv.get("machine_busy")
                + " cpu_s_per_gib=" + fmt(cpuPerGib.get(cpuPerGib.size() - 1)));
        System.out.println("   " + pri.awaitLine("PRIMARY", i));
        return new Result(kv);
    }

    private static final Pattern RECEIVED = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)");

    /**
     * MPTCP over the two-client-link topology: the client announces its second address as a {@code subflow}
     * endpoint (MPTCP's client-side path manager, the way a phone bonds Wi-Fi and cellular), the server has one
     * address; iperf3 -R of {@link #size} bytes to it.
     */
    private double iperfClientLinks(String rate) throws Exception {
        try (Netns n = new Netns()) {
            n.clientLinks(rate, rate);
            mptcpLimits();
            Netns.run("ip", "-n", "kwik-c", "mptcp", "endpoint", "add", Netns.CLIENT_B, "dev", "kc-a2", "subflow");
            return runIperf(n, true, Netns.SERVICE_P);
        }
    }

    /**
     * iperf3 -R (server sends, like the KWIK download) of {@code size} bytes over a1, with MPTCP also over a2, both
     * links at {@code rate}. Its CPU figure includes iperf3's own start (a few milliseconds).
     */
    private double iperf(boolean mptcp, String rate) throws Exception {
        try (Netns n = new Netns()) {
            n.namespace("kwik-c");
            n.namespace("kwik-p");
            n.link("kwik-c", "kc-a1", "kwik-p", "kp-a1", 1, rate);
            n.link("kwik-c", "kc-a2", "kwik-p", "kp-a2", 3, rate);
            if (mptcp) {
                mptcpLimits();
                Netns.run("ip", "-n", "kwik-p", "mptcp", "endpoint", "add", "10.201.3.2", "dev", "kp-a2", "signal");
            }
            return runIperf(n, mptcp, "10.201.1.2");
        }
    }

    private static void mptcpLimits() throws Exception {
        for (String ns : List.of("kwik-c", "kwik-p")) {
            Netns.run("ip", "-n", ns, "mptcp", "limits", "set", "subflow", "2", "add_addr_accepted", "2");
        }
    }

    /**
     * iperf3 server in kwik-p, client in kwik-c receiving {@link #size} bytes from {@code server} (-R), under
     * mptcpize when {@code mptcp} (and then failing unless a second subflow joined); Mbit/s received.
     */
    private double runIperf(Netns n, boolean mptcp, String server) throws Exception {
        List<String> wrap = mptcp ? List.of("mptcpize", "run") : List.of();
        List<String> serverCmd = new ArrayList<>(wrap);
        serverCmd.addAll(List.of("iperf3", "-s", "-1", "--forceflush"));
        NodeProcess s = NodeProcess.start(n, "kwik-p", "iperf3-server", serverCmd);
        s.awaitLine("Server listening");
        List<String> client = new ArrayList<>(wrap);
        client.addAll(List.of("iperf3", "-c", server, "-R", "-n", String.valueOf(size), "-J"));
        long[] cpu0 = cpuTicks();
        NodeProcess c = NodeProcess.start(n, "kwik-c", "iperf3-client", client);
        if (c.awaitExit(120) != 0) {
            throw new IllegalStateException("iperf3 failed:\n" + c.output());
        }
        recordCpu(cpu0, cpuTicks());
        Matcher m = RECEIVED.matcher(c.output());
        if (!m.find()) {
            throw new IllegalStateException("no sum_received in iperf3's output:\n" + c.output());
        }
        if (mptcp) {
            String joins = Netns.sh("ip", "netns", "exec", "kwik-c", "nstat", "-az", "MPTcpExtMPJoinSynAckRx");
            Matcher j = Pattern.compile("MPTcpExtMPJoinSynAckRx\\s+(\\d+)").matcher(joins);
            if (!j.find() || Long.parseLong(j.group(1)) < 1) {
                throw new IllegalStateException("MPTCP opened no second subflow: " + joins.trim());
            }
        }
        s.stop(false);
        return Double.parseDouble(m.group(1)) / 1e6;
    }

    /** Total and idle (idle + iowait) CPU ticks of the whole machine, from /proc/stat. */
    private static long[] cpuTicks() throws IOException {
        String[] f = java.nio.file.Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    }

    private static String missingTools(String... tools) {
        List<String> missing = new ArrayList<>();
        for (String t : tools) {
            try {
                Netns.sh("sh", "-c", "command -v " + t);
            } catch (IOException e) {
                missing.add(t);
            }
        }
        return missing.isEmpty() ? null : String.join(", ", missing);
    }
}

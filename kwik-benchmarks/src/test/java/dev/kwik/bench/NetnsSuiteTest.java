package dev.kwik.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client, primary and secondary as separate processes in their own network namespaces, joined by veth links
 * shaped with tc tbf at 50 Mbit/s, lossy with iptables where a test says so. Runs in the {@code netns} Maven
 * profile; skips with a message where root, {@code ip netns}, tc or iptables are missing.
 * {@code -Dkwik.netns.runs=N} repeats each measured scenario N times and prints the median.
 */
class NetnsSuiteTest {
    private static final String RATE = "50mbit";
    private static final double LINK_MBIT = 50;
    private static final long SIZE = Long.getLong("kwik.netns.size", 32L << 20);
    private static final int RUNS = Integer.getInteger("kwik.netns.runs", 1);
    @RegisterExtension
    static final NetnsCredentials credentials = new NetnsCredentials();

    @Test
    void seedScenarioOverTwoLossyLinksArrivesIntact() throws Exception {
        Map<String, String> r = scenario(0.01, false, null);
        assertThat(r.get("ok")).isEqualTo("true");
        assertThat(r.get("bad_chunks")).isEqualTo("0");
    }

    @Test
    void primaryAndSecondaryAggregateTwoLinks() throws Exception {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Map<String, String> r = scenario(0, false, null);
            assertThat(r.get("ok")).isEqualTo("true");
            ratios.add(Double.parseDouble(r.get("goodput_mbit")) / (2 * LINK_MBIT));
        }
        System.out.printf("FIGURE primary + secondary, aggregate goodput / sum of link rates (2 x %s): median %.3f of %s%n", RATE, Results.median(ratios), ratios);
    }

    @Test
    void twoPathsToOneServerAggregateTwoLinks() throws Exception {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Map<String, String> r = scenario(0, false, "same-server");
            assertThat(r.get("ok")).isEqualTo("true");
            ratios.add(Double.parseDouble(r.get("goodput_mbit")) / (2 * LINK_MBIT));
        }
        System.out.printf("FIGURE two paths to one server, goodput / sum of link rates (2 x %s): median %.3f of %s%n", RATE, Results.median(ratios), ratios);
    }

    @Test
    void singlePathBaselineOnOneLink() throws Exception {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Map<String, String> r = scenario(0, false, "primary-only");
            assertThat(r.get("ok")).isEqualTo("true");
            ratios.add(Double.parseDouble(r.get("goodput_mbit")) / LINK_MBIT);
        }
        System.out.printf("FIGURE single path goodput / link rate (1 x %s): median %.3f of %s%n", RATE, Results.median(ratios), ratios);
    }

    @Test
    void linkCutMidTransferFailsOverWithNoLoss() throws Exception {
        List<Double> stalls = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Map<String, String> r = scenario(0, true, null);
            assertThat(r.get("ok")).isEqualTo("true");
            stalls.add(Double.parseDouble(r.get("longest_stall_ms")));
        }
        System.out.printf("FIGURE longest stall after a link cut at 50%%: median %.0f ms of %s%n", Results.median(stalls), stalls);
    }

    /**
     * kwik-c ── a1 (10.201.1.0/24) ── kwik-p      kwik-c ── b (10.201.2.0/24) ── kwik-s
     * and, with {@code cut}, a second primary link a2 (10.201.3.0/24) whose address the primary adds as a path;
     * link a1 goes down when the client has half the file.
     */
    private Map<String, String> scenario(double loss, boolean cut, String variant) throws Exception {
        try (Netns n = new Netns()) {
            n.namespace("kwik-c");
            n.namespace("kwik-p");
            n.namespace("kwik-s");
            n.link("kwik-c", "kc-a1", "kwik-p", "kp-a1", 1, RATE);
            n.link("kwik-c", "kc-b", "kwik-s", "ks-b", 2, RATE);
            boolean sameServer = "same-server".equals(variant);
            if (cut || sameServer) {
                n.link("kwik-c", "kc-a2", "kwik-p", "kp-a2", 3, RATE);
            }
            if (loss > 0) {
                n.loss("kwik-p", "kp-a1", loss);
                n.loss("kwik-c", "kc-a1", loss);
                n.loss("kwik-s", "ks-b", loss);
                n.loss("kwik-c", "kc-b", loss);
            }
            List<String> tls = credentials.args();
            List<String> primaryArgs = new ArrayList<>(List.of("primary", "--bind", "10.201.1.2:4433"));
            if (cut || sameServer) {
                primaryArgs.addAll(List.of("--also-bind", "10.201.3.2:4433", "--add-path", "10.201.3.2:4433"));
            }
            if (variant == null) {
                primaryArgs.addAll(List.of("--add-path", "10.201.2.2:4433", "--await-paths", "true"));
            }
            primaryArgs.addAll(List.of("--scheduler", System.getProperty("kwik.scheduler", "earliest-arrival")));
            primaryArgs.addAll(tls);
            List<String> secondaryArgs = new ArrayList<>(List.of("secondary", "--bind", "10.201.2.2:4433"));
            secondaryArgs.addAll(tls);
            boolean withSecondary = variant == null;
            NodeProcess secondary = withSecondary ? NodeProcess.java(n, "kwik-s", secondaryArgs) : null;
            NodeProcess primary = NodeProcess.java(n, "kwik-p", primaryArgs);
            try {
                if (secondary != null) {
                    secondary.awaitLine("READY");
                }
                primary.awaitLine("READY");
                NodeProcess client = NodeProcess.java(n, "kwik-c", List.of("client", "--primary", "10.201.1.2:4433", "--size",
                        String.valueOf(SIZE), "--progress-every", String.valueOf(SIZE / 2),
                        "--stream-window", String.valueOf(Long.getLong("kwik.netns.window", 2L << 20))));
                try {
                    if (cut) {
                        client.awaitLine("PROGRESS");
                        n.down("kwik-c", "kc-a1");
                    }
                    String result = client.awaitLine("RESULT");
                    System.out.println((cut ? "cut " : "") + (loss > 0 ? "loss=" + loss + " " : "") + result);
                    Map<String, String> kv = new HashMap<>();
                    for (String part : result.substring("RESULT ".length()).split(" ")) {
                        String[] p = part.split("=", 2);
                        kv.put(p[0], p[1]);
                    }
                    return kv;
                } finally {
                    client.stop(true);
                }
            } finally {
                primary.stop(true);
                if (secondary != null) {
                    secondary.stop(true);
                }
            }
        }
    }
}

package dev.kwik.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several client links (issue 15): a client namespace with two links (a1 10.201.1.1, a2 10.201.3.1) to a server
 * namespace whose service address 10.201.9.1 is reachable over both, the client routing by source address
 * ({@link Netns#clientLinks}). Client and servers are separate JVMs ({@link NetnsNode}); the client declares its
 * two links as interfaces a and b, the primary runs the {@code fullmesh} path policy. Link shares come from the
 * kernel's byte counters of the client's two veth ends. Runs in the {@code netns} Maven profile.
 */
class NetnsClientLinksTest {
    private static final String RATE = "50mbit";
    private static final double LINK_MBIT = 50;
    @RegisterExtension
    static final NetnsCredentials credentials = new NetnsCredentials();

    /** What one transfer left: the client's RESULT, the primary's PRIMARY line, bytes received per client link. */
    record Run(Map<String, String> result, String primary, long rxA, long rxB) {
        double mbit() {
            return Double.parseDouble(result.get("goodput_mbit"));
        }

        long stallMillis() {
            return Long.parseLong(result.get("longest_stall_ms"));
        }
    }

    /** Hooks into a transfer at its PROGRESS lines (every quarter of the file). */
    interface AtProgress {
        void at(int quarter, Netns n) throws Exception;
    }

    private Run transfer(long size, boolean backupB, boolean secondary, AtProgress hook) throws Exception {
        return transfer(size, backupB, secondary, hook, 1);
    }

    /**
     * {@code transfers} sessions one after the other between the same node JVMs; the last is measured (the ones
     * before warm the JIT up: these nodes skip the loopback warm-up).
     */
    private Run transfer(long size, boolean backupB, boolean secondary, AtProgress hook, int transfers) throws Exception {
        return transfer(size, backupB, secondary, hook, transfers,
                List.of("--interface", "a=" + Netns.CLIENT_A, "--interface", "b=" + Netns.CLIENT_B + (backupB ? ",backup" : "")));
    }

    private Run transfer(long size, boolean backupB, boolean secondary, AtProgress hook, int transfers, List<String> interfaces)
            throws Exception {
        try (Netns n = new Netns()) {
            n.clientLinks(RATE, RATE);
            List<String> tls = credentials.args();
            List<String> primaryArgs = new ArrayList<>(List.of("primary", "--bind", Netns.SERVICE_P + ":4433", "--path-policy", "fullmesh",
                    "--transfers", String.valueOf(transfers)));
            if (secondary) {
                primaryArgs.addAll(List.of("--add-path", Netns.SERVICE_S + ":4433", "--await-paths", "true"));
            }
            primaryArgs.addAll(tls);
            NodeProcess sec = null;
            if (secondary) {
                List<String> a = new ArrayList<>(List.of("secondary", "--bind", Netns.SERVICE_S + ":4433", "--transfers", String.valueOf(transfers)));
                a.addAll(tls);
                sec = NodeProcess.java(n, "kwik-p", a);
                sec.awaitLine("READY");
            }
            NodeProcess primary = NodeProcess.java(n, "kwik-p", primaryArgs);
            boolean ok = false;
            try {
                primary.awaitLine("READY");
                List<String> clientArgs = new ArrayList<>(List.of("client", "--primary", Netns.SERVICE_P + ":4433",
                        "--size", String.valueOf(size), "--progress-every", String.valueOf(size / 4),
                        "--transfers", String.valueOf(transfers)));
                clientArgs.addAll(interfaces);
                NodeProcess client = NodeProcess.java(n, "kwik-c", clientArgs);
                try {
                    int last = transfers - 1;
                    if (last > 0) {
                        client.awaitLine("RESULT", last - 1);
                    }
                    client.awaitLine("REQUESTED", last);
                    long rxA0 = Netns.rxBytes("kwik-c", "kc-a1");
                    long rxB0 = Netns.rxBytes("kwik-c", "kc-a2");
                    if (hook != null) {
                        for (int q = 1; q <= 3; q++) {
                            client.awaitLine("PROGRESS", 4 * last + q - 1);
                            hook.at(q, n);
                        }
                    }
                    String line = client.awaitLine("RESULT", last);
                    long rxA = Netns.rxBytes("kwik-c", "kc-a1") - rxA0;
                    long rxB = Netns.rxBytes("kwik-c", "kc-a2") - rxB0;
                    Map<String, String> kv = new HashMap<>();
                    for (String part : line.substring("RESULT ".length()).split(" ")) {
                        String[] p = part.split("=", 2);
                        kv.put(p[0], p[1]);
                    }
                    String pri = primary.awaitLine("PRIMARY", last);
                    System.out.println(line + "\n" + pri + "\nrx a1=" + rxA + " a2=" + rxB);
                    assertThat(kv.get("ok")).as("every chunk and the SHA-256 intact").isEqualTo("true");
                    ok = true;
                    return new Run(kv, pri, rxA, rxB);
                } finally {
                    client.stop(!ok);
                }
            } finally {
                primary.stop(!ok);
                if (sec != null) {
                    sec.stop(!ok);
                }
            }
        }
    }

    @Test
    void fullmeshUsesBothClientLinksForOneServerAddress() throws Exception {
        Run r = transfer(48L << 20, false, false, null, 2);
        double share = (double) r.rxA() / (r.rxA() + r.rxB());
        System.out.printf("FIGURE fullmesh over two client links (2 x %s): goodput / sum %.3f, link a1 share %.3f%n",
                RATE, r.mbit() / (2 * LINK_MBIT), share);
        assertThat(r.mbit() / (2 * LINK_MBIT)).as("goodput / sum of the two links").isGreaterThanOrEqualTo(0.9);
        assertThat(share).as("share of link a1").isBetween(0.3, 0.7);
        assertThat(activePaths(r.primary())).containsExactlyInAnyOrder("PRIMARY/a", "PRIMARY/b");
    }

    @Test
    void aClientLinkGoingDownFailsOverAtOnceAndItsPathComesBackWithTheLink() throws Exception {
        long[] upAt = new long[1];
        long[] rxBAtUp = new long[1];
        long[] backAfter = {-1};
        Run r = transfer(128L << 20, false, false, (quarter, n) -> {
            if (quarter == 1) {
                n.down("kwik-c", "kc-a2");
            } else if (quarter == 2) {
                n.up("kwik-c", "kc-a2");
                upAt[0] = System.nanoTime();
                rxBAtUp[0] = Netns.rxBytes("kwik-c", "kc-a2");
                // Traffic again on a2 (1 MB more than heartbeats and handshakes would bring), within 3 s.
                while (System.nanoTime() - upAt[0] < 5_000_000_000L) {
                    if (Netns.rxBytes("kwik-c", "kc-a2") - rxBAtUp[0] > 1 << 20) {
                        backAfter[0] = (System.nanoTime() - upAt[0]) / 1_000_000;
                        break;
                    }
                    Thread.sleep(50); // polling the kernel's counter, not waiting for something to settle
                }
            }
        });
        System.out.printf("FIGURE client link down mid-transfer: longest stall %d ms; link back up: traffic on it after %d ms%n",
                r.stallMillis(), backAfter[0]);
        assertThat(r.stallMillis()).as("longest stall, ms").isLessThan(1000);
        assertThat(backAfter[0]).as("ms until the restored link carries data again").isBetween(0L, 3000L);
    }

    @Test
    void aBackupLinkCarriesNothingWhileTheOtherIsUpAndTheTransferWhenItGoesDown() throws Exception {
        long[] rxB = new long[4];
        Run r = transfer(64L << 20, true, false, (quarter, n) -> {
            rxB[quarter] = Netns.rxBytes("kwik-c", "kc-a2");
            if (quarter == 2) {
                n.down("kwik-c", "kc-a1");
            }
        });
        System.out.printf("FIGURE backup link: %d bytes on it from 25%% to 50%%; longest stall after the main link went down %d ms%n",
                rxB[2] - rxB[1], r.stallMillis());
        assertThat(rxB[2] - rxB[1]).as("bytes on the backup link while the main one is up (heartbeats only)").isLessThan(256L << 10);
        assertThat(r.stallMillis()).as("longest stall, ms").isLessThan(1000);
        assertThat(r.rxB()).as("bytes on the backup link: the second half of the file").isGreaterThan(30L << 20);
    }

    @Test
    void aClientToldToUseEveryInterfaceFindsBothLinksByTheirNames() throws Exception {
        Run r = transfer(16L << 20, false, false, null, 1, List.of("--all-interfaces", "true"));
        assertThat(activePaths(r.primary())).containsExactlyInAnyOrder("PRIMARY/kc-a1", "PRIMARY/kc-a2");
        assertThat(r.rxA()).isGreaterThan(1 << 20);
        assertThat(r.rxB()).isGreaterThan(1 << 20);
    }

    @Test
    void primaryAndSecondaryOverTwoClientLinksMakeFourPaths() throws Exception {
        Run r = transfer(32L << 20, false, true, null);
        assertThat(activePaths(r.primary())).containsExactlyInAnyOrder("PRIMARY/a", "PRIMARY/b", "SECONDARY/a", "SECONDARY/b");
    }

    private static final Pattern PATH = Pattern.compile("PathInfo\\[id=\\d+, remote=[^,]*, role=(\\w+), default=\\w+, state=ACTIVE[^\\]]*?interface=([\\w.-]+)");

    /** role/interface of each ACTIVE path in the primary's PRIMARY line. */
    private static List<String> activePaths(String primaryLine) {
        List<String> out = new ArrayList<>();
        Matcher m = PATH.matcher(primaryLine);
        while (m.find()) {
            out.add(m.group(1) + "/" + m.group(2));
        }
        return out;
    }
}

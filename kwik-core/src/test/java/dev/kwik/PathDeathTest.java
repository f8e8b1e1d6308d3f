package dev.kwik;

import dev.kwik.internal.path.Path;
import dev.kwik.internal.session.SessionCore;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A path whose link goes silent is declared DEAD by heartbeat timeout; its data moves to the other path. */
class PathDeathTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;

    @Test
    void silentLinkIsDeclaredDeadAndTheTransferCompletesOnTheOtherPath() throws Exception {
        try (Loopback lo = new Loopback(s -> s.alsoBind(new InetSocketAddress("127.0.0.1", 0)).scheduler("round-robin"), c -> { });
             UdpRelay relay = new UdpRelay(lo.server.localAddresses().get(0))) {
            // The first path goes through the relay, the second straight to the server's other address.
            KwikSession client = lo.client.dial("localhost:" + relay.port());
            KwikServerSession server = lo.server.accept(T);
            List<String> events = new CopyOnWriteArrayList<>();
            CompletableFuture<PathInfo> lost = new CompletableFuture<>();
            server.addPathListener(new PathListener() {
                @Override
                public void pathStateChanged(KwikServerSession session, PathInfo path, PathState previous) {
                    events.add(path.pathId() + ":" + previous + "->" + path.state());
                }

                @Override
                public void pathLost(KwikServerSession session, PathInfo path, List<MissingRange> missing) {
                    lost.complete(path);
                }
            });
            server.addPath(new InetSocketAddress("localhost", lo.server.localAddresses().get(1).getPort())).get(10, TimeUnit.SECONDS);

            long longestStall = sendCutMidwayAndCheck(server, client, relay, 32 << 20, 4);

            PathInfo dead = lost.get(10, TimeUnit.SECONDS);
            assertThat(dead.pathId()).isZero();
            assertThat(dead.state()).isEqualTo(PathState.DEAD);
            assertThat(dead.closeReason()).contains("heartbeat-timeout");
            assertThat(server.deadPaths()).extracting(PathInfo::pathId).containsExactly(0L);
            assertThat(server.activePaths()).extracting(PathInfo::pathId).containsExactly(1L);
            assertThat(server.activePaths().get(0).isDefault()).isTrue();
            assertThat(events).containsSubsequence("0:ACTIVE->DEGRADED", "0:DEGRADED->DEAD");
            Path clientPath0 = ((SessionCore) client).paths().get(0);
            Conditions.waitUntil(() -> clientPath0.state() == PathState.DEAD);
            assertThat(client.isOpen()).isTrue();
            System.out.printf("path-death: longest stall after the cut %d ms (deadAfter 1000 ms, heartbeat 250 ms)%n",
                    TimeUnit.NANOSECONDS.toMillis(longestStall));
            assertThat(Duration.ofNanos(longestStall)).isLessThan(Duration.ofSeconds(4));
        }
    }

    /**
     * A silent path is DEGRADED after two heartbeats and its unacknowledged data goes out on the other path
     * then, not when the path is declared DEAD: with deadAfter at 5 s, the reader stalls far less than 5 s.
     */
    @Test
    void silentLinkFailsOverWhenDegradedLongBeforeItIsDead() throws Exception {
        Cut cut = cutOneOfTwoPaths(s -> s.deadAfter(Duration.ofSeconds(5)), c -> c.deadAfter(Duration.ofSeconds(5)), 5);
        assertThat(cut.events()).contains("0:ACTIVE->DEGRADED");
        System.out.printf("path-degraded: longest stall after the cut %d ms (deadAfter 5000 ms, heartbeat 250 ms)%n",
                cut.stall().toMillis());
        assertThat(cut.stall()).isLessThan(Duration.ofMillis(2500));
    }

    /**
     * A path that goes silent while it has data unacknowledged is DEGRADED by its probe timer (four RTTs, at
     * least 150 ms), not at the heartbeat tick: with heartbeats every second the tick could not suspect it before
     * two seconds of silence, and the reader stalls for far less than that.
     */
    @Test
    void silentLinkWithDataInFlightIsSuspectedBeforeTheHeartbeatCouldNoticeIt() throws Exception {
        Cut cut = cutOneOfTwoPaths(s -> s.heartbeatInterval(Duration.ofSeconds(1)).deadAfter(Duration.ofSeconds(10)),
                c -> c.heartbeatInterval(Duration.ofSeconds(1)).deadAfter(Duration.ofSeconds(10)), 6);
        assertThat(cut.events()).contains("0:ACTIVE->DEGRADED").doesNotContain("0:DEGRADED->DEAD");
        System.out.printf("path-probe: longest stall after the cut %d ms (heartbeat 1000 ms, deadAfter 10000 ms)%n",
                cut.stall().toMillis());
        assertThat(cut.stall()).isLessThan(Duration.ofMillis(1500));
    }

    private record Cut(List<String> events, Duration stall) {
    }

    /**
     * Two paths to one server, round-robin, the first through a relay; 16 MiB written by the server, the relay cut
     * at a quarter. The server's state changes and the reader's longest stall after the cut.
     */
    private static Cut cutOneOfTwoPaths(java.util.function.Consumer<KwikServer.Builder> server,
                                        java.util.function.Consumer<KwikClient.Builder> client, long seed) throws Exception {
        try (Loopback lo = new Loopback(s -> server.accept(s.alsoBind(new InetSocketAddress("127.0.0.1", 0)).scheduler("round-robin")), client);
             UdpRelay relay = new UdpRelay(lo.server.localAddresses().get(0))) {
            KwikSession c = lo.client.dial("localhost:" + relay.port());
            KwikServerSession s = lo.server.accept(T);
            List<String> events = stateChanges(s);
            s.addPath(new InetSocketAddress("localhost", lo.server.localAddresses().get(1).getPort())).get(10, TimeUnit.SECONDS);
            long stall = sendCutMidwayAndCheck(s, c, relay, 16 << 20, seed);
            return new Cut(events, Duration.ofNanos(stall));
        }
    }

    /** Every path state change the server reports, as "id:PREVIOUS->NOW". */
    private static List<String> stateChanges(KwikServerSession server) {
        List<String> events = new CopyOnWriteArrayList<>();
        server.addPathListener(new PathListener() {
            @Override
            public void pathStateChanged(KwikServerSession session, PathInfo path, PathState previous) {
                events.add(path.pathId() + ":" + previous + "->" + path.state());
            }
        });
        return events;
    }

    /**
     * The server writes {@code size} random bytes on a new stream; the relay is cut when the client has read a
     * quarter. Checks every byte arrived intact; returns the longest gap between two reads after the cut (ns).
     */
    private static long sendCutMidwayAndCheck(KwikServerSession server, KwikSession client, UdpRelay relay, int size, long seed)
            throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            KwikStream s = server.openStream();
            for (int off = 0; off < size; off += CHUNK) {
                s.write(data, off, CHUNK);
            }
            s.close();
        });
        KwikStream in = client.acceptStream(T);
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[CHUNK];
        long got = 0;
        long last = System.nanoTime();
        long longestStall = 0;
        boolean cut = false;
        int n;
        while ((n = in.read(buf, 0, buf.length, T)) >= 0) {
            long now = System.nanoTime();
            if (cut) {
                longestStall = Math.max(longestStall, now - last);
            }
            last = now;
            d.update(buf, 0, n);
            got += n;
            if (!cut && got >= size / 4) {
                relay.cut();
                cut = true;
            }
        }
        writer.get(30, TimeUnit.SECONDS);
        assertThat(got).isEqualTo(size);
        assertThat(d.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        return longestStall;
    }
}

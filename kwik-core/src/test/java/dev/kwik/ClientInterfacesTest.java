package dev.kwik;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.kwik.Conditions.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Client interfaces on loopback: 127.0.0.1 and 127.0.0.2 are two local addresses of this machine (Linux routes all
 * of 127.0.0.0/8 to lo), so a path "from interface b" is a QUIC connection whose socket is bound to 127.0.0.2,
 * which the server sees as the path's remote address. Real TLS, real QUIC.
 */
class ClientInterfacesTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final InetAddress A = address("127.0.0.1");
    private static final InetAddress B = address("127.0.0.2");

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server as the client dials it: by the name its certificate holds. */
    private static InetSocketAddress serverAddress(KwikServer server) {
        return InetSocketAddress.createUnresolved("localhost", server.localAddress().getPort());
    }

    @Test
    void theClientAnnouncesItsInterfacesAndItsFirstPathLeavesFromTheFirst() throws Exception {
        try (Loopback lo = new Loopback(s -> { }, c -> c.interfaces(ClientInterface.ofAddress("wifi", A),
                ClientInterface.ofAddress("cell", B).asBackup()))) {
            KwikSession client = lo.client.dial("localhost:" + lo.server.localAddress().getPort());
            KwikServerSession server = lo.server.accept(T);
            waitUntil(T, () -> server.clientInterfaces().size() == 2);
            assertThat(server.clientInterfaces()).containsExactly(new ClientInterfaceInfo("wifi", false, true),
                    new ClientInterfaceInfo("cell", true, true));
            waitUntil(T, () -> "wifi".equals(server.activePaths().get(0).clientInterface()));
            PathInfo first = server.activePaths().get(0);
            assertThat(first.remoteAddress().getAddress()).isEqualTo(A);
            assertThat(first.serverAddress()).isEqualTo(serverAddress(lo.server));
            assertThat(((dev.kwik.internal.session.ClientSession) client).pathInfos().get(0).clientInterface()).isEqualTo("wifi");
        }
    }

    @Test
    void aPathAskedFromAnInterfaceLeavesFromItsAddress() throws Exception {
        try (Loopback lo = new Loopback(s -> { }, c -> c.interfaces(ClientInterface.ofAddress("a", A), ClientInterface.ofAddress("b", B)))) {
            lo.client.dial("localhost:" + lo.server.localAddress().getPort());
            KwikServerSession server = lo.server.accept(T);
            waitUntil(T, () -> server.clientInterfaces().size() == 2);
            PathInfo added = server.addPath(serverAddress(lo.server), "b").get(10, TimeUnit.SECONDS);
            assertThat(added.clientInterface()).isEqualTo("b");
            waitUntil(T, () -> server.activePaths().stream().anyMatch(p -> p.pathId() == added.pathId()
                    && p.remoteAddress().getAddress().equals(B)));
        }
    }

    @Test
    void fullmeshOpensAPathFromEveryInterfaceAndBothCarryTheTransfer() throws Exception {
        try (Loopback lo = new Loopback(s -> s.pathPolicy("fullmesh").scheduler("round-robin"),
                c -> c.interfaces(ClientInterface.ofAddress("a", A), ClientInterface.ofAddress("b", B)))) {
            KwikSession client = lo.client.dial("localhost:" + lo.server.localAddress().getPort());
            KwikServerSession server = lo.server.accept(T);
            waitUntil(T, () -> server.activePaths().stream().map(PathInfo::clientInterface).toList().containsAll(List.of("a", "b")));
            assertThat(server.activePaths()).hasSize(2);
            transferAndCheck(client, server, 8 << 20, null);
            for (PathInfo p : server.activePaths()) {
                assertThat(p.bytesSent()).as("path from %s", p.clientInterface()).isGreaterThan(1 << 20);
            }
        }
    }

    @Test
    void anInterfaceGoingDownEndsItsPathsAtOnceWithoutLossAndFullmeshReAddsItWhenItComesBack() throws Exception {
        // Death by silence would take deadAfter (10 s here): the path must end at once instead.
        try (Loopback lo = new Loopback(s -> s.pathPolicy("fullmesh").scheduler("round-robin").deadAfter(Duration.ofSeconds(10)),
                c -> c.interfaces(ClientInterface.ofAddress("a", A), ClientInterface.ofAddress("b", B)).deadAfter(Duration.ofSeconds(10)))) {
            KwikSession client = lo.client.dial("localhost:" + lo.server.localAddress().getPort());
            KwikServerSession server = lo.server.accept(T);
            waitUntil(T, () -> server.activePaths().size() == 2);
            List<PathState> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<Long> bDown = new CompletableFuture<>();
            server.addPathListener(new PathListener() {
                @Override
                public void pathStateChanged(KwikServerSession s, PathInfo path, PathState previous) {
                    if ("b".equals(path.clientInterface()) && path.state().isFinal()) {
                        seen.add(path.state());
                        bDown.complete(System.nanoTime());
                    }
                }
            });
            long[] downAt = new long[1];
            transferAndCheck(client, server, 16 << 20, () -> {
                downAt[0] = System.nanoTime();
                lo.client.interfaceDown("b");
            });
            long millis = TimeUnit.NANOSECONDS.toMillis(bDown.get(5, TimeUnit.SECONDS) - downAt[0]);
            assertThat(millis).as("ms from interfaceDown to the server seeing the path end").isLessThan(2000);
            waitUntil(T, () -> server.clientInterfaces().contains(new ClientInterfaceInfo("b", false, false)));
            assertThat(server.activePaths()).extracting(PathInfo::clientInterface).containsExactly("a");
            assertThatThrownBy(() -> server.addPath(serverAddress(lo.server), "b").get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(KwikException.class)
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.INTERFACE_DOWN);

            lo.client.interfaceUp("b");
            waitUntil(T, () -> server.activePaths().stream().anyMatch(p -> "b".equals(p.clientInterface())));
            transferAndCheck(client, server, 4 << 20, null);
        }
    }

    @Test
    void aBackupInterfaceCarriesNothingWhileAnotherIsUpAndTheTransferWhenItIsDown() throws Exception {
        try (Loopback lo = new Loopback(s -> s.pathPolicy("fullmesh"),
                c -> c.interfaces(ClientInterface.ofAddress("a", A), ClientInterface.ofAddress("b", B).asBackup()))) {
            KwikSession client = lo.client.dial("localhost:" + lo.server.localAddress().getPort());
            KwikServerSession server = lo.server.accept(T);
            waitUntil(T, () -> server.activePaths().size() == 2);
            PathInfo backup = server.activePaths().stream().filter(p -> "b".equals(p.clientInterface())).findFirst().orElseThrow();
            assertThat(backup.isBackup()).isTrue();
            transferAndCheck(client, server, 8 << 20, null);
            long onBackup = server.activePaths().stream().filter(p -> "b".equals(p.clientInterface())).findFirst().orElseThrow().bytesSent();
            assertThat(onBackup).as("bytes the server sent on the backup path (heartbeats only)").isLessThan(64 << 10);

            lo.client.interfaceDown("a");
            waitUntil(T, () -> server.activePaths().stream().noneMatch(p -> "a".equals(p.clientInterface())));
            transferAndCheck(client, server, 4 << 20, null);
            onBackup = server.activePaths().stream().filter(p -> "b".equals(p.clientInterface())).findFirst().orElseThrow().bytesSent();
            assertThat(onBackup).isGreaterThan(4 << 20);
        }
    }

    @Test
    void primaryAndSecondaryWithTwoInterfacesMakeFourPaths() throws Exception {
        try (KwikServer primary = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(Loopback.CERT.certificate(), Loopback.CERT.privateKey()).serverId("primary")
                .clusterSecret(SecondaryServerTest.SECRET).pathPolicy("fullmesh").build().start();
             KwikServer secondary = SecondaryServerTest.server("secondary");
             KwikClient c = KwikClient.builder().trustCertificate(Loopback.certificate())
                     .interfaces(ClientInterface.ofAddress("a", A), ClientInterface.ofAddress("b", B)).build()) {
            KwikSession client = c.dial("localhost:" + primary.localAddress().getPort());
            KwikServerSession server = primary.accept(T);
            waitUntil(T, () -> server.activePaths().size() == 2);
            server.addPath(serverAddress(secondary), "a").get(10, TimeUnit.SECONDS);
            waitUntil(T, () -> server.activePaths().size() == 4);
            assertThat(server.activePaths()).extracting(p -> p.role() + "/" + p.clientInterface())
                    .containsExactlyInAnyOrder("PRIMARY/a", "PRIMARY/b", "SECONDARY/a", "SECONDARY/b");
            transferAndCheck(client, server, 4 << 20, null);
            // A secondary adds no paths, whatever interface it names; a closed session none either.
            KwikServerSession onSecondary = secondary.accept(T);
            assertThat(code(onSecondary.addPath(serverAddress(primary), "a"))).isEqualTo(ErrorCode.NOT_PRIMARY);
            client.close();
            waitUntil(T, () -> !server.isOpen());
            assertThatThrownBy(() -> server.addPath(serverAddress(secondary), "b").get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOf(KwikSessionClosedException.class);
        }
    }

    @Test
    void aCustomPolicySeesEveryAnnouncement() throws Exception {
        List<List<ClientInterfaceInfo>> calls = new CopyOnWriteArrayList<>();
        PathPolicy recorder = (session, interfaces) -> calls.add(interfaces);
        try (Loopback lo = new Loopback(s -> s.pathPolicy(recorder),
                c -> c.interfaces(ClientInterface.ofAddress("a", A), ClientInterface.ofAddress("b", B)))) {
            lo.client.dial("localhost:" + lo.server.localAddress().getPort());
            lo.server.accept(T);
            waitUntil(T, () -> calls.size() == 1);
            lo.client.interfaceDown("b");
            waitUntil(T, () -> calls.size() == 2);
            assertThat(calls.get(1)).containsExactly(new ClientInterfaceInfo("a", false, true), new ClientInterfaceInfo("b", false, false));
        }
    }

    @Test
    void refusals() throws Exception {
        try (Loopback lo = new Loopback(s -> { }, c -> c.interfaces(ClientInterface.ofAddress("a", A)))) {
            lo.client.dial("localhost:" + lo.server.localAddress().getPort());
            KwikServerSession server = lo.server.accept(T);
            waitUntil(T, () -> server.clientInterfaces().size() == 1);
            assertThat(code(server.addPath(serverAddress(lo.server), "nope"))).isEqualTo(ErrorCode.INTERFACE_UNKNOWN);
            // The first path already leaves from a to that address.
            assertThat(code(server.addPath(serverAddress(lo.server), "a"))).isEqualTo(ErrorCode.PATH_JOIN_REFUSED);
            assertThatThrownBy(() -> lo.client.interfaceDown("zzz")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zzz");
        }
        assertThatThrownBy(() -> ClientInterface.ofAddress("wi fi", A)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ClientInterface.ofName("wlan0:1").id()).as("an OS name made an id").isEqualTo("wlan0_1");
        assertThatThrownBy(() -> ClientInterface.ofAddress("x".repeat(33), A)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KwikClient.builder().interfaces(ClientInterface.ofAddress("a", A), ClientInterface.ofAddress("a", B)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        KwikClient.Builder b = KwikClient.builder();
        for (int i = 0; i < ClientInterface.MAX_INTERFACES; i++) {
            b.interfaces(ClientInterface.ofAddress("i" + i, A));
        }
        assertThatThrownBy(() -> b.interfaces(ClientInterface.ofAddress("one-too-many", A)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
        assertThatThrownBy(() -> PathPolicies.named("mesh")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fullmesh");
    }

    private static ErrorCode code(CompletableFuture<PathInfo> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a refusal");
        } catch (ExecutionException e) {
            return ((KwikException) e.getCause()).code();
        }
    }

    /**
     * The server writes {@code size} random bytes on a stream the client opened; {@code midway} (if any) runs once
     * the client has half; the client's SHA-256 must match.
     */
    private static void transferAndCheck(KwikSession client, KwikServerSession server, int size, Runnable midway) throws Exception {
        KwikStream request = client.openStream();
        request.write(new byte[] {1});
        KwikStream s = server.acceptStream(T);
        s.readMessage(T);
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int off = 0; off < size; off += 64 << 10) {
                s.write(data, off, Math.min(64 << 10, size - off));
            }
            s.close();
        });
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 << 10];
        long total = 0;
        boolean fired = false;
        int n;
        while ((n = request.read(buf, 0, buf.length, T)) >= 0) {
            got.update(buf, 0, n);
            total += n;
            if (!fired && midway != null && total >= size / 2) {
                fired = true;
                midway.run();
            }
        }
        writer.get(30, TimeUnit.SECONDS);
        assertThat(total).isEqualTo(size);
        assertThat(got.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        request.close();
    }
}

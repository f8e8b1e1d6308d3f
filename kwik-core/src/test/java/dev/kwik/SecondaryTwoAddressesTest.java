package dev.kwik;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secondary bound on two addresses, with a path to each, is one server to the client (HELLO_OK's server key,
 * not the address): when one of its paths dies mid-transfer, the secondary re-sends on the other, nothing is
 * missing, and the primary hears of the lost path with no missing ranges.
 */
class SecondaryTwoAddressesTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int SIZE = 16 << 20;
    private static final int CHUNK = 64 << 10;

    @Test
    void losingOneOfTwoPathsToASecondaryReportsNothingMissing() throws Exception {
        try (KwikServer primary = SecondaryServerTest.server("primary");
             KwikServer secondary = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                     .alsoBind(new InetSocketAddress("127.0.0.1", 0)).scheduler("round-robin")
                     .certificate(Loopback.CERT.certificate(), Loopback.CERT.privateKey())
                     .serverId("secondary").clusterSecret(SecondaryServerTest.SECRET).build().start();
             UdpRelay relay = new UdpRelay(secondary.localAddresses().get(0));
             KwikClient client = KwikClient.builder().trustCertificate(Loopback.certificate()).build()) {
            byte[] data = new byte[SIZE];
            new Random(3).nextBytes(data);
            CompletableFuture<CompletableFuture<List<MissingRange>>> lost = new CompletableFuture<>();
            CompletableFuture<Void> primarySide = CompletableFuture.runAsync(() -> {
                KwikServerSession ps = primary.accept(T);
                KwikStream s = TwoServers.acceptRequest(ps, lost);
                PathInfo viaRelay = SecondaryServerTest.join(ps.addPath(new InetSocketAddress("localhost", relay.port())));
                PathInfo direct = SecondaryServerTest.join(ps.addPath(new InetSocketAddress("localhost",
                        secondary.localAddresses().get(1).getPort())));
                assertThat(viaRelay.role()).isEqualTo(Role.SECONDARY);
                assertThat(direct.role()).isEqualTo(Role.SECONDARY);
                ps.sendRaw(direct.pathId(), ("stream=" + s.id()).getBytes(StandardCharsets.UTF_8));
                s.close(SIZE);
            });
            CompletableFuture<Void> secondarySide = CompletableFuture.runAsync(() -> {
                KwikServerSession ss = secondary.accept(T);
                KwikStream w = SecondaryServerTest.attachAsCommanded(ss);
                assertThat(ss.activePaths()).hasSize(2);
                for (int off = 0; off < SIZE; off += CHUNK) {
                    w.write(off, data, off, CHUNK);
                }
            });

            KwikSession session = client.dial(SecondaryServerTest.address(primary));
            KwikStream s = session.openStream();
            s.write("GET".getBytes(StandardCharsets.UTF_8));
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[CHUNK];
            long got = 0;
            int n;
            while ((n = s.read(buf, 0, buf.length, T)) >= 0) {
                d.update(buf, 0, n);
                got += n;
                if (got >= SIZE / 4 && !relay.isCut()) {
                    relay.cut();
                }
            }
            assertThat(got).isEqualTo(SIZE);
            assertThat(d.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(lost.get(20, TimeUnit.SECONDS).get(20, TimeUnit.SECONDS)).as("missing ranges reported for the lost path").isEmpty();
            primarySide.get(10, TimeUnit.SECONDS);
            secondarySide.get(10, TimeUnit.SECONDS);
            assertThat(session.isOpen()).isTrue();
        }
    }
}

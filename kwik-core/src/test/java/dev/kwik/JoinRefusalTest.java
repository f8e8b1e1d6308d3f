package dev.kwik;

import dev.kwik.internal.session.JoinTicket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Joins with bad tickets are refused with distinct codes and never disturb the session they aimed at. */
class JoinRefusalTest {
    private static final Duration T = Duration.ofSeconds(10);
    private KwikServer primary;
    private KwikClient client;
    private KwikSession session;
    private KwikServerSession serverSession;
    private byte[] sid;

    @BeforeEach
    void setUp() {
        primary = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .alsoBind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(Loopback.CERT.certificate(), Loopback.CERT.privateKey())
                .serverId("primary").clusterSecret(SecondaryServerTest.SECRET).build().start();
        client = KwikClient.builder().trustCertificate(Loopback.certificate()).build();
        session = client.dial(SecondaryServerTest.address(primary));
        serverSession = primary.accept(T);
        sid = HexFormat.of().parseHex(session.id());
    }

    @AfterEach
    void tearDown() {
        client.close();
        primary.close();
    }

    private InetSocketAddress second() {
        return new InetSocketAddress("localhost", primary.localAddresses().get(1).getPort());
    }

    private ErrorCode refusal(byte[] sessionId, byte[] ticket) throws Exception {
        CompletableFuture<?> f = client.endpoint().join(second(), null, sessionId, ticket, p -> { });
        try {
            f.get(10, TimeUnit.SECONDS);
            return fail("join was accepted");
        } catch (ExecutionException e) {
            return ((KwikException) e.getCause()).code();
        }
    }

    private void assertSessionUnaffected() {
        KwikStream s = session.openStream();
        s.write("still here".getBytes(StandardCharsets.UTF_8));
        assertThat(serverSession.acceptStream(T).readMessage(T)).isEqualTo("still here".getBytes(StandardCharsets.UTF_8));
        assertThat(serverSession.activePaths()).hasSize(1);
    }

    private static long later() {
        return System.currentTimeMillis() + 10_000;
    }

    @Test
    void forgedTicketIsRefused() throws Exception {
        byte[] otherSecret = "not the cluster secret, 32 bytes".getBytes(StandardCharsets.UTF_8);
        assertThat(refusal(sid, JoinTicket.mint(otherSecret, sid, 1, "primary", later()))).isEqualTo(ErrorCode.TICKET_FORGED);
        assertSessionUnaffected();
    }

    @Test
    void expiredTicketIsRefused() throws Exception {
        byte[] t = JoinTicket.mint(SecondaryServerTest.SECRET, sid, 1, "primary", System.currentTimeMillis() - 1);
        assertThat(refusal(sid, t)).isEqualTo(ErrorCode.TICKET_EXPIRED);
        assertSessionUnaffected();
    }

    @Test
    void replayedTicketIsRefused() throws Exception {
        byte[] t = JoinTicket.mint(SecondaryServerTest.SECRET, sid, 9, "primary", later());
        client.endpoint().join(second(), null, sid, t, p -> { }).get(10, TimeUnit.SECONDS);
        assertThat(refusal(sid, t)).isEqualTo(ErrorCode.TICKET_REPLAYED);
        KwikStream s = session.openStream();
        s.write("still here".getBytes(StandardCharsets.UTF_8));
        assertThat(serverSession.acceptStream(T).readMessage(T)).isEqualTo("still here".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ticketForAnotherSessionIsRefused() throws Exception {
        byte[] other = sid.clone();
        other[0] ^= 1;
        // Presented with another session's id...
        assertThat(refusal(other, JoinTicket.mint(SecondaryServerTest.SECRET, sid, 1, "primary", later())))
                .isEqualTo(ErrorCode.TICKET_FOREIGN);
        // ...or issued by this server for a session it does not hold.
        assertThat(refusal(other, JoinTicket.mint(SecondaryServerTest.SECRET, other, 1, "primary", later())))
                .isEqualTo(ErrorCode.TICKET_FOREIGN);
        assertSessionUnaffected();
    }

    @Test
    void serverWithAnotherClusterSecretRefusesEveryJoin() throws Exception {
        try (KwikServer stranger = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(Loopback.CERT.certificate(), Loopback.CERT.privateKey())
                .serverId("stranger").build().start()) {
            Throwable t = SameServerPathTest.catchCause(serverSession.addPath(SecondaryServerTest.address(stranger)));
            assertThat(((KwikException) t).code()).isEqualTo(ErrorCode.TICKET_FORGED);
            assertThat(stranger.sessions()).isEmpty();
        }
        assertSessionUnaffected();
    }
}

package dev.kwik.hostile;

import dev.kwik.ErrorCode;
import dev.kwik.KwikClient;
import dev.kwik.KwikException;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.internal.quic.Tls;
import dev.kwik.internal.session.ClientSession;
import dev.kwik.internal.session.SessionCore;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server that speaks KWIK through Netty QUIC directly and breaks the rules, against a real client. Each case:
 * the client closes the session with the documented code (and tells the server so), its other sessions carry
 * on, and its application never reads bytes the server did not legitimately write.
 */
class HostileServerTest {
    static final Duration T = Duration.ofSeconds(10);
    static final byte[] SESSION_ID = new byte[16];
    static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

    static SelfSignedCertificate cert;
    static KwikClient client;
    RawPeer server;
    KwikSession session;

    @BeforeAll
    static void certificate() {
        cert = Tls.selfSigned();
        client = KwikClient.builder().trustCertificate(cert.certificate()).connectTimeout(Duration.ofSeconds(3)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    @BeforeEach
    void dial() throws Exception {
        server = RawPeer.server(cert);
        CompletableFuture<KwikSession> dialed = client.dialAsync("localhost:" + server.localAddress().getPort());
        server.acceptHello(SESSION_ID, RawPeer.GENEROUS);
        session = dialed.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        session.close();
        server.close();
    }

    static Stream<Named<Attack>> attacks() {
        return Stream.of(
                Attack.named("server writes into a client-initiated stream the client never opened", s -> s.send(b ->
                        Frames.stream(b, 0, 0, false, true, ABC, 0, 3)), ErrorCode.STREAM_STATE_ERROR),
                Attack.named("server writes into a client unidirectional stream", s -> s.send(b ->
                        Frames.stream(b, 2, 0, false, true, ABC, 0, 3)), ErrorCode.STREAM_STATE_ERROR),
                Attack.named("data after FIN", s -> {
                    s.send(b -> Frames.stream(b, 1, 0, true, true, ABC, 0, 3));
                    s.send(b -> Frames.stream(b, 1, 3, false, true, ABC, 0, 3));
                }, ErrorCode.FINAL_SIZE_ERROR),
                Attack.named("conflicting bytes at an offset already received", s -> {
                    s.send(b -> Frames.stream(b, 1, 0, false, false, ABC, 0, 3));
                    s.send(b -> Frames.stream(b, 1, 0, false, true, "abd".getBytes(), 0, 3));
                }, ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("ACK for a packet never sent", s -> s.send(b ->
                        Frames.ack(b, new long[] {1_000_000, 999_000}, 1)), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("HELLO_OK twice", s -> s.send(b ->
                        Frames.helloOk(b, new HelloOk(1, SESSION_ID, 0, 0, RawPeer.GENEROUS, new byte[] {1}))), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("HELLO from a server", s -> s.send(b ->
                        Frames.hello(b, new Hello(1, new byte[0], new byte[0], new byte[0], RawPeer.GENEROUS))),
                        ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("PATH_STATUS from a server", s -> s.send(b ->
                        Frames.pathStatus(b, 0, 3, 0, new long[0], 0)), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("unknown frame type", s -> s.send(b -> b.writeByte(0x3e)), ErrorCode.UNKNOWN_FRAME));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void ruleBrokenByTheServerClosesTheSessionWithItsCode(Attack c) throws Exception {
        KwikSession bystander = anotherSession();
        c.step().run(server);
        KwikException e = ((SessionCore) session).terminated().get(10, TimeUnit.SECONDS);
        assertThat(e.code()).isEqualTo(c.expected());
        assertThat(server.awaitClose(T)).isEqualTo(c.expected());
        assertThat(session.isOpen()).isFalse();
        assertThatThrownBy(() -> session.acceptStream(T)).isInstanceOf(KwikException.class);
        assertThat(bystander.isOpen()).isTrue();
    }

    @Test
    void rawForAPathThatDoesNotExistIsDroppedAndTheSessionCarriesOn() throws Exception {
        server.send(b -> Frames.raw(b, 42, ABC, 0, 3));
        server.send(b -> Frames.stream(b, 1, 0, true, true, ABC, 0, 3));
        KwikStream s = session.acceptStream(T);
        assertThat(s.readMessage(T)).isEqualTo(ABC);
        assertThat(session.isOpen()).isTrue();
        assertThat(server.drain()).noneMatch(f -> f.type().equals("RAW") || f.type().equals("CLOSE"));
    }

    @Test
    void addPathFromAnInterfaceTheClientDoesNotHaveIsRefusedWithItsCodeAndTheSessionCarriesOn() throws Exception {
        server.send(b -> Frames.addPathFrom(b, 3, "wifi", "127.0.0.1", 9, new byte[90]));
        RawPeer.Frame f = server.await("PATH_FAILED", T);
        assertThat(ErrorCode.fromWire(f.value(1))).isEqualTo(ErrorCode.INTERFACE_UNKNOWN);
        assertThat(f.text()).contains("wifi");
        assertThat(session.isOpen()).isTrue();
    }

    @Test
    void addPathFloodIsRefusedBeyondTheClientsPathLimitAtOnce() throws Exception {
        // A UDP socket that never answers: each accepted join waits for the connect timeout.
        try (DatagramSocket blackHole = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int asks = 100;
            long start = System.nanoTime();
            for (int i = 1; i <= asks; i++) {
                long id = i;
                server.send(b -> Frames.addPath(b, id, "127.0.0.1", blackHole.getLocalPort(), new byte[90]));
            }
            int refusedAtOnce = asks - (ClientSession.MAX_PATHS - 1);
            for (int i = 0; i < refusedAtOnce; i++) {
                RawPeer.Frame f = server.await("PATH_FAILED", T);
                assertThat(ErrorCode.fromWire(f.value(1))).isEqualTo(ErrorCode.PATH_JOIN_REFUSED);
                assertThat(f.text()).contains("limit");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            // The joins it did start fail with the client's own reason once the connect timeout passes.
            for (int i = 0; i < ClientSession.MAX_PATHS - 1; i++) {
                RawPeer.Frame f = server.await("PATH_FAILED", T);
                assertThat(ErrorCode.fromWire(f.value(1))).isEqualTo(ErrorCode.CONNECT_TIMEOUT);
            }
        }
        server.send(b -> Frames.addPath(b, 0, "127.0.0.1", 9, new byte[90]));
        assertThat(server.await("PATH_FAILED", T).text()).contains("already used");
        assertThat(session.isOpen()).isTrue();
    }

    @Test
    void dataFloodBeforeHelloOkFailsTheDialInsteadOfBeingBuffered() throws Exception {
        try (RawPeer flooder = RawPeer.server(cert)) {
            CompletableFuture<KwikSession> dialed = client.dialAsync("localhost:" + flooder.localAddress().getPort());
            flooder.await("HELLO", T);
            byte[] block = new byte[60 << 10];
            io.netty.handler.codec.quic.QuicStreamChannel channel = flooder.sendOnNewChannel(b ->
                    Frames.stream(b, 1, 0, false, false, block, 0, block.length));
            for (int i = 1; i < 80; i++) {
                long offset = (long) i * block.length;
                flooder.sendOn(channel, b -> Frames.stream(b, 1, offset, false, false, block, 0, block.length));
            }
            assertThat(flooder.awaitClose(T)).isEqualTo(ErrorCode.PROTOCOL_VIOLATION);
            assertThatThrownBy(() -> dialed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(KwikException.class);
        }
    }

    private KwikSession anotherSession() throws Exception {
        RawPeer other = RawPeer.server(cert);
        CompletableFuture<KwikSession> dialed = client.dialAsync("localhost:" + other.localAddress().getPort());
        other.acceptHello(new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, RawPeer.GENEROUS);
        KwikSession s = dialed.get(10, TimeUnit.SECONDS);
        List<AutoCloseable> closers = List.of(other);
        ((SessionCore) s).terminated().whenComplete((x, y) -> closers.forEach(c -> {
            try {
                c.close();
            } catch (Exception ignored) {
                // test cleanup
            }
        }));
        bystanders.add(other);
        return s;
    }

    private final List<RawPeer> bystanders = new java.util.ArrayList<>();

    @AfterEach
    void closeBystanders() {
        bystanders.forEach(RawPeer::close);
    }
}

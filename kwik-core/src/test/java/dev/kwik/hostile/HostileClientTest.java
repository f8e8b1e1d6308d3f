package dev.kwik.hostile;

import dev.kwik.Conditions;
import dev.kwik.ErrorCode;
import dev.kwik.KwikClient;
import dev.kwik.KwikException;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.KwikTimeoutException;
import dev.kwik.internal.quic.Tls;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.VarInt;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that speaks KWIK through Netty QUIC directly and breaks the rules, against a real server. Each case:
 * the server closes that session with the documented code (PROTOCOL.md), a bystander session on the same
 * server keeps working, and the server's application never reads a byte the client did not legitimately write.
 */
class HostileClientTest {
    static final Duration T = Duration.ofSeconds(10);
    static final long STREAM_WINDOW = 64 << 10;
    static final long SESSION_WINDOW = 256 << 10;
    static final int MAX_STREAMS = 16;
    static final int RAW_LIMIT = 1024;
    static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

    static SelfSignedCertificate cert;
    static KwikServer server;
    static KwikClient client;
    static KwikSession bystander;
    static KwikServerSession bystanderOnServer;

    @BeforeAll
    static void start() {
        cert = Tls.selfSigned();
        server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(cert.certificate(), cert.privateKey())
                .streamWindow(STREAM_WINDOW).sessionWindow(SESSION_WINDOW).maxConcurrentStreams(MAX_STREAMS)
                .maxRawMessageBytes(RAW_LIMIT)
                .build().start();
        client = KwikClient.builder().trustCertificate(cert.certificate()).build();
        bystander = client.dial("localhost:" + server.localAddress().getPort());
        bystanderOnServer = server.accept(T);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    static Stream<Named<Attack>> afterHello() {
        return Stream.of(
                Attack.named("packet length above the limit", p -> {
                    io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
                    VarInt.write(b, Frames.MAX_PACKET_SIZE + 1);
                    b.writeZero(64);
                    p.sendRawBytes(io.netty.buffer.ByteBufUtil.getBytes(b));
                }, ErrorCode.PACKET_TOO_LARGE),
                Attack.named("empty packet", p -> p.sendRawBytes(new byte[] {0}), ErrorCode.FRAME_ENCODING_ERROR),
                Attack.named("unknown frame type", p -> p.send(b -> VarInt.write(b, 0x3f)), ErrorCode.UNKNOWN_FRAME),
                Attack.named("truncated STREAM frame", p -> p.send(b -> b.writeByte(0x10).writeByte(0)),
                        ErrorCode.FRAME_ENCODING_ERROR),
                Attack.named("STREAM past the stream credit", p -> p.send(b ->
                        Frames.stream(b, 0, STREAM_WINDOW - 1, false, true, ABC, 0, 3)), ErrorCode.FLOW_CONTROL_ERROR),
                Attack.named("STREAM past the session credit", p -> {
                    for (int s = 0; s <= SESSION_WINDOW / STREAM_WINDOW; s++) {
                        long id = 4L * s;
                        p.send(b -> Frames.stream(b, id, STREAM_WINDOW - 3, false, true, ABC, 0, 3));
                    }
                }, ErrorCode.FLOW_CONTROL_ERROR),
                Attack.named("one-byte fragments with gaps past the session's piece budget", p -> {
                    for (int k = 0; k < 10; k++) {
                        int base = k * 1000;
                        p.send(b -> {
                            for (int i = 0; i < 500; i++) {
                                Frames.stream(b, 0, base + 2L * i, false, false, ABC, 0, 1);
                            }
                        });
                    }
                }, ErrorCode.FLOW_CONTROL_ERROR),
                Attack.named("conflicting bytes at an offset already received", p -> {
                    p.send(b -> Frames.stream(b, 0, 0, false, false, ABC, 0, 3));
                    p.send(b -> Frames.stream(b, 0, 1, false, true, "xy".getBytes(), 0, 2));
                }, ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("data after FIN", p -> {
                    p.send(b -> Frames.stream(b, 0, 0, true, true, ABC, 0, 3));
                    p.send(b -> Frames.stream(b, 0, 3, false, true, ABC, 0, 3));
                }, ErrorCode.FINAL_SIZE_ERROR),
                Attack.named("final size changed", p -> {
                    p.send(b -> Frames.stream(b, 0, 0, true, true, ABC, 0, 3));
                    p.send(b -> Frames.stream(b, 0, 0, true, true, ABC, 0, 2));
                }, ErrorCode.FINAL_SIZE_ERROR),
                Attack.named("RESET_STREAM below the bytes received", p -> {
                    p.send(b -> Frames.stream(b, 0, 0, false, true, ABC, 0, 3));
                    p.send(b -> Frames.resetStream(b, 0, 7, 1));
                }, ErrorCode.FINAL_SIZE_ERROR),
                Attack.named("stream id of the server's own bidirectional type", p -> p.send(b ->
                        Frames.stream(b, 1, 0, false, true, ABC, 0, 3)), ErrorCode.STREAM_STATE_ERROR),
                Attack.named("stream id of the server's own unidirectional type", p -> p.send(b ->
                        Frames.stream(b, 3, 0, false, true, ABC, 0, 3)), ErrorCode.STREAM_STATE_ERROR),
                Attack.named("stream beyond MAX_STREAMS", p -> p.send(b ->
                        Frames.stream(b, 4L * MAX_STREAMS, 0, false, true, ABC, 0, 3)), ErrorCode.STREAM_LIMIT_ERROR),
                Attack.named("STOP_SENDING for a server stream never opened", p -> p.send(b ->
                        Frames.stopSending(b, 1, 7)), ErrorCode.STREAM_STATE_ERROR),
                Attack.named("ACK for a packet never sent", p -> p.send(b ->
                        Frames.ack(b, new long[] {1_000_000, 1_000_000}, 1)), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("HELLO twice", p -> p.send(b ->
                        Frames.hello(b, new Hello(1, new byte[0], new byte[0], new byte[0], RawPeer.GENEROUS))),
                        ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("HELLO_OK from a client", p -> p.send(b -> Frames.helloOk(b,
                        new dev.kwik.internal.wire.HelloOk(1, new byte[16], 0, 0, RawPeer.GENEROUS, new byte[] {1}))), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("ADD_PATH from a client", p -> p.send(b ->
                        Frames.addPath(b, 5, "127.0.0.1", 9, new byte[8])), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("PATH_STATUS for a path the session does not have", p -> p.send(b ->
                        Frames.pathStatus(b, 99, 3, 0, new long[0], 0)), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("INTERFACES announcing 300 interfaces", p -> p.send(b -> {
                    java.util.List<String> ids = new java.util.ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        ids.add("if" + i);
                    }
                    Frames.interfaces(b, "", "", 0, ids, new long[ids.size()]);
                }), ErrorCode.FRAME_ENCODING_ERROR),
                Attack.named("INTERFACES naming one interface twice", p -> p.send(b ->
                        Frames.interfaces(b, "", "", 0, java.util.List.of("a", "a"), new long[2])), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("INTERFACES whose first path's interface is not among them", p -> p.send(b ->
                        Frames.interfaces(b, "z", "", 0, java.util.List.of("a"), new long[1])), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("ADD_PATH_FROM from a client", p -> p.send(b ->
                        Frames.addPathFrom(b, 5, "a", "127.0.0.1", 9, new byte[8])), ErrorCode.PROTOCOL_VIOLATION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("afterHello")
    void ruleBrokenAfterHelloClosesThatSessionWithItsCode(Attack c) throws Exception {
        KwikServerSession victim;
        try (RawPeer peer = RawPeer.client(server.localAddress())) {
            peer.hello(RawPeer.GENEROUS);
            victim = server.accept(T);
            c.step().run(peer);
            assertThat(peer.awaitClose(T)).isEqualTo(c.expected());
            assertNothingDelivered(victim);
        }
        bystanderStillWorks();
        Conditions.waitUntil(() -> !server.sessions().contains(victim));
    }

    static Stream<Named<Attack>> beforeHello() {
        return Stream.of(
                Attack.named("STREAM before HELLO", p -> p.send(b ->
                        Frames.stream(b, 0, 0, false, true, ABC, 0, 3)), ErrorCode.PROTOCOL_VIOLATION),
                Attack.named("unsupported version", p -> p.send(b ->
                        Frames.hello(b, new Hello(99, new byte[0], new byte[0], new byte[0], RawPeer.GENEROUS))),
                        ErrorCode.VERSION_MISMATCH),
                Attack.named("HELLO with a forged ticket", p -> p.send(b ->
                        Frames.hello(b, new Hello(1, new byte[0], new byte[16], new byte[90], RawPeer.GENEROUS))),
                        ErrorCode.TICKET_FORGED),
                Attack.named("HELLO with an oversized credential field", p -> p.send(b -> {
                    VarInt.write(b, 0x20);
                    VarInt.write(b, 1);
                    VarInt.write(b, 5000);
                    b.writeZero(5000);
                }), ErrorCode.FRAME_ENCODING_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("beforeHello")
    void ruleBrokenBeforeHelloRefusesThePath(Attack c) throws Exception {
        // Sessions of earlier cases may still be closing: what matters is that this attack added none.
        List<KwikServerSession> before = server.sessions();
        try (RawPeer peer = RawPeer.client(server.localAddress())) {
            c.step().run(peer);
            assertThat(peer.awaitClose(T)).isEqualTo(c.expected());
            assertThat(peer.drain()).noneMatch(f -> f.type().equals("HELLO_OK"));
        }
        bystanderStillWorks();
        assertThat(before).containsAll(server.sessions());
    }

    @Test
    void helloReplayedWithASessionIdButNoTicketGetsANewSessionNeverTheExistingOne() throws Exception {
        byte[] existing = java.util.HexFormat.of().parseHex(bystanderOnServer.id());
        try (RawPeer peer = RawPeer.client(server.localAddress())) {
            peer.send(b -> Frames.hello(b, new Hello(1, new byte[0], existing, new byte[0], RawPeer.GENEROUS)));
            RawPeer.Frame ok = peer.await("HELLO_OK", T);
            assertThat(ok.data()).isNotEqualTo(existing);
            KwikServerSession other = server.accept(T);
            assertThat(other.id()).isNotEqualTo(bystanderOnServer.id());
            assertThat(bystanderOnServer.allPaths()).hasSize(1);
        }
        bystanderStillWorks();
    }

    @Test
    void rawMessagesAboveTheLimitOrBeyondTheQueueAreDroppedAndTheSessionCarriesOn() throws Exception {
        try (RawPeer peer = RawPeer.client(server.localAddress())) {
            peer.hello(RawPeer.GENEROUS);
            KwikServerSession victim = server.accept(T);
            byte[] big = new byte[RAW_LIMIT + 1];
            peer.send(b -> Frames.raw(b, 0, big, 0, big.length));
            for (int i = 0; i < 300; i++) {
                peer.send(b -> Frames.raw(b, 0, ABC, 0, 3));
            }
            peer.send(b -> Frames.stream(b, 0, 0, false, true, ABC, 0, 3));
            assertThat(victim.acceptStream(T).readMessage(T)).isEqualTo(ABC);
            int queued = 0;
            dev.kwik.RawMessage m;
            while ((m = poll(victim)) != null) {
                assertThat(m.data()).isEqualTo(ABC);
                queued++;
            }
            assertThat(queued).as("raw messages kept for an application that does not read them").isEqualTo(256);
            assertThat(victim.isOpen()).isTrue();
        }
        bystanderStillWorks();
    }

    private static dev.kwik.RawMessage poll(KwikServerSession s) {
        try {
            return s.receiveRaw(Duration.ofMillis(100));
        } catch (KwikTimeoutException e) {
            return null;
        }
    }

    @Test
    void pingFloodIsAnsweredBoundedlyAndTheSessionKeepsWorking() throws Exception {
        try (RawPeer peer = RawPeer.client(server.localAddress())) {
            peer.hello(RawPeer.GENEROUS);
            KwikServerSession victim = server.accept(T);
            int pings = 20_000;
            for (int i = 0; i < pings / 500; i++) {
                int base = i * 500;
                peer.send(b -> {
                    for (int k = 0; k < 500; k++) {
                        Frames.ping(b, base + k);
                    }
                });
            }
            // The last PING is always answered; earlier ones in the same read batch are answered by it.
            peer.await(f -> f.type().equals("PONG") && f.value(0) == pings - 1, "PONG to the last PING", T);
            List<RawPeer.Frame> rest = peer.drain();
            long pongs = rest.stream().filter(f -> f.type().equals("PONG")).count();
            assertThat(pongs).as("PONGs for %d PINGs", pings).isLessThan(pings / 10);
            peer.send(b -> Frames.stream(b, 0, 0, false, true, ABC, 0, 3));
            assertThat(victim.acceptStream(T).readMessage(T)).isEqualTo(ABC);
        }
        bystanderStillWorks();
    }

    /** Whatever the victim's application may still read from its streams, it is only bytes the attack wrote legitimately. */
    private static void assertNothingDelivered(KwikServerSession victim) {
        List<byte[]> read = new ArrayList<>();
        try {
            KwikStream s;
            while ((s = victim.acceptStream(Duration.ofMillis(50))) != null) {
                byte[] m = s.readMessage(Duration.ofMillis(50));
                if (m != null) {
                    read.add(m);
                }
            }
        } catch (KwikTimeoutException | dev.kwik.KwikSessionClosedException | dev.kwik.KwikStreamException e) {
            // the session is closed: nothing more to read
        } catch (KwikException e) {
            assertThat(e.code()).isNotEqualTo(ErrorCode.INTERNAL_ERROR);
        }
        assertThat(read).allSatisfy(m -> assertThat(m).isEqualTo(ABC));
        assertThat(victim.isOpen()).isFalse();
    }

    private static void bystanderStillWorks() {
        KwikStream s = bystander.openUniStream();
        s.write("still here".getBytes());
        s.close();
        KwikStream in = bystanderOnServer.acceptStream(T);
        assertThat(in.readMessage(T)).isEqualTo("still here".getBytes());
        assertThat(in.read(new byte[1], 0, 1, T)).isEqualTo(-1);
    }
}

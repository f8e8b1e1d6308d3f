package dev.kwik.hostile;

import dev.kwik.Conditions;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.internal.quic.Tls;
import dev.kwik.internal.wire.Frames;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A KWIK peer that sends CLOSE keeps QUIC open until that packet is acknowledged (bounded by deadAfter, at most
 * 2 s), so a peer on another QUIC stack, which may stop reading at QUIC's CONNECTION_CLOSE, reads the CLOSE frame
 * and its code first. Checked with a hand-written peer that acknowledges only when told.
 */
class CloseHandshakeTest {
    private static final Duration T = Duration.ofSeconds(10);
    private static final SelfSignedCertificate CERT = Tls.selfSigned();

    /** deadAfter 10 s: the peer never answers heartbeats, and its path must not die before the close. */
    private static KwikServer server() {
        return KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(CERT.certificate(), CERT.privateKey()).deadAfter(Duration.ofSeconds(10)).build().start();
    }

    @Test
    void quicStaysOpenUntilTheCloseFrameIsAcknowledged() throws Exception {
        try (KwikServer server = server(); RawPeer peer = RawPeer.client(server.localAddress())) {
            peer.hello(RawPeer.GENEROUS);
            KwikServerSession session = server.accept(T);
            session.close(7, "bye");
            RawPeer.Frame close = peer.await("CLOSE", T);
            assertThat(close.text()).isEqualTo("bye");
            // Sent 0.3 ms after the CLOSE frame, QUIC's close used to be here already (3 of 3 runs).
            assertThat(peer.quicClosedByPeer()).as("QUIC closed before the CLOSE was acknowledged").isFalse();
            long pn = peer.lastPacketNumber();
            peer.send(b -> Frames.ack(b, new long[] {pn, 0}, 1));
            // Well before the 2 s bound: the acknowledgement, not the deadline, closes QUIC.
            Conditions.waitUntil(Duration.ofMillis(1500), () -> !peer.isOpen());
        }
    }

    @Test
    void withoutAnAcknowledgementQuicClosesAtTheBound() throws Exception {
        try (KwikServer server = server(); RawPeer peer = RawPeer.client(server.localAddress())) {
            peer.hello(RawPeer.GENEROUS);
            server.accept(T).close();
            peer.await("CLOSE", T);
            Conditions.waitUntil(T, () -> !peer.isOpen());
        }
    }
}

package dev.kwik.hostile;

import dev.kwik.KwikClient;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.internal.quic.Tls;
import dev.kwik.internal.wire.Frames;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** When a real client grants more stream credit, seen from a raw server that counts its MAX_STREAM_DATA frames. */
class StreamCreditTest {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int WINDOW = 256 * 1024;
    private static final int FRAME = 16 * 1024;

    private SelfSignedCertificate cert;
    private KwikClient client;
    private RawPeer server;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void creditMovesOnOnceAQuarterOfTheWindowIsReadNotHalf() throws Exception {
        cert = Tls.selfSigned();
        client = KwikClient.builder().trustCertificate(cert.certificate()).streamWindow(WINDOW).build();
        server = RawPeer.server(cert);
        CompletableFuture<KwikSession> dialed = client.dialAsync("localhost:" + server.localAddress().getPort());
        server.acceptHello(HostileServerTest.SESSION_ID, RawPeer.GENEROUS);
        KwikSession session = dialed.get(10, TimeUnit.SECONDS);
        // A quarter of the window in messages of one frame each, then one more byte.
        byte[] chunk = new byte[FRAME];
        int frames = WINDOW / 4 / FRAME;
        for (int i = 0; i < frames; i++) {
            long offset = (long) i * FRAME;
            server.send(b -> Frames.stream(b, 1, offset, false, true, chunk, 0, FRAME));
        }
        KwikStream s = session.acceptStream(T);
        for (int i = 0; i < frames; i++) {
            assertThat(s.readMessage(T)).hasSize(FRAME);
        }
        assertThat(server.drain()).noneMatch(f -> f.type().equals("MAX_STREAM_DATA"));
        server.send(b -> Frames.stream(b, 1, (long) frames * FRAME, false, true, chunk, 0, 1));
        assertThat(s.readMessage(T)).hasSize(1);

        RawPeer.Frame credit = server.await("MAX_STREAM_DATA", T);
        assertThat(credit.value(0)).isEqualTo(1);
        assertThat(credit.value(1)).isEqualTo(WINDOW / 4 + 1 + WINDOW);
    }
}

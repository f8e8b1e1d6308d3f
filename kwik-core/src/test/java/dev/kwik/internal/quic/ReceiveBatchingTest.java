package dev.kwik.internal.quic;

import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.internal.session.ClientSession;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the receive configuration, not a rate (rates are the benchmarks' job); counted by quiche on the sending
 * connection.
 */
class ReceiveBatchingTest {
    private static final SelfSignedCertificate CERT = Tls.selfSigned();

    /**
     * A receiver that reads one datagram per wake-up answers every data datagram with an ACK datagram, so the
     * sender gets about one datagram back per datagram it sends (measured 0.99 with the throttled allocator; 0.03
     * to 0.15 with several per read).
     */
    @Test
    void receiverReadsSeveralDatagramsPerWakeUpSoTheSenderGetsFarFewerAcksThanItSends() throws Exception {
        try (KwikServer server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(CERT.certificate(), CERT.privateKey()).build().start();
             KwikClient client = KwikClient.builder().trustCertificate(CERT.certificate()).build()) {
            KwikSession session = client.dial("localhost:" + server.localAddress().getPort());
            KwikServerSession accepted = server.accept(Duration.ofSeconds(5));
            CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> {
                KwikStream s = accepted.acceptStream(Duration.ofSeconds(10));
                byte[] buf = new byte[64 << 10];
                long n = 0;
                int r;
                while ((r = s.read(buf, 0, buf.length)) >= 0) {
                    n += r;
                }
                return n;
            });
            QuicConnectionStats before = stats(session);
            KwikStream s = session.openStream();
            byte[] chunk = new byte[64 << 10];
            for (int i = 0; i < 512; i++) {
                s.write(chunk);
            }
            s.close();
            assertThat(read.get(60, TimeUnit.SECONDS)).isEqualTo(512L << 16);
            QuicConnectionStats after = stats(session);
            long sent = after.sent() - before.sent();
            long received = after.recv() - before.recv();
            assertThat(sent).as("datagrams sent for 32 MiB").isGreaterThan(20_000);
            assertThat((double) received / sent).as("datagrams received per datagram sent (%d / %d)", received, sent)
                    .isLessThan(0.5);
        }
    }

    private static QuicConnectionStats stats(KwikSession session) throws Exception {
        QuicPathConnection c = (QuicPathConnection) ((ClientSession) session).paths().get(0).connection();
        return c.quic().collectStats().get(5, TimeUnit.SECONDS);
    }
}

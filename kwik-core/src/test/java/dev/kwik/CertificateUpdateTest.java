package dev.kwik;

import dev.kwik.internal.quic.Tls;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A renewed certificate applies to new connections at once; established sessions go on with the old one. */
class CertificateUpdateTest {
    private static final Duration T = Duration.ofSeconds(10);

    @Test
    void newConnectionsPresentTheUpdatedCertificateAndOpenSessionsGoOn() throws Exception {
        SelfSignedCertificate renewed = Tls.selfSigned();
        try (KwikServer server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(Loopback.CERT.certificate(), Loopback.CERT.privateKey()).build().start();
             KwikClient oldTrust = KwikClient.builder().trustCertificates(Loopback.CERT.cert()).build();
             KwikClient newTrust = KwikClient.builder().trustCertificates(renewed.cert()).build()) {
            String address = "localhost:" + server.localAddress().getPort();
            KwikSession before = oldTrust.dial(address);
            KwikServerSession accepted = server.accept(T);
            assertThatThrownBy(() -> newTrust.dial(address)).isInstanceOf(KwikException.class)
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.TLS_HANDSHAKE_FAILED);

            server.updateCertificate(renewed.key(), renewed.cert());

            KwikSession after = newTrust.dial(address);
            assertThat(after.isOpen()).isTrue();
            assertThatThrownBy(() -> oldTrust.dial(address)).as("the old certificate is no longer presented")
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.TLS_HANDSHAKE_FAILED);
            // The session opened before the update still carries data.
            KwikStream s = before.openStream();
            s.write("still here".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(accepted.acceptStream(T).readMessage(T), StandardCharsets.UTF_8)).isEqualTo("still here");
        } finally {
            renewed.delete();
        }
    }

    @Test
    void aKeyThatDoesNotMatchIsRefusedAndTheServerKeepsItsCertificate() {
        SelfSignedCertificate other = Tls.selfSigned();
        try (KwikServer server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(Loopback.CERT.certificate(), Loopback.CERT.privateKey()).build().start();
             KwikClient client = KwikClient.builder().trustCertificates(Loopback.CERT.cert()).build()) {
            assertThatThrownBy(() -> server.updateCertificate(other.key(), Loopback.CERT.cert()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(client.dial("localhost:" + server.localAddress().getPort()).isOpen()).isTrue();
            assertThatThrownBy(() -> KwikServer.builder().certificate(other.key(), Loopback.CERT.cert()).build())
                    .as("the same check when the server is built").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not belong to the certificate");
        } finally {
            other.delete();
        }
    }

    @Test
    void aClientsUpdatedTrustAppliesToItsNextDial() throws Exception {
        SelfSignedCertificate renewed = Tls.selfSigned();
        try (KwikServer server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(renewed.certificate(), renewed.privateKey()).build().start();
             KwikClient client = KwikClient.builder().trustCertificates(Loopback.CERT.cert()).build()) {
            String address = "localhost:" + server.localAddress().getPort();
            assertThatThrownBy(() -> client.dial(address)).extracting(e -> ((KwikException) e).code())
                    .isEqualTo(ErrorCode.TLS_HANDSHAKE_FAILED);
            java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("renewed", renewed.cert());
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            client.updateTrust(tmf);
            assertThat(client.dial(address).isOpen()).isTrue();
        } finally {
            renewed.delete();
        }
    }
}

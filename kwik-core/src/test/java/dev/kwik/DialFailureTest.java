package dev.kwik;

import dev.kwik.internal.quic.Tls;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way a dial fails ends in a KwikException with its code, within the connect timeout. */
class DialFailureTest {
    @Test
    void refusedCredentialsGiveAuthRefusedWithTheReason() {
        try (Loopback lo = new Loopback(
                s -> s.authenticator((peer, cred) -> Arrays.equals(cred, "secret".getBytes()) ? null : "unknown token"),
                c -> c.credentials("wrong".getBytes()))) {
            assertThatThrownBy(() -> lo.client.dial(lo.address()))
                    .isInstanceOf(KwikException.class)
                    .hasMessageContaining("unknown token")
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.AUTH_REFUSED);
            try (KwikClient good = KwikClient.builder().trustCertificate(Loopback.certificate())
                    .credentials("secret".getBytes()).build()) {
                assertThat(good.dial(lo.address()).isOpen()).isTrue();
            }
        }
    }

    @Test
    void untrustedCertificateFailsTheHandshake() {
        SelfSignedCertificate other = Tls.selfSigned();
        try (Loopback lo = new Loopback();
             KwikClient trustsAnother = KwikClient.builder().trustCertificate(other.certificate()).build()) {
            assertThatThrownBy(() -> trustsAnother.dial(lo.address()))
                    .isInstanceOf(KwikException.class)
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.TLS_HANDSHAKE_FAILED);
            assertThat(lo.server.sessions()).isEmpty();
        } finally {
            other.delete();
        }
    }

    @Test
    void withoutTrustSettingsOnlyTheJdkTrustStoreIsTrustedSoASelfSignedServerIsRefused() {
        try (Loopback lo = new Loopback();
             KwikClient defaults = KwikClient.builder().build()) {
            assertThatThrownBy(() -> defaults.dial(lo.address()))
                    .isInstanceOf(KwikException.class)
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.TLS_HANDSHAKE_FAILED);
            assertThat(lo.server.sessions()).isEmpty();
        }
    }

    @Test
    void trustAllAcceptsAnyCertificateAndHostButWarnsThatItIsForDevelopmentOnly() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(KwikClient.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        logger.addAppender(seen);
        try (Loopback lo = new Loopback();
             KwikClient anything = KwikClient.builder().trustAll().build()) {
            assertThat(seen.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
                assertThat(e.getFormattedMessage()).contains("trust-all").contains("never use this in production");
            });
            // Dialled by IP, with a certificate for localhost nobody trusts: accepted all the same.
            assertThat(anything.dial("127.0.0.1:" + lo.server.localAddress().getPort()).isOpen()).isTrue();
        } finally {
            logger.detachAppender(seen);
        }
    }

    @Test
    void certificateForAnotherHostNameFailsTheHandshake() {
        try (Loopback lo = new Loopback()) {
            // The certificate names localhost; dialling by IP must not pass host-name verification.
            assertThatThrownBy(() -> lo.client.dial("127.0.0.1:" + lo.server.localAddress().getPort()))
                    .isInstanceOf(KwikException.class)
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.TLS_HANDSHAKE_FAILED);
        }
    }

    @Test
    void serverNotListeningGivesConnectTimeoutWithinTheTimeout() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (KwikClient client = KwikClient.builder().trustCertificate(Loopback.certificate())
                .connectTimeout(Duration.ofMillis(500)).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.dial("localhost:" + port))
                    .isInstanceOf(KwikTimeoutException.class)
                    .hasMessageContaining("500 ms")
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.CONNECT_TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void builderRejectsBadSettingsWhereTheyAreGiven() {
        assertThatThrownBy(() -> KwikClient.builder().streamWindow(-1)).hasMessageContaining("streamWindow");
        assertThatThrownBy(() -> KwikClient.builder().streamsPerChannel(0)).hasMessageContaining("streamsPerChannel");
        assertThatThrownBy(() -> KwikClient.builder().connectTimeout(Duration.ZERO)).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> KwikServer.builder().build()).hasMessageContaining("certificate");
        try (KwikClient c = KwikClient.builder().build()) {
            assertThatThrownBy(() -> c.dial("no-port")).hasMessageContaining("host:port");
        }
    }
}

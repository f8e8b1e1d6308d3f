package dev.kwik;

import dev.kwik.internal.quic.Tls;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client trusts several servers that each present their own certificate (a primary and its secondaries): one
 * {@code trustCertificate} call per PEM file, a PEM bundle, or certificates directly. A server it was not told to
 * trust is still refused.
 */
class ClientTrustTest {
    private static final SelfSignedCertificate OTHER = Tls.selfSigned();
    private static final SelfSignedCertificate STRANGER = Tls.selfSigned();
    private KwikServer a;
    private KwikServer b;
    private KwikServer c;

    @BeforeEach
    void setUp() {
        a = server(Loopback.CERT);
        b = server(OTHER);
        c = server(STRANGER);
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        c.close();
    }

    private static KwikServer server(SelfSignedCertificate cert) {
        return KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(cert.certificate(), cert.privateKey()).build().start();
    }

    @Test
    void onePemFilePerServer() {
        try (KwikClient client = KwikClient.builder().trustCertificate(Loopback.CERT.certificate())
                .trustCertificate(OTHER.certificate()).build()) {
            assertTrustsAAndBButNotC(client);
        }
    }

    @Test
    void aPemBundle(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, Files.readString(Loopback.CERT.certificate().toPath()) + Files.readString(OTHER.certificate().toPath()));
        try (KwikClient client = KwikClient.builder().trustCertificate(bundle.toFile()).build()) {
            assertTrustsAAndBButNotC(client);
        }
    }

    @Test
    void certificatesDirectly() {
        try (KwikClient client = KwikClient.builder().trustCertificates(Loopback.CERT.cert(), OTHER.cert()).build()) {
            assertTrustsAAndBButNotC(client);
        }
    }

    @Test
    void aFileWithoutCertificatesIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        File empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate").toFile();
        assertThatThrownBy(() -> KwikClient.builder().trustCertificate(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty.pem");
    }

    private void assertTrustsAAndBButNotC(KwikClient client) {
        for (KwikServer s : new KwikServer[] {a, b}) {
            KwikSession session = client.dial("localhost:" + s.localAddress().getPort());
            assertThat(session.isOpen()).isTrue();
            s.accept(Duration.ofSeconds(5));
            session.close();
        }
        assertThatThrownBy(() -> client.dial("localhost:" + c.localAddress().getPort())).isInstanceOf(KwikException.class)
                .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.TLS_HANDSHAKE_FAILED);
    }
}

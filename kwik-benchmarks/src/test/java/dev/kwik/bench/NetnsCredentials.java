package dev.kwik.bench;

import dev.kwik.internal.quic.Tls;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * What the node processes of one network-namespace test class share: a self-signed certificate and a cluster
 * secret. Registered as a static extension ({@code @RegisterExtension}); before the class it skips it (with the
 * reason) where namespaces cannot be made, after the class it deletes the certificate.
 */
final class NetnsCredentials implements BeforeAllCallback, AfterAllCallback {
    private SelfSignedCertificate cert;
    private String secret;

    @Override
    public void beforeAll(ExtensionContext context) {
        String why = Netns.unavailable();
        Assumptions.assumeTrue(why == null, () -> "network-namespace suite skipped: " + why);
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        secret = HexFormat.of().formatHex(s);
        cert = Tls.selfSigned();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cert != null) {
            cert.delete();
        }
    }

    /** The servers' {@code --cert --key --secret} arguments. */
    List<String> args() {
        return List.of("--cert", cert.certificate().getPath(), "--key", cert.privateKey().getPath(), "--secret", secret);
    }
}

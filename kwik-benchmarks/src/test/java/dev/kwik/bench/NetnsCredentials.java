package dev.kwik.bench;

import dev.kwik.internal.quic.Tls;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Assumptions;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * What the node processes of one network-namespace test class share: a self-signed certificate and a cluster
 * secret. {@link #createOrSkip()} skips the class (with the reason) where namespaces cannot be made.
 */
final class NetnsCredentials implements AutoCloseable {
    private final SelfSignedCertificate cert = Tls.selfSigned();
    private final String secret;

    private NetnsCredentials() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        this.secret = HexFormat.of().formatHex(s);
    }

    static NetnsCredentials createOrSkip() {
        String why = Netns.unavailable();
        Assumptions.assumeTrue(why == null, () -> "network-namespace suite skipped: " + why);
        return new NetnsCredentials();
    }

    /** The servers' {@code --cert --key --secret} arguments. */
    List<String> args() {
        return List.of("--cert", cert.certificate().getPath(), "--key", cert.privateKey().getPath(), "--secret", secret);
    }

    @Override
    public void close() {
        cert.delete();
    }
}

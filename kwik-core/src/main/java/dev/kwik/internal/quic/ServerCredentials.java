package dev.kwik.internal.quic;

import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * A server's TLS identity, built here so that the public API stays free of Netty types: the QUIC TLS context and,
 * for {@code selfSigned()}, the throwaway certificate whose file the server deletes when it closes.
 */
public final class ServerCredentials {
    private final QuicSslContext context;
    private final SelfSignedCertificate selfSigned;

    private ServerCredentials(QuicSslContext context, SelfSignedCertificate selfSigned) {
        this.context = context;
        this.selfSigned = selfSigned;
    }

    /** A fresh self-signed certificate for {@code localhost} (development and tests). */
    public static ServerCredentials selfSigned() {
        SelfSignedCertificate c = Tls.selfSigned();
        return new ServerCredentials(Tls.server(c.certificate(), c.privateKey()), c);
    }

    /** @throws IllegalArgumentException if the key is not the one of the chain's first certificate */
    public static ServerCredentials of(PrivateKey key, X509Certificate[] chain) {
        checkKeyMatches(key, chain[0]);
        return new ServerCredentials(Tls.server(key, chain), null);
    }

    /**
     * Signs with the key and verifies with the certificate: a mismatch would otherwise surface only as every
     * client's handshake failing. Key types without a known signature algorithm here are not checked.
     */
    static void checkKeyMatches(PrivateKey key, X509Certificate leaf) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = "kwik key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            s.initVerify(leaf.getPublicKey());
            s.update(probe);
            matches = s.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException("the private key does not belong to the certificate "
                    + leaf.getSubjectX500Principal().getName());
        }
    }

    public static ServerCredentials of(File chainPem, File keyPem) {
        return new ServerCredentials(Tls.server(chainPem, keyPem), null);
    }

    QuicSslContext context() {
        return context;
    }

    /** The self-signed certificate's PEM file, or null when the identity was given. */
    public File selfSignedCertificate() {
        return selfSigned == null ? null : selfSigned.certificate();
    }

    /** Deletes the self-signed certificate's files, if any. */
    public void deleteSelfSigned() {
        if (selfSigned != null) {
            selfSigned.delete();
        }
    }
}

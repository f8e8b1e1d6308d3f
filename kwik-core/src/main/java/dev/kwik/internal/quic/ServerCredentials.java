package dev.kwik.internal.quic;

import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.File;
import java.security.PrivateKey;
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

    public static ServerCredentials of(PrivateKey key, X509Certificate[] chain) {
        return new ServerCredentials(Tls.server(key, chain), null);
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

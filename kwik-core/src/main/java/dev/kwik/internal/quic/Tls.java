package dev.kwik.internal.quic;

import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.security.cert.CertificateException;

/** TLS 1.3 contexts for KWIK paths (ALPN {@value #ALPN}). */
public final class Tls {
    public static final String ALPN = "kwik/1";

    private Tls() {
    }

    /** Server context from PEM files: certificate chain and PKCS#8 private key. */
    public static QuicSslContext server(File chainPem, File keyPem) {
        return QuicSslContextBuilder.forServer(keyPem, null, chainPem).applicationProtocols(ALPN).build();
    }

    /** Server context from a private key and its certificate chain, leaf first. */
    public static QuicSslContext server(java.security.PrivateKey key, java.security.cert.X509Certificate[] chain) {
        return QuicSslContextBuilder.forServer(key, null, chain).applicationProtocols(ALPN).build();
    }

    /** A throwaway self-signed certificate for {@code localhost}, for development and tests. */
    public static SelfSignedCertificate selfSigned() {
        try {
            return new SelfSignedCertificate("localhost");
        } catch (CertificateException e) {
            throw new IllegalStateException("could not generate a self-signed certificate", e);
        }
    }

    /**
     * Client context.
     *
     * @param trustedPem certificates to trust (PEM), or null
     * @param tmf        trust manager factory, or null
     * @param trustAll   accept any certificate and host name (development only)
     */
    public static QuicSslContext client(File trustedPem, TrustManagerFactory tmf, boolean trustAll) {
        QuicSslContextBuilder b = QuicSslContextBuilder.forClient().applicationProtocols(ALPN);
        if (trustAll) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else {
            if (trustedPem != null) {
                b.trustManager(trustedPem);
            } else if (tmf != null) {
                b.trustManager(tmf);
            }
            b.endpointIdentificationAlgorithm("HTTPS");
        }
        return b.build();
    }
}

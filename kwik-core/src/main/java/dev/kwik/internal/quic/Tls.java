package dev.kwik.internal.quic;

import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;

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
    public static QuicSslContext server(PrivateKey key, X509Certificate[] chain) {
        return QuicSslContextBuilder.forServer(key, null, chain).applicationProtocols(ALPN).build();
    }

    /**
     * Every certificate in a PEM file (one, or a bundle of several).
     *
     * @throws IllegalArgumentException if the file is missing or holds no certificate
     */
    public static List<X509Certificate> readCertificates(File pem) {
        try (InputStream in = new FileInputStream(pem)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + pem);
            }
            return certs;
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read the certificates in " + pem + ": " + e.getMessage(), e);
        }
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
     * @param trusted  certificates to trust (each server's own, or the CAs that issued them); empty for none
     * @param tmf      trust manager factory, or null
     * @param trustAll accept any certificate and host name (development only)
     */
    public static QuicSslContext client(List<X509Certificate> trusted, TrustManagerFactory tmf,
                                        boolean trustAll) {
        QuicSslContextBuilder b = QuicSslContextBuilder.forClient().applicationProtocols(ALPN);
        if (trustAll) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else {
            if (!trusted.isEmpty()) {
                b.trustManager(trusted.toArray(new X509Certificate[0]));
            } else if (tmf != null) {
                b.trustManager(tmf);
            }
            b.endpointIdentificationAlgorithm("HTTPS");
        }
        return b.build();
    }
}

package dev.kwik.spring.autoconfigure;

import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.File;
import java.security.cert.CertificateException;

/** One self-signed certificate for {@code localhost} per test JVM, as PEM files (PKCS#8 key). */
public final class TestCertificates {
    private static final SelfSignedCertificate CERT;

    static {
        try {
            CERT = new SelfSignedCertificate("localhost");
        } catch (CertificateException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TestCertificates() {
    }

    public static File certificate() {
        return CERT.certificate();
    }

    public static File privateKey() {
        return CERT.privateKey();
    }

    public static String certificateLocation() {
        return "file:" + CERT.certificate().getAbsolutePath();
    }

    public static String privateKeyLocation() {
        return "file:" + CERT.privateKey().getAbsolutePath();
    }
}

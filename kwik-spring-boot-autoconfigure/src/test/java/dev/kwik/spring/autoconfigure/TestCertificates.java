package dev.kwik.spring.autoconfigure;

import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.File;
import java.security.cert.CertificateException;

/** One self-signed certificate for {@code localhost} per test JVM, as PEM files (PKCS#8 key). */
final class TestCertificates {
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

    static File certificate() {
        return CERT.certificate();
    }

    static File privateKey() {
        return CERT.privateKey();
    }

    static String certificateLocation() {
        return "file:" + CERT.certificate().getAbsolutePath();
    }

    static String privateKeyLocation() {
        return "file:" + CERT.privateKey().getAbsolutePath();
    }
}

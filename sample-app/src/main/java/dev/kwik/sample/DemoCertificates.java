package dev.kwik.sample;

import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;

/**
 * A development certificate for {@code localhost}, made once and kept in {@code demo.certificates} so that the
 * demo's servers present it and its client trusts it, whether they run in one JVM or as three processes.
 * Development only: anyone who can read the directory can impersonate the servers.
 */
final class DemoCertificates {
    static final String CHAIN = "kwik-demo-chain.pem";
    static final String KEY = "kwik-demo-key.pem";

    private DemoCertificates() {
    }

    /** Creates the certificate in {@code dir} unless it is there already. Safe when processes race. */
    static void ensure(Path dir) {
        Path chain = dir.resolve(CHAIN);
        Path key = dir.resolve(KEY);
        if (Files.isRegularFile(chain) && Files.isRegularFile(key)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            SelfSignedCertificate c = new SelfSignedCertificate("localhost");
            try {
                // Key first: a reader that sees the chain also sees its key.
                Path tmpKey = Files.createTempFile(dir, "key", ".tmp");
                Path tmpChain = Files.createTempFile(dir, "chain", ".tmp");
                Files.copy(c.privateKey().toPath(), tmpKey, StandardCopyOption.REPLACE_EXISTING);
                Files.copy(c.certificate().toPath(), tmpChain, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmpKey, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmpChain, chain, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                c.delete();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo certificate to " + dir, e);
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot generate the demo certificate", e);
        }
    }
}

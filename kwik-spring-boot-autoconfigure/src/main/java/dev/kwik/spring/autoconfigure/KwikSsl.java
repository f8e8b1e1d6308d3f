package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.core.io.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

/** Turns {@code kwik.*.ssl} properties (SSL bundle, PEM resources, self-signed, trust-all) into builder calls. */
final class KwikSsl {
    private static final Logger log = LoggerFactory.getLogger(KwikSsl.class);

    private KwikSsl() {
    }

    static void server(KwikProperties.ServerSsl ssl, ObjectProvider<SslBundles> bundles, KwikServer.Builder b) {
        if (ssl.getBundle() != null) {
            SslBundle bundle = bundle(bundles, ssl.getBundle(), "kwik.server.ssl.bundle");
            KeyAndChain k = keyFromBundle(bundle, ssl.getBundle());
            b.certificate(k.key(), k.chain());
        } else if (ssl.getCertificate() != null) {
            List<X509Certificate> chain = pem(ssl.getCertificate(), "kwik.server.ssl.certificate").getCertificates();
            if (chain == null || chain.isEmpty()) {
                throw new IllegalStateException("kwik.server.ssl.certificate: no certificate in "
                        + ssl.getCertificate().getDescription());
            }
            PrivateKey key = pem(ssl.getPrivateKey(), "kwik.server.ssl.private-key").getPrivateKey();
            if (key == null) {
                throw new IllegalStateException("kwik.server.ssl.private-key: no private key in "
                        + ssl.getPrivateKey().getDescription());
            }
            b.certificate(key, chain.toArray(X509Certificate[]::new));
        } else if (ssl.isSelfSigned()) {
            b.selfSigned(); // KwikServer logs the development-only warning
        }
    }

    static void client(KwikProperties.ClientSsl ssl, ObjectProvider<SslBundles> bundles, KwikClient.Builder b) {
        if (ssl.getBundle() != null) {
            SslBundle bundle = bundle(bundles, ssl.getBundle(), "kwik.client.ssl.bundle");
            b.trustManager(bundle.getManagers().getTrustManagerFactory());
        } else if (ssl.getTrustCertificate() != null) {
            List<X509Certificate> certs = pem(ssl.getTrustCertificate(), "kwik.client.ssl.trust-certificate")
                    .getCertificates();
            if (certs == null || certs.isEmpty()) {
                throw new IllegalStateException("kwik.client.ssl.trust-certificate: no certificate in "
                        + ssl.getTrustCertificate().getDescription());
            }
            b.trustCertificates(certs.toArray(X509Certificate[]::new)); // accumulates with the app's own server's
        } else if (ssl.isTrustAll()) {
            b.trustAll(); // KwikClient logs the development-only warning when it is built
        }
    }

    private static SslBundle bundle(ObjectProvider<SslBundles> bundles, String name, String property) {
        SslBundles registry = bundles.getIfAvailable();
        if (registry == null) {
            throw new IllegalStateException(property + "=" + name + " but no SslBundles bean exists");
        }
        try {
            return registry.getBundle(name);
        } catch (RuntimeException e) {
            throw new IllegalStateException(property + ": no SSL bundle named '" + name + "' ("
                    + e.getMessage() + ")", e);
        }
    }

    /** A server key and its chain, leaf first. */
    record KeyAndChain(PrivateKey key, X509Certificate[] chain) {
    }

    /**
     * With a server SSL bundle: when Spring reloads it ({@code spring.ssl.bundle.*.<name>.reload-on-update=true}),
     * new connections present the new certificate; a bundle that cannot be used is logged and the old one kept.
     */
    static void reloadOnUpdate(KwikProperties.ServerSsl ssl, ObjectProvider<SslBundles> bundles, KwikServer server) {
        SslBundles registry = bundles.getIfAvailable();
        if (ssl.getBundle() == null || registry == null) {
            return;
        }
        String name = ssl.getBundle();
        registry.addBundleUpdateHandler(name, updated -> {
            try {
                KeyAndChain k = keyFromBundle(updated, name);
                server.updateCertificate(k.key(), k.chain());
            } catch (RuntimeException e) {
                log.warn("event=certificate-update-refused bundle={} reason={}; the server keeps its certificate", name,
                        e.getMessage());
            }
        });
    }

    /** With a client trust bundle: when Spring reloads it, new connections verify servers with the new trust. */
    static void reloadOnUpdate(KwikProperties.ClientSsl ssl, ObjectProvider<SslBundles> bundles, KwikClient client) {
        SslBundles registry = bundles.getIfAvailable();
        if (ssl.getBundle() == null || registry == null) {
            return;
        }
        registry.addBundleUpdateHandler(ssl.getBundle(),
                updated -> client.updateTrust(updated.getManagers().getTrustManagerFactory()));
    }

    private static KeyAndChain keyFromBundle(SslBundle bundle, String name) {
        KeyStore ks = bundle.getStores().getKeyStore();
        if (ks == null) {
            throw new IllegalStateException("kwik.server.ssl.bundle: SSL bundle '" + name + "' has no key store");
        }
        try {
            String alias = bundle.getKey().getAlias();
            if (alias == null) {
                alias = Collections.list(ks.aliases()).stream().filter(a -> isKey(ks, a)).findFirst().orElse(null);
            }
            if (alias == null || !ks.isKeyEntry(alias)) {
                throw new IllegalStateException("kwik.server.ssl.bundle: SSL bundle '" + name
                        + "' has no private key entry" + (alias != null ? " '" + alias + "'" : ""));
            }
            String password = bundle.getKey().getPassword() != null ? bundle.getKey().getPassword()
                    : bundle.getStores().getKeyStorePassword();
            Key key = ks.getKey(alias, password == null ? new char[0] : password.toCharArray());
            Certificate[] chain = ks.getCertificateChain(alias);
            if (!(key instanceof PrivateKey pk) || chain == null || chain.length == 0) {
                throw new IllegalStateException("kwik.server.ssl.bundle: entry '" + alias + "' of SSL bundle '"
                        + name + "' is not a private key with a certificate chain");
            }
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                x509[i] = (X509Certificate) chain[i];
            }
            return new KeyAndChain(pk, x509);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("kwik.server.ssl.bundle: cannot read the key of SSL bundle '" + name
                    + "': " + e.getMessage(), e);
        }
    }

    private static boolean isKey(KeyStore ks, String alias) {
        try {
            return ks.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static PemContent pem(Resource r, String property) {
        try (InputStream in = r.getInputStream()) {
            return PemContent.load(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(property + ": cannot read PEM from " + r.getDescription() + ": "
                    + e.getMessage(), e);
        }
    }
}

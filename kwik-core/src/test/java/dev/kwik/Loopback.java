package dev.kwik;

import dev.kwik.internal.quic.Tls;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A real KWIK server and client on 127.0.0.1 with real TLS: the server presents a self-signed certificate for
 * {@code localhost} (generated once per JVM), the client trusts exactly that certificate and verifies the host.
 */
final class Loopback implements AutoCloseable {
    static final SelfSignedCertificate CERT = Tls.selfSigned();

    final KwikServer server;
    final KwikClient client;

    Loopback() {
        this(s -> { }, c -> { });
    }

    Loopback(Consumer<KwikServer.Builder> serverConfig, Consumer<KwikClient.Builder> clientConfig) {
        KwikServer.Builder sb = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(CERT.certificate(), CERT.privateKey());
        serverConfig.accept(sb);
        server = sb.build().start();
        KwikClient.Builder cb = KwikClient.builder().trustCertificate(CERT.certificate());
        clientConfig.accept(cb);
        client = cb.build();
    }

    String address() {
        return "localhost:" + server.localAddress().getPort();
    }

    /** Dials and accepts: both ends of one session. */
    Pair connect() {
        KwikSession c = client.dial(address());
        KwikServerSession s = server.accept(java.time.Duration.ofSeconds(5));
        return new Pair(c, s);
    }

    record Pair(KwikSession client, KwikServerSession server) {
    }

    static File certificate() {
        return CERT.certificate();
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}

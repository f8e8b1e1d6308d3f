package dev.kwik;

import dev.kwik.internal.EventLoops;
import dev.kwik.internal.quic.ClientEndpoint;
import dev.kwik.internal.quic.Tls;
import dev.kwik.internal.session.ClientSession;
import dev.kwik.internal.wire.FrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Dials KWIK servers. Build once, dial many times; {@link #close()} closes every session it made.
 *
 * <pre>{@code
 * try (KwikClient client = KwikClient.builder().trustCertificate(new File("server.pem")).build()) {
 *     KwikSession session = client.dial("localhost:4433");
 *     KwikStream stream = session.openStream();
 *     stream.write("hello".getBytes());
 *     byte[] reply = stream.readMessage();
 * }
 * }</pre>
 *
 * <p>The client verifies the server's certificate and host name against the JDK's default trust store
 * unless given other trust; {@link Builder#trustAll()} turns verification off, for development only.
 */
public final class KwikClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KwikClient.class);

    private final ClientEndpoint endpoint;

    private KwikClient(Builder b) {
        if (b.trustAll) {
            log.warn("event=trust-all KWIK client accepts any server certificate; never use this in production");
        }
        this.endpoint = new ClientEndpoint(b.config(), Tls.client(b.trusted, b.trustManagerFactory, b.trustAll),
                b.credentials, b.eventLoopThreads, b.interfaces, b.allInterfaces);
    }

    /**
     * Marks a client interface down, as if its link had gone: the paths leaving from it end now (their data moves
     * to the session's other paths), and each session's primary hears of it and opens no path from it until
     * {@link #interfaceUp}. For applications that know before the OS does (a radio about to sleep, a modem
     * reporting no signal).
     *
     * @throws IllegalArgumentException if the client has no interface with that id
     */
    public void interfaceDown(String id) {
        endpoint.interfaces().setAdminUp(known(id), false);
    }

    /** Undoes {@link #interfaceDown}: the interface is up again (if the OS agrees), and primaries hear of it. */
    public void interfaceUp(String id) {
        endpoint.interfaces().setAdminUp(known(id), true);
    }

    /** The interfaces this client was given, in order. */
    public List<ClientInterface> interfaces() {
        return endpoint.interfaces().all();
    }

    private String known(String id) {
        if (endpoint.interfaces().find(Objects.requireNonNull(id, "id")) == null) {
            throw new IllegalArgumentException("this client has no interface '" + id + "'; it has "
                    + endpoint.interfaces().ids());
        }
        return id;
    }

    /**
     * Replaces how this client verifies servers: new connections (dials and joining paths) check certificates with
     * {@code trustManagerFactory} from now on, host names still verified; open sessions are not affected. The
     * Spring starter calls this when a trust SSL bundle with {@code reload-on-update} changes.
     */
    public void updateTrust(TrustManagerFactory trustManagerFactory) {
        endpoint.ssl(Tls.client(List.of(), Objects.requireNonNull(trustManagerFactory, "trustManagerFactory"), false));
        log.info("event=trust-updated");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Dials {@code host:port} and returns the established session. Blocks up to the connect timeout.
     *
     * @throws KwikException {@link ErrorCode#AUTH_REFUSED}, {@link ErrorCode#TLS_HANDSHAKE_FAILED},
     *                       {@link ErrorCode#CONNECT_TIMEOUT} and others, each with the reason
     */
    public KwikSession dial(String hostPort) {
        EventLoops.checkMayBlock("dial", "dialAsync()"); // before parse, which may look the host up
        return awaitDial(parse(hostPort));
    }

    /** Dials {@code address}; see {@link #dial(String)}. */
    public KwikSession dial(InetSocketAddress address) {
        EventLoops.checkMayBlock("dial", "dialAsync()");
        return awaitDial(address);
    }

    private KwikSession awaitDial(InetSocketAddress address) {
        CompletableFuture<KwikSession> f = dialAsync(address);
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new KwikException(ErrorCode.INTERRUPTED, "interrupted while dialling " + address);
        }
    }

    /** Dials without blocking; the future fails with a {@link KwikException}. */
    public CompletableFuture<KwikSession> dialAsync(String hostPort) {
        return dialAsync(parse(hostPort));
    }

    /** Dials without blocking; the future fails with a {@link KwikException}. */
    public CompletableFuture<KwikSession> dialAsync(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        return endpoint.dial(address).thenApply(s -> (KwikSession) s);
    }

    /** The internal endpoint (tests of hostile joins use it to present crafted tickets). */
    ClientEndpoint endpoint() {
        return endpoint;
    }

    /** Sessions this client holds open now. */
    public int openSessions() {
        return (int) endpoint.sessions().stream().filter(ClientSession::isOpen).count();
    }

    /** The sessions this client holds open now, in no particular order. */
    public List<KwikSession> sessions() {
        return endpoint.sessions().stream().filter(ClientSession::isOpen).map(s -> (KwikSession) s).toList();
    }

    /**
     * For monitoring only: every path of one of this client's sessions since it began (the primary's and each
     * secondary's), oldest first. Paths stay invisible to {@link KwikSession} itself; the servers manage them.
     *
     * @throws IllegalArgumentException if {@code session} was not dialled by this client
     */
    public List<PathInfo> paths(KwikSession session) {
        if (!(session instanceof ClientSession cs) || !endpoint.sessions().contains(cs)) {
            throw new IllegalArgumentException("session " + (session == null ? null : session.id())
                    + " does not belong to this client (or has ended)");
        }
        return cs.pathInfos();
    }

    /** Closes every session (each lingers for its data) and stops the event loops. */
    @Override
    public void close() {
        endpoint.close();
    }

    static InetSocketAddress parse(String hostPort) {
        Objects.requireNonNull(hostPort, "hostPort");
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + hostPort + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range in '" + hostPort + "'");
        }
        return new InetSocketAddress(host, port);
    }

    static KwikException rethrow(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof KwikException k) {
            // Re-create so the stack shows the caller's thread, keeping the original as cause.
            return k instanceof KwikTimeoutException ? new KwikTimeoutException(k.code(), k.getMessage())
                    : new KwikException(k.code(), k.getMessage(), k);
        }
        return new KwikException(ErrorCode.INTERNAL_ERROR, String.valueOf(t), t);
    }

    /** Configures a {@link KwikClient}. Defaults are documented on each setter. */
    public static final class Builder extends KwikTransportBuilder<Builder> {
        private final List<X509Certificate> trusted = new ArrayList<>();
        private final List<String> trustedFrom = new ArrayList<>();
        private TrustManagerFactory trustManagerFactory;
        private boolean trustAll;
        private byte[] credentials = new byte[0];
        private final List<ClientInterface> interfaces = new ArrayList<>();
        private boolean allInterfaces;

        private Builder() {
        }

        /**
         * The local interfaces paths may leave from (Wi-Fi, cellular, a second link; see {@link ClientInterface}),
         * in order of preference: a session's first path leaves from the first one that is up and not a backup.
         * The client announces them (ids and backup flags) to each session's primary, which opens paths from them
         * ({@link KwikServerSession#addPath(InetSocketAddress, String)}, or its {@link PathPolicy}); when one goes
         * down (its address gone, its link down: checked every 250 ms, or {@link KwikClient#interfaceDown}) its
         * paths end at once and the primary hears of it. At most {@value ClientInterface#MAX_INTERFACES}, ids
         * unique. Without interfaces, every path leaves from any address, as the OS routes it.
         */
        public Builder interfaces(ClientInterface... interfaces) {
            for (ClientInterface i : interfaces) {
                Objects.requireNonNull(i, "interface");
                if (this.interfaces.stream().anyMatch(x -> x.id().equals(i.id()))) {
                    throw new IllegalArgumentException("client interface id '" + i.id() + "' given twice");
                }
                if (this.interfaces.size() >= ClientInterface.MAX_INTERFACES) {
                    throw new IllegalArgumentException("at most " + ClientInterface.MAX_INTERFACES + " client interfaces");
                }
                this.interfaces.add(i);
            }
            return this;
        }

        /**
         * Trusts the certificates in this PEM file, one or a bundle of several (instead of the JDK's default trust
         * store). Call it once per file: a session's primary and secondary servers may each present their own
         * certificate, and every one trusted here is accepted. Read now.
         *
         * @throws IllegalArgumentException if the file is missing or holds no certificate
         */
        public Builder trustCertificate(File pem) {
            Objects.requireNonNull(pem, "pem");
            if (!pem.isFile()) {
                throw new IllegalArgumentException("trust certificate file not found: " + pem);
            }
            this.trusted.addAll(Tls.readCertificates(pem));
            this.trustedFrom.add(pem.toString());
            return this;
        }

        /** Trusts these certificates (added to those of {@link #trustCertificate(File)}). */
        public Builder trustCertificates(X509Certificate... certificates) {
            for (X509Certificate c : certificates) {
                this.trusted.add(Objects.requireNonNull(c, "certificate"));
            }
            this.trustedFrom.add(certificates.length + " certificate(s)");
            return this;
        }

        /** Verifies server certificates with this trust manager factory. */
        public Builder trustManager(TrustManagerFactory tmf) {
            this.trustManagerFactory = Objects.requireNonNull(tmf, "tmf");
            return this;
        }

        /** Accepts any certificate and host name. Development only: logs a warning at build. */
        public Builder trustAll() {
            this.trustAll = true;
            return this;
        }

        /**
         * Uses every interface the OS reports up, not loopback and with an address (besides those given to
         * {@link #interfaces}), each named by its OS name (e.g. {@code wlan0}, its id with characters outside
         * {@code [A-Za-z0-9._-]} replaced by '_'), and any that appears later, found by the 250 ms poll; at most
         * {@value ClientInterface#MAX_INTERFACES} in all. The OS must still route by source address for paths to
         * leave by their interface.
         */
        public Builder allInterfaces() {
            this.allInterfaces = true;
            return this;
        }

        /** Opaque credentials presented in HELLO to the server's {@link KwikAuthenticator}. At most 4 KiB. */
        public Builder credentials(byte[] credentials) {
            Objects.requireNonNull(credentials, "credentials");
            checkRange("credentials length", credentials.length, 0, FrameDecoder.MAX_BLOB);
            this.credentials = credentials.clone();
            return this;
        }

        /** Every setting but the credentials, for logs and diagnostics. */
        @Override
        public String toString() {
            return "KwikClient.Builder[trust=" + (trustAll ? "all" : !trusted.isEmpty() ? String.join(" + ", trustedFrom)
                    : trustManagerFactory != null ? "trust-manager" : "jdk-default") + ", credentials="
                    + credentials.length + "B, interfaces=" + interfaces + (allInterfaces ? " + all" : "") + ", " + transportSettings() + "]";
        }

        public KwikClient build() {
            return new KwikClient(this);
        }
    }
}

package dev.kwik;

import dev.kwik.internal.EventLoops;
import dev.kwik.internal.quic.ServerCredentials;
import dev.kwik.internal.quic.ServerEndpoint;
import dev.kwik.internal.session.ServerContext;
import dev.kwik.internal.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Accepts KWIK sessions on one UDP address.
 *
 * <pre>{@code
 * KwikServer server = KwikServer.builder()
 *         .bind(new InetSocketAddress("0.0.0.0", 4433))
 *         .certificate(new File("chain.pem"), new File("key.pem"))
 *         .build().start();
 * KwikServerSession session = server.accept();
 * KwikStream stream = session.acceptStream();
 * }</pre>
 */
public final class KwikServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KwikServer.class);

    private final Builder builder;
    private final ServerEndpoint endpoint;
    private final ServerCredentials credentials;
    private volatile boolean started;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KwikServer(Builder b) {
        this.builder = b;
        if (b.selfSigned) {
            log.warn("event=self-signed KWIK server uses a self-signed certificate; development only");
            credentials = ServerCredentials.selfSigned();
        } else {
            credentials = b.key != null ? ServerCredentials.of(b.key, b.chain) : ServerCredentials.of(b.chainPem, b.keyPem);
        }
        this.endpoint = new ServerEndpoint(b.config(), ServerContext.of(b.serverId,
                b.clusterSecret, b.ticketLifetime.toMillis(), b.maxPathsPerSession, b.maxRawMessageBytes, b.pathPolicy),
                credentials, b.authenticator, b.maxSessions, b.eventLoopThreads);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts accepting sessions. */
    public synchronized KwikServer start() {
        if (started) {
            throw new IllegalStateException("server already started");
        }
        List<InetSocketAddress> all = new ArrayList<>();
        all.add(builder.bind);
        all.addAll(builder.alsoBind);
        endpoint.start(all);
        started = true;
        return this;
    }

    /**
     * Replaces the server's certificate (a renewed one, a rotated key): new connections, sessions as well as
     * joining paths, present it from now on; established connections keep the one they were opened with. The
     * Spring starter calls this when an SSL bundle with {@code reload-on-update} changes.
     *
     * @throws IllegalArgumentException if the key does not match the chain or cannot be used
     */
    public void updateCertificate(PrivateKey key, X509Certificate... chain) {
        Objects.requireNonNull(key, "key");
        if (chain == null || chain.length == 0) {
            throw new IllegalArgumentException("a certificate chain is required");
        }
        ServerCredentials next;
        try {
            next = ServerCredentials.of(key, chain.clone());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot use this key and certificate chain: " + e.getMessage(), e);
        }
        endpoint.credentials(next);
        log.info("event=certificate-updated subject={} not-after={}", chain[0].getSubjectX500Principal().getName(),
                chain[0].getNotAfter().toInstant());
    }

    /** The bound address (with the real port when bound to port 0), or null before {@link #start()}. */
    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /** Every bound address: the {@code bind} one first, then each {@code alsoBind} one. */
    public List<InetSocketAddress> localAddresses() {
        return endpoint.localAddresses();
    }

    /** Whether the server is bound and accepting. */
    public boolean isListening() {
        return endpoint.isListening();
    }

    /** The self-signed certificate in use (PEM file), for clients in development; null otherwise. */
    public File selfSignedCertificate() {
        return credentials.selfSignedCertificate();
    }

    /** Waits for the next session. Throws {@link ErrorCode#SESSION_CLOSED} once the server is closed. */
    public KwikServerSession accept() {
        return await(endpoint.accept(), -1);
    }

    /** Waits at most {@code timeout} for the next session ({@link ErrorCode#TIMEOUT}). */
    public KwikServerSession accept(Duration timeout) {
        return await(endpoint.accept(), timeout.toNanos());
    }

    /**
     * The next session, without blocking. Cancelling the returned future gives up this accept: a session that
     * arrives afterwards goes to the next one, never to nobody.
     */
    public CompletableFuture<KwikServerSession> acceptAsync() {
        CompletableFuture<ServerSession> taken = endpoint.accept();
        CompletableFuture<KwikServerSession> out = new CompletableFuture<>();
        taken.whenComplete((s, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
            } else if (!out.complete(s)) {
                endpoint.publish(s);
            }
        });
        out.whenComplete((s, e) -> {
            if (out.isCancelled()) {
                taken.cancel(false);
            }
        });
        return out;
    }

    /** Sessions open now. */
    public List<KwikServerSession> sessions() {
        return endpoint.sessions().stream().map(s -> (KwikServerSession) s).toList();
    }

    /** Graceful: refuses new sessions, lets each open session linger for its data, then unbinds. Idempotent. */
    @Override
    public void close() {
        endpoint.close();
        // Once: a second delete of the temporary certificate files made Netty warn that it could not delete them.
        if (credentials.selfSignedCertificate() != null && closed.compareAndSet(false, true)) {
            credentials.deleteSelfSigned();
        }
    }

    /**
     * Waits for the accept queue's own future, so that giving up cancels it there (the queue then skips it);
     * a session that completed it just as the wait gave up is returned, not dropped.
     */
    private static KwikServerSession await(CompletableFuture<ServerSession> f, long nanos) {
        EventLoops.checkMayBlock("accept", "acceptAsync()");
        try {
            return nanos < 0 ? f.get() : f.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (f.cancel(false) || f.isCompletedExceptionally()) {
                throw new KwikTimeoutException(ErrorCode.TIMEOUT, "no session within " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
            }
            return f.join();
        } catch (ExecutionException e) {
            throw KwikClient.rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (f.cancel(false) || f.isCompletedExceptionally()) {
                throw new KwikException(ErrorCode.INTERRUPTED, "interrupted while accepting");
            }
            return f.join();
        }
    }

    /** Configures a {@link KwikServer}. A certificate (or {@link #selfSigned()}) is required. */
    public static final class Builder extends KwikTransportBuilder<Builder> {
        private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 4433);
        private final List<InetSocketAddress> alsoBind = new ArrayList<>();
        private File chainPem;
        private File keyPem;
        private PrivateKey key;
        private X509Certificate[] chain;
        private boolean selfSigned;
        private KwikAuthenticator authenticator = KwikAuthenticator.ACCEPT_ALL;
        private int maxSessions = 10_000;
        private String serverId = "kwik-" + Long.toHexString(new SecureRandom().nextLong());
        private byte[] clusterSecret = randomSecret();
        private int maxPathsPerSession = 8;
        private PathPolicy pathPolicy = PathPolicies.none();
        private Duration ticketLifetime = Duration.ofSeconds(10);
        private int maxRawMessageBytes = 64 * 1024;

        private Builder() {
        }

        private static byte[] randomSecret() {
            byte[] s = new byte[32];
            new SecureRandom().nextBytes(s);
            return s;
        }

        /**
         * This server's id in its cluster, written into the join tickets it mints so that the server a path
         * lands on knows whether the path extends its own session or makes it a secondary. Default: random.
         */
        public Builder serverId(String serverId) {
            Objects.requireNonNull(serverId, "serverId");
            if (serverId.isEmpty() || serverId.length() > 255) {
                throw new IllegalArgumentException("serverId must have 1 to 255 characters");
            }
            this.serverId = serverId;
            return this;
        }

        /**
         * The HMAC-SHA256 key every server of a cluster shares (at least 16 bytes): tickets minted by one verify
         * on the others. Default: a random secret, so paths can join this server only.
         */
        public Builder clusterSecret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length < 16) {
                throw new IllegalArgumentException("clusterSecret must have at least 16 bytes, got " + secret.length);
            }
            this.clusterSecret = secret.clone();
            return this;
        }

        /**
         * Most live paths per session (joins past it are refused with PATH_JOIN_REFUSED). Default 8. KWIK clients
         * keep at most 16 paths open or joining per session whatever the server allows (see docs/SECURITY.md).
         */
        public Builder maxPathsPerSession(int max) {
            this.maxPathsPerSession = (int) checkRange("maxPathsPerSession", max, 1, 64);
            return this;
        }

        /**
         * What this server does, as a session's primary, when the client announces its interfaces (see
         * {@link ClientInterface}): {@link PathPolicies#none()} (the default) or {@link PathPolicies#fullmesh()},
         * or your own.
         */
        public Builder pathPolicy(PathPolicy policy) {
            this.pathPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** A built-in path policy by name: {@code none} or {@code fullmesh}. */
        public Builder pathPolicy(String name) {
            return pathPolicy(PathPolicies.named(name));
        }

        /** How long a join ticket stays valid after {@code addPath} mints it. Default 10 s. */
        public Builder ticketLifetime(Duration lifetime) {
            this.ticketLifetime = checkDuration("ticketLifetime", lifetime);
            return this;
        }

        /** Largest {@code sendRaw} message in bytes. Default and maximum 64 KiB. */
        public Builder maxRawMessageBytes(int bytes) {
            this.maxRawMessageBytes = (int) checkRange("maxRawMessageBytes", bytes, 1, 64 * 1024);
            return this;
        }

        /** Address to listen on. Default 127.0.0.1:4433; port 0 picks a free port. */
        public Builder bind(InetSocketAddress address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * A further address to listen on (another interface or port of this server). Paths the primary adds
         * to it join the same session and add capacity to it.
         */
        public Builder alsoBind(InetSocketAddress address) {
            this.alsoBind.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        /** Certificate chain and PKCS#8 private key, both PEM files. */
        public Builder certificate(File chainPem, File keyPem) {
            Objects.requireNonNull(chainPem, "chainPem");
            Objects.requireNonNull(keyPem, "keyPem");
            if (!chainPem.isFile()) {
                throw new IllegalArgumentException("certificate chain file not found: " + chainPem);
            }
            if (!keyPem.isFile()) {
                throw new IllegalArgumentException("private key file not found: " + keyPem);
            }
            this.chainPem = chainPem;
            this.keyPem = keyPem;
            this.key = null;
            this.chain = null;
            this.selfSigned = false;
            return this;
        }

        /**
         * A private key and its certificate chain, leaf first, as loaded from a key store or an SSL bundle.
         */
        public Builder certificate(PrivateKey key, X509Certificate... chain) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(chain, "chain");
            if (chain.length == 0) {
                throw new IllegalArgumentException("certificate chain is empty");
            }
            for (X509Certificate c : chain) {
                Objects.requireNonNull(c, "certificate in chain");
            }
            this.key = key;
            this.chain = chain.clone();
            this.chainPem = null;
            this.keyPem = null;
            this.selfSigned = false;
            return this;
        }

        /** Generates a self-signed certificate for {@code localhost}. Development only: logs a warning. */
        public Builder selfSigned() {
            this.selfSigned = true;
            return this;
        }

        /** Decides which clients may open sessions. Default: everyone. */
        public Builder authenticator(KwikAuthenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /** Most sessions held at once; more are refused with {@link ErrorCode#SERVER_BUSY}. Default 10,000. */
        public Builder maxSessions(int maxSessions) {
            this.maxSessions = (int) checkRange("maxSessions", maxSessions, 1, Integer.MAX_VALUE);
            return this;
        }

        /** Every setting but the key material and the cluster secret, for logs and diagnostics. */
        @Override
        public String toString() {
            return "KwikServer.Builder[bind=" + bind + ", alsoBind=" + alsoBind + ", certificate="
                    + (selfSigned ? "self-signed" : key != null ? "key+chain" : chainPem != null ? chainPem : "none")
                    + ", serverId=" + serverId + ", maxSessions=" + maxSessions + ", maxPathsPerSession="
                    + maxPathsPerSession + ", ticketLifetime=" + ticketLifetime.toMillis() + "ms, maxRawMessageBytes="
                    + maxRawMessageBytes + ", authenticator=" + authenticator.getClass().getSimpleName() + ", "
                    + transportSettings() + "]";
        }

        public KwikServer build() {
            if (!selfSigned && chainPem == null && key == null) {
                throw new IllegalStateException("a KwikServer needs certificate(...) or selfSigned()");
            }
            return new KwikServer(this);
        }
    }
}

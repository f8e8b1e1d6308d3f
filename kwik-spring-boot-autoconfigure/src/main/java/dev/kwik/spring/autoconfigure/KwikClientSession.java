package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikClient;
import dev.kwik.KwikException;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

import java.time.Duration;

/**
 * The injectable {@link KwikSession} to {@code kwik.client.address}. It dials on first use, or during startup
 * with {@code kwik.client.eager=true} (then an unreachable server fails startup). If the session it holds has
 * ended (closed by either side, server gone), the next call dials a new one, so a long-lived bean survives
 * server restarts; streams of the old session fail with their own errors.
 * <p>Thread-safe. Calls block as {@link KwikSession}'s do, plus the dial when one is needed.
 */
public class KwikClientSession implements KwikSession, SmartLifecycle {
    /** Started after the auto-configured server (same application) and before web servers; stopped first. */
    public static final int PHASE = KwikServerLifecycle.PHASE + 1024;

    private final KwikClient client;
    private final String address;
    private final boolean eager;
    private volatile KwikSession current;
    private volatile boolean running;

    private final Environment environment;
    private final KwikObserver observer;

    public KwikClientSession(KwikClient client, String address, boolean eager) {
        this(client, address, eager, null);
    }

    /**
     * With {@code environment}, placeholders in {@code address} resolve when dialling, not at startup: a client
     * can dial its own application's server with {@code localhost:${local.kwik.server.port}}, known once it bound.
     */
    public KwikClientSession(KwikClient client, String address, boolean eager, Environment environment) {
        this(client, address, eager, environment, KwikObserver.NONE);
    }

    /** With {@code observer}: each dial is reported (see {@link KwikObserver#dial}). */
    public KwikClientSession(KwikClient client, String address, boolean eager, Environment environment,
                             KwikObserver observer) {
        this.client = client;
        this.address = address;
        this.eager = eager;
        this.environment = environment;
        this.observer = observer;
    }

    /** The session in use, dialling {@link #address()} if there is none or it has ended. */
    public synchronized KwikSession session() {
        KwikSession s = current;
        if (s == null || !s.isOpen()) {
            String target = environment == null ? address : environment.resolveRequiredPlaceholders(address);
            KwikObserver.Scope dial = observer.dial(target);
            try {
                s = client.dial(target);
            } catch (KwikException e) {
                dial.stop(e.code().name(), e);
                throw e;
            } catch (RuntimeException e) {
                dial.stop("failed", e);
                throw e;
            }
            dial.stop("ok", null);
            current = s;
        }
        return s;
    }

    /** The session held now without dialling, or null. */
    public KwikSession current() {
        return current;
    }

    /** The client that dials this session. */
    public KwikClient client() {
        return client;
    }

    /** The primary server this bean dials ({@code kwik.client.address}). */
    public String address() {
        return address;
    }

    @Override
    public String id() {
        return session().id();
    }

    @Override
    public KwikStream openStream() {
        return session().openStream();
    }

    @Override
    public KwikStream openStreamSync() {
        return session().openStreamSync();
    }

    @Override
    public KwikStream openStreamSync(Duration timeout) {
        return session().openStreamSync(timeout);
    }

    @Override
    public KwikStream openUniStream() {
        return session().openUniStream();
    }

    @Override
    public KwikStream acceptStream() {
        return session().acceptStream();
    }

    @Override
    public KwikStream acceptStream(Duration timeout) {
        return session().acceptStream(timeout);
    }

    /** Closes the current session (if any); the next call dials a new one. */
    @Override
    public void close() {
        KwikSession s = current;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close(long code, String reason) {
        KwikSession s = current;
        if (s != null) {
            s.close(code, reason);
        }
    }

    /** Whether a session is held and open (does not dial). */
    @Override
    public boolean isOpen() {
        KwikSession s = current;
        return s != null && s.isOpen();
    }

    @Override
    public void start() {
        if (eager) {
            session();
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public String toString() {
        KwikSession s = current;
        return "KwikClientSession[" + address + (s != null ? ", session=" + s.id() + ", open=" + s.isOpen() : "") + "]";
    }
}

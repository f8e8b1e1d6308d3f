package dev.kwik.spring.autoconfigure;

import dev.kwik.ErrorCode;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSessionClosedException;
import dev.kwik.PathInfo;
import dev.kwik.PathListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.task.VirtualThreadTaskExecutor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the {@link KwikServer} with the application context and stops it gracefully with it. While running,
 * when {@link KwikSessionHandler} beans exist, it accepts sessions and runs the handlers for each on a bounded
 * pool; a full pool closes the new session with application code 503 instead of queueing it without bound.
 * <p>Stopping closes the server (each session lingers for its data, see {@code KwikServer#close()}) off the
 * caller's thread and reports completion to Spring, so {@code spring.lifecycle.timeout-per-shutdown-phase}
 * bounds the wait. A {@code KwikServer} cannot be restarted: once stopped, this lifecycle stays stopped.
 */
public class KwikServerLifecycle implements SmartLifecycle {
    /** Starts before and stops after web servers and the auto-configured client session. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(KwikServerLifecycle.class);
    static final long HANDLER_FAILED = 500;
    static final long BUSY = 503;

    private final KwikServer server;
    private final List<KwikSessionHandler> handlers;
    private final Map<String, Integer> weights;
    private final ThreadPoolExecutor pool;
    private volatile boolean running;
    private volatile boolean stopped;

    /** Where the bound port is published: {@code local.kwik.server.port}. */
    public static final String LOCAL_PORT_PROPERTY = "local.kwik.server.port";

    private final ConfigurableEnvironment environment;
    private final KwikObserver observer;

    public KwikServerLifecycle(KwikServer server, List<KwikSessionHandler> handlers, Map<String, Integer> weights,
                               int threads, int queueCapacity) {
        this(server, handlers, weights, threads, queueCapacity, null);
    }

    /**
     * With {@code environment}: once bound, the server's port is published there as
     * {@value #LOCAL_PORT_PROPERTY} (as {@code local.server.port} is for a web server), for tests and for a
     * client of the same application ({@code kwik.client.address=localhost:${local.kwik.server.port}}).
     */
    public KwikServerLifecycle(KwikServer server, List<KwikSessionHandler> handlers, Map<String, Integer> weights,
                               int threads, int queueCapacity, ConfigurableEnvironment environment) {
        this(server, handlers, weights, threads, queueCapacity, environment, false, KwikObserver.NONE);
    }

    /**
     * With {@code virtualThreads} (Spring Boot's {@code spring.threads.virtual.enabled} on Java 21+), handlers
     * run on virtual threads named {@code kwik-handler-N}, still at most {@code threads} at a time with
     * {@code queueCapacity} waiting; {@code observer} reports sessions and handler runs (see {@link KwikObserver}).
     */
    public KwikServerLifecycle(KwikServer server, List<KwikSessionHandler> handlers, Map<String, Integer> weights,
                               int threads, int queueCapacity, ConfigurableEnvironment environment,
                               boolean virtualThreads, KwikObserver observer) {
        this.environment = environment;
        this.observer = observer;
        this.server = server;
        this.handlers = List.copyOf(handlers);
        this.weights = Map.copyOf(weights);
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), threadFactory(virtualThreads), new ThreadPoolExecutor.AbortPolicy());
        this.pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        if (stopped) {
            throw new IllegalStateException("a KwikServer cannot be restarted once stopped");
        }
        if (!server.isListening()) {
            server.start();
        }
        publishPort();
        running = true;
        log.info("event=kwik-server-started address={} handlers={}", server.localAddresses(), handlers.size());
        if (!handlers.isEmpty()) {
            acceptNext();
        }
    }

    private static ThreadFactory threadFactory(boolean virtualThreads) {
        if (virtualThreads) {
            // Spring's factory, so that this compiles and runs on Java 17 (where the property cannot be on).
            return new VirtualThreadTaskExecutor("kwik-handler-").getVirtualThreadFactory();
        }
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "kwik-handler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @SuppressWarnings("unchecked")
    private void publishPort() {
        if (environment == null) {
            return;
        }
        MutablePropertySources sources = environment.getPropertySources();
        PropertySource<?> source = sources.get("kwik.server.ports");
        if (source == null) {
            source = new MapPropertySource("kwik.server.ports", new HashMap<>());
            sources.addFirst(source);
        }
        ((Map<String, Object>) source.getSource()).put(LOCAL_PORT_PROPERTY, server.localAddress().getPort());
    }

    private void acceptNext() {
        server.acceptAsync().whenComplete((session, failure) -> {
            if (failure != null) {
                if (running) {
                    log.debug("event=accept-stopped reason={}", failure.toString());
                }
                return;
            }
            dispatch(session);
            if (running) {
                acceptNext();
            }
        });
    }

    private void dispatch(KwikServerSession session) {
        try {
            pool.execute(() -> handle(session));
        } catch (RejectedExecutionException e) {
            log.warn("event=session-refused session={} reason=handler-pool-full threads={} queue={}", session.id(),
                    pool.getMaximumPoolSize(), pool.getQueue().size());
            session.close(BUSY, "server busy: no KwikSessionHandler thread free");
        }
    }

    private void handle(KwikServerSession session) {
        KwikObserver.Scope accepted = observer.accepted(session);
        String outcome = runHandlers(session, accepted);
        accepted.stop(outcome, null);
    }

    /** Runs every handler in order; returns how it went (ok, session-ended, failed). */
    private String runHandlers(KwikServerSession session, KwikObserver.Scope accepted) {
        if (!weights.isEmpty()) {
            applyWeights(session);
        }
        for (KwikSessionHandler h : handlers) {
            KwikObserver.Scope run = observer.handler(accepted, h);
            try {
                h.handle(session);
                run.stop("ok", null);
            } catch (KwikSessionClosedException e) {
                run.stop("session-ended", null);
                // The session ended under the handler (the client closed it, or lost its paths): not the handler's fault.
                if (e.code() == ErrorCode.SESSION_CLOSED) {
                    log.debug("event=session-ended-in-handler session={} handler={} by-peer={} reason={}", session.id(),
                            h.getClass().getName(), e.closedByPeer(), e.getMessage());
                } else {
                    log.info("event=session-ended-in-handler session={} handler={} code={} reason={}", session.id(),
                            h.getClass().getName(), e.code(), e.getMessage());
                }
                return "session-ended";
            } catch (Exception | Error e) {
                run.stop("failed", e);
                log.warn("event=handler-failed session={} handler={} error={}", session.id(), h.getClass().getName(),
                        e.toString(), e);
                session.close(HANDLER_FAILED, "session handler failed: " + e.getClass().getSimpleName());
                return "failed";
            }
        }
        return "ok";
    }

    /** kwik.scheduler.weights: weight of each of this server's paths whose remote host or host:port is listed. */
    private void applyWeights(KwikServerSession session) {
        session.addPathListener(new PathListener() {
            @Override
            public void pathAdded(KwikServerSession s, PathInfo path) {
                weigh(s, path);
            }
        });
        for (PathInfo p : session.activePaths()) {
            weigh(session, p);
        }
    }

    private void weigh(KwikServerSession session, PathInfo path) {
        if (path.role() != session.role()) {
            return; // a path to another server: that server schedules it
        }
        String host = path.remoteAddress().getHostString();
        Integer w = weights.get(host + ":" + path.remoteAddress().getPort());
        if (w == null) {
            w = weights.get(host);
        }
        if (w != null) {
            try {
                session.pathPreferences(path.pathId(), w, path.isBackup());
            } catch (RuntimeException e) {
                log.debug("event=weight-not-applied path={} reason={}", path.pathId(), e.getMessage());
            }
        }
    }

    @Override
    public void stop(Runnable callback) {
        markStopped();
        Thread t = new Thread(() -> {
            try {
                shutDown();
            } finally {
                callback.run();
            }
        }, "kwik-server-shutdown");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void stop() {
        markStopped();
        shutDown();
    }

    private synchronized void markStopped() {
        running = false;
        stopped = true;
    }

    private void shutDown() {
        server.close();
        pool.shutdown();
        log.info("event=kwik-server-stopped");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The server this lifecycle runs. */
    public KwikServer server() {
        return server;
    }
}

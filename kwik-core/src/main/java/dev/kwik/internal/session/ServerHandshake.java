package dev.kwik.internal.session;

import dev.kwik.ErrorCode;
import dev.kwik.KwikAuthenticator;
import dev.kwik.PathState;
import dev.kwik.Role;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.path.PathOwner;
import dev.kwik.internal.wire.FrameType;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The server's side of HELLO: the first frame on a new path must be HELLO. Credentials go to the
 * authenticator on a worker thread; the answer is HELLO_OK with a fresh random session id, or CLOSE with
 * the refusal. A path that sends nothing within the connect timeout is closed.
 */
public final class ServerHandshake extends PathOwner {
    private static final Logger log = LoggerFactory.getLogger(ServerHandshake.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TransportConfig config;
    private final KwikAuthenticator authenticator;
    private final Executor workers;
    private final SessionRegistry registry;
    private Future<?> helloTimeout;
    private Path path;
    private boolean helloSeen;

    public ServerHandshake(TransportConfig config, KwikAuthenticator authenticator, Executor workers, SessionRegistry registry) {
        this.config = config;
        this.authenticator = authenticator;
        this.workers = workers;
        this.registry = registry;
    }

    /**
     * Arms the HELLO timeout, cancelled when HELLO arrives: a pending task would keep the path, and then its
     * session, reachable for the whole connect timeout after the session ended. Event loop.
     */
    public void start(Path path) {
        this.path = path;
        helloTimeout = path.connection().eventLoop().schedule(() -> {
            if (!helloSeen) {
                path.sendCloseAndClose(ErrorCode.PROTOCOL_VIOLATION, 0, "no HELLO within " + config.connectTimeout().toMillis() + " ms", false);
            }
        }, config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onHello(Path from, Hello hello) throws WireException {
        if (helloSeen) {
            throw unexpected(FrameType.HELLO);
        }
        helloSeen = true;
        helloTimeout.cancel(false);
        if (hello.version() != TransportConfig.VERSION) {
            throw new WireException(ErrorCode.VERSION_MISMATCH,
                    "client speaks KWIK version " + hello.version() + ", this server speaks " + TransportConfig.VERSION);
        }
        if (hello.ticket().length > 0) {
            join(hello);
            return;
        }
        byte[] credentials = hello.credentials();
        try {
            workers.execute(() -> {
                String refusal;
                try {
                    refusal = authenticator.authenticate(path.remoteAddress(), credentials);
                } catch (RuntimeException e) {
                    log.warn("path={} event=authenticator-failed", path.id(), e);
                    refusal = "authenticator failed: " + e;
                }
                String r = refusal;
                path.connection().eventLoop().execute(() -> decided(hello, r));
            });
        } catch (RejectedExecutionException e) {
            path.sendCloseAndClose(ErrorCode.SERVER_BUSY, 0, "server is shutting down", false);
        }
    }

    /**
     * A path joining an existing session: the ticket decides (no authenticator: the primary already
     * authenticated the client, and the ticket carries that decision). Refusals carry distinct codes.
     */
    private void join(Hello hello) throws WireException {
        ServerContext ctx = registry.context();
        long now = System.currentTimeMillis();
        JoinTicket t = JoinTicket.verify(ctx.clusterSecret(), hello.ticket(), now);
        if (!Arrays.equals(t.sessionId(), hello.sessionId())) {
            throw new WireException(ErrorCode.TICKET_FOREIGN, "the ticket was issued for another session");
        }
        int fresh = registry.useTicket(t);
        if (fresh == 0) {
            throw new WireException(ErrorCode.TICKET_REPLAYED, "this ticket was already used");
        }
        if (fresh < 0) {
            throw new WireException(ErrorCode.SERVER_BUSY, "too many joins in flight; retry later");
        }
        ServerSession existing = registry.find(t.sessionId());
        WireException refusal;
        Role role;
        if (t.issuer().equals(ctx.serverId())) {
            if (existing == null) {
                throw new WireException(ErrorCode.TICKET_FOREIGN, "this server holds no session " + ByteBufUtil.hexDump(t.sessionId()));
            }
            role = existing.role();
            refusal = existing.joinLocal(path, t.pathId());
        } else if (existing != null) {
            role = existing.role();
            refusal = existing.joinSecondary(path, t.pathId());
        } else {
            role = Role.SECONDARY;
            path.assignId(t.pathId());
            path.serverRole(Role.SECONDARY);
            ServerSession secondary = new ServerSession(t.sessionId(), Role.SECONDARY, config, ctx, hello.params(), path);
            String busy = registry.admitSecondary(secondary);
            refusal = busy == null ? null : new WireException(ErrorCode.SERVER_BUSY, busy);
            if (refusal == null) {
                sendHelloOk(t.sessionId(), t.pathId(), role);
                path.activate(config.heartbeatInterval().toMillis(), config.deadAfter().toMillis());
                registry.publish(secondary);
                return;
            }
        }
        if (refusal != null) {
            throw refusal;
        }
        sendHelloOk(t.sessionId(), t.pathId(), role);
        path.activate(config.heartbeatInterval().toMillis(), config.deadAfter().toMillis());
    }

    private void sendHelloOk(byte[] sid, long pathId, Role role) {
        ByteBuf p = Frames.newPacket(64);
        Frames.helloOk(p, new HelloOk(TransportConfig.VERSION, sid, pathId, role == Role.SECONDARY ? 1 : 0,
                SessionCore.localParams(config), registry.context().serverKey()));
        path.send(Path.CONTROL, p, false);
    }

    private void decided(Hello hello, String refusal) {
        if (path.state() == PathState.CLOSED) {
            return;
        }
        if (refusal != null) {
            log.debug("path={} event=auth-refused reason={}", path.id(), refusal);
            path.sendCloseAndClose(ErrorCode.AUTH_REFUSED, 0, refusal, false);
            return;
        }
        byte[] sid = new byte[HelloOk.SESSION_ID_LENGTH];
        RANDOM.nextBytes(sid);
        ServerSession session = new ServerSession(sid, Role.PRIMARY, config, registry.context(), hello.params(), path);
        String busy = registry.admit(session);
        if (busy != null) {
            path.sendCloseAndClose(ErrorCode.SERVER_BUSY, 0, busy, false);
            return;
        }
        sendHelloOk(sid, path.id(), Role.PRIMARY);
        path.activate(config.heartbeatInterval().toMillis(), config.deadAfter().toMillis());
        registry.publish(session);
    }

    @Override
    public void onClose(Path from, long code, long applicationCode, String reason) {
        path.close(ErrorCode.fromWire(code), reason, true);
    }

    @Override
    public void onPathClosed(Path p, ErrorCode code, String reason, boolean byPeer) {
        log.debug("path={} event=closed-before-session code={} reason={}", p.id(), code, reason);
    }
}

package dev.kwik.spring.autoconfigure.actuate;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kwik.ErrorCode;
import dev.kwik.KwikClient;
import dev.kwik.KwikException;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.PathInfo;
import dev.kwik.PathState;
import dev.kwik.spring.autoconfigure.HostPort;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * {@code /actuator/kwikpaths}: the sessions of the application's KWIK servers and clients with their paths.
 * <ul>
 *   <li>{@code GET /actuator/kwikpaths}: every session with its paths;</li>
 *   <li>{@code GET /actuator/kwikpaths/{sessionId}}: one session's active, dead and all paths;</li>
 *   <li>{@code POST /actuator/kwikpaths/{sessionId}} with {@code {"address":"host:port"}}: the primary server
 *   adds a path to that address (answers the new path, or 409 with the refusal's code and reason);</li>
 *   <li>{@code DELETE /actuator/kwikpaths/{sessionId}/{pathId}}: removes a path (200 once closed, 202 while it
 *   still drains).</li>
 * </ul>
 * Unknown sessions and paths answer 404 with a message. The write operations change live traffic: expose
 * them deliberately ({@code management.endpoints.web.exposure.include}) and secure them (Spring Security).
 */
@WebEndpoint(id = "kwikpaths")
public class KwikPathsEndpoint {
    private final List<KwikServer> servers;
    private final List<KwikClient> clients;
    private final Duration waitLimit;

    /**
     * @param waitLimit how long POST waits for the client to join the new path and DELETE for the path to
     *                  drain before answering
     */
    public KwikPathsEndpoint(List<KwikServer> servers, List<KwikClient> clients, Duration waitLimit) {
        this.servers = List.copyOf(servers);
        this.clients = List.copyOf(clients);
        this.waitLimit = waitLimit;
    }

    @ReadOperation
    public SessionsDescriptor sessions() {
        List<SessionDescriptor> server = new ArrayList<>();
        for (KwikServer s : servers) {
            for (KwikServerSession session : s.sessions()) {
                server.add(new SessionDescriptor(session.id(), "server", lower(session.role()), session.isOpen(),
                        paths(session.allPaths(), p -> true)));
            }
        }
        List<SessionDescriptor> client = new ArrayList<>();
        for (KwikClient c : clients) {
            for (KwikSession session : c.sessions()) {
                client.add(new SessionDescriptor(session.id(), "client", null, session.isOpen(),
                        paths(c.paths(session), p -> true)));
            }
        }
        return new SessionsDescriptor(server, client);
    }

    @ReadOperation
    public WebEndpointResponse<OperationResponseBody> session(@Selector String sessionId) {
        KwikServerSession s = serverSession(sessionId);
        if (s != null) {
            return ok(SessionDetail.of(s.id(), "server", lower(s.role()), s.isOpen(), s.allPaths()));
        }
        for (KwikClient c : clients) {
            for (KwikSession cs : c.sessions()) {
                if (cs.id().equals(sessionId)) {
                    return ok(SessionDetail.of(cs.id(), "client", null, cs.isOpen(), c.paths(cs)));
                }
            }
        }
        return error(404, "NOT_FOUND", "no KWIK session " + sessionId);
    }

    @WriteOperation
    public WebEndpointResponse<OperationResponseBody> addPath(@Selector String sessionId, @Nullable String address,
                                                             @Nullable String clientInterface) {
        KwikServerSession s = serverSession(sessionId);
        if (s == null) {
            return isClientSession(sessionId)
                    ? error(409, "CLIENT_SESSION", "session " + sessionId + " is a client session: its server manages its paths")
                    : error(404, "NOT_FOUND", "no KWIK server session " + sessionId);
        }
        if (address == null || address.isBlank()) {
            // Optional for Spring, so that a missing body gets KWIK's {code, message} like every other error.
            return error(400, "BAD_REQUEST", "the body must be {\"address\":\"host:port\"}");
        }
        InetSocketAddress target;
        try {
            target = HostPort.parse(address, 1).toAddress();
        } catch (IllegalArgumentException e) {
            return error(400, "BAD_ADDRESS", "address " + e.getMessage());
        }
        if (clientInterface != null) {
            return await(s.addPath(target, clientInterface), 201, "path to " + address + " from client interface " + clientInterface);
        }
        return await(s.addPath(target), 201, "path to " + address);
    }

    @DeleteOperation
    public WebEndpointResponse<OperationResponseBody> removePath(@Selector String sessionId, @Selector long pathId) {
        KwikServerSession s = serverSession(sessionId);
        if (s == null) {
            return isClientSession(sessionId)
                    ? error(409, "CLIENT_SESSION", "session " + sessionId + " is a client session: its server manages its paths")
                    : error(404, "NOT_FOUND", "no KWIK server session " + sessionId);
        }
        PathInfo path = s.allPaths().stream().filter(p -> p.pathId() == pathId).findFirst().orElse(null);
        if (path == null) {
            return error(404, "NOT_FOUND", "session " + sessionId + " has no path " + pathId);
        }
        if (path.state().isFinal()) {
            return error(409, "PATH_NOT_LIVE", "path " + pathId + " is already " + path.state());
        }
        return await(s.removePath(pathId), 200, "removal of path " + pathId);
    }

    private WebEndpointResponse<OperationResponseBody> await(CompletableFuture<PathInfo> f, int status, String what) {
        try {
            return new WebEndpointResponse<>(PathDescriptor.of(f.get(waitLimit.toMillis(), TimeUnit.MILLISECONDS)), status);
        } catch (TimeoutException e) {
            return error(202, "PENDING", what + " still in progress after " + waitLimit.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof KwikException k) {
                return error(k.code() == ErrorCode.PATH_NOT_FOUND ? 404 : 409, k.code().name(), k.getMessage());
            }
            return error(500, "INTERNAL_ERROR", String.valueOf(c));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "INTERRUPTED", what + " interrupted");
        }
    }

    private KwikServerSession serverSession(String id) {
        for (KwikServer s : servers) {
            for (KwikServerSession session : s.sessions()) {
                if (session.id().equals(id)) {
                    return session;
                }
            }
        }
        return null;
    }

    private boolean isClientSession(String id) {
        return clients.stream().flatMap(c -> c.sessions().stream()).anyMatch(s -> s.id().equals(id));
    }

    private static List<PathDescriptor> paths(List<PathInfo> paths, Predicate<PathInfo> filter) {
        return paths.stream().filter(filter).map(PathDescriptor::of).toList();
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }

    private static WebEndpointResponse<OperationResponseBody> ok(OperationResponseBody body) {
        return new WebEndpointResponse<>(body, 200);
    }

    private static WebEndpointResponse<OperationResponseBody> error(int status, String code, String message) {
        return new WebEndpointResponse<>(new ErrorDescriptor(code, message), status);
    }

    /** Every session of the application's servers and clients. */
    public record SessionsDescriptor(List<SessionDescriptor> server, List<SessionDescriptor> client)
            implements OperationResponseBody {
    }

    /** One session and all its paths (role: this server's role in it; null for client sessions). */
    public record SessionDescriptor(String id, String side, String role, boolean open, List<PathDescriptor> paths)
            implements OperationResponseBody {
    }

    /** One session with its paths split as {@code KwikServerSession} does. */
    public record SessionDetail(String id, String side, String role, boolean open, List<PathDescriptor> active,
                                List<PathDescriptor> dead, List<PathDescriptor> all) implements OperationResponseBody {
        static SessionDetail of(String id, String side, String role, boolean open, List<PathInfo> all) {
            return new SessionDetail(id, side, role, open, paths(all, p -> !p.state().isFinal()),
                    paths(all, p -> p.state() == PathState.DEAD), paths(all, p -> true));
        }
    }

    /**
     * One path. {@code role} is the role of the server at the path's end; {@code rttSeconds} the smoothed RTT
     * of KWIK's heartbeat; counters are KWIK packet bytes and packets, QUIC losses and retransmissions;
     * {@code clientInterface} the id of the client interface the path leaves from (null when the client declared
     * none). Every field is always present ({@code closedAt} and {@code closeReason} are null while the path lives),
     * as documented.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PathDescriptor(long id, String address, String role, boolean defaultPath, String state,
                                 double rttSeconds, long bytesSent, long bytesReceived, long packetsSent,
                                 long packetsReceived, long packetsLost, long packetsRetransmitted,
                                 long congestionWindow, int weight, boolean backup, String clientInterface, String createdAt,
                                 String lastActiveAt, String closedAt, String closeReason) implements OperationResponseBody {
        static PathDescriptor of(PathInfo p) {
            InetSocketAddress a = p.remoteAddress();
            return new PathDescriptor(p.pathId(), a.getHostString() + ":" + a.getPort(), lower(p.role()),
                    p.isDefault(), p.state().name(), p.smoothedRtt() == null ? 0 : p.smoothedRtt().toNanos() / 1e9,
                    p.bytesSent(), p.bytesReceived(), p.packetsSent(), p.packetsReceived(), p.packetsLost(),
                    p.packetsRetransmitted(), p.congestionWindow(), p.weight(), p.isBackup(), p.clientInterface(),
                    text(p.createdAt()), text(p.lastActiveAt()),
                    text(p.closedAt()), p.closeReason());
        }

        private static String text(Instant i) {
            return i == null ? null : i.toString();
        }
    }

    /** Why an operation was refused: a machine-readable code (KWIK's error code where there is one) and a sentence. */
    public record ErrorDescriptor(String code, String message) implements OperationResponseBody {
    }
}

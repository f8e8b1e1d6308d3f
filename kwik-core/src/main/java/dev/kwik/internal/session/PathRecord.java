package dev.kwik.internal.session;

import dev.kwik.PathInfo;
import dev.kwik.PathState;
import dev.kwik.Role;
import dev.kwik.internal.path.Path;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * A server's record of one path of its session: either its own (a live {@link Path}) or one that leads to
 * another server, known from the client's reports (PATH_ADDED, PATH_STATUS).
 */
final class PathRecord {
    final long id;
    final Path local;
    private final InetSocketAddress address;
    private final Role role;
    private final long createdAt = System.currentTimeMillis();
    private volatile PathState state = PathState.ACTIVE;
    private volatile long closedAt;
    private volatile String reason;
    volatile boolean removing;
    /** Paths to other servers: the client interface the path was asked from (null if none). */
    private volatile String askedFrom;

    PathRecord(Path local) {
        this.id = local.id();
        this.local = local;
        this.address = local.remoteAddress();
        this.role = local.serverRole();
    }

    PathRecord(long id, InetSocketAddress address, Role role) {
        this.id = id;
        this.local = null;
        this.address = address;
        this.role = role;
    }

    PathState state() {
        return local != null ? local.state() : state;
    }

    /** Remote paths only: the client reported a new state. */
    void report(PathState s, String why) {
        state = s;
        if (s == PathState.DEAD || s == PathState.CLOSED) {
            closedAt = System.currentTimeMillis();
            reason = why;
        }
    }

    boolean isAlive() {
        return !state().isFinal();
    }

    /** Paths to other servers: the client interface the primary asked the path from. */
    void askedFrom(String clientInterface) {
        this.askedFrom = clientInterface;
    }

    /** The client interface the path leaves from (null if none), as {@link PathInfo#clientInterface()}. */
    String clientInterface() {
        return local != null ? local.clientInterface() : askedFrom;
    }

    /** The server address the client dialed, as {@link PathInfo#serverAddress()}. */
    InetSocketAddress serverAddress() {
        return local != null ? local.serverAddress() : address;
    }

    PathInfo info(Path defaultPath) {
        if (local != null) {
            return local.snapshot(address, role, local == defaultPath);
        }
        return PathInfo.builder(id, address, role, state, Instant.ofEpochMilli(createdAt))
                .closed(closedAt == 0 ? null : Instant.ofEpochMilli(closedAt), reason)
                .route(askedFrom, address)
                .build();
    }
}

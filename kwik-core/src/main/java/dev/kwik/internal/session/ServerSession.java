package dev.kwik.internal.session;

import dev.kwik.KwikServerSession;
import dev.kwik.PathInfo;
import dev.kwik.PathState;
import dev.kwik.Role;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.wire.TransportParams;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A session as a server holds it: streams plus a view of its paths. */
public final class ServerSession extends SessionCore implements KwikServerSession {
    private final Role role;

    public ServerSession(byte[] sessionId, Role role, TransportConfig config, TransportParams clientParams, Path first) {
        super(false, sessionId, config, clientParams, first);
        this.role = role;
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public List<PathInfo> activePaths() {
        return paths.stream().filter(p -> p.state() != PathState.DEAD && p.state() != PathState.CLOSED).map(this::info).toList();
    }

    @Override
    public List<PathInfo> deadPaths() {
        return paths.stream().filter(p -> p.state() == PathState.DEAD).map(this::info).toList();
    }

    @Override
    public List<PathInfo> allPaths() {
        return paths.stream().map(this::info).toList();
    }

    private PathInfo info(Path p) {
        long closed = p.closedAtMillis();
        return new PathInfo(p.id(), p.remoteAddress(), role, p == defaultPath, p.state(),
                Instant.ofEpochMilli(p.createdAtMillis()), Instant.ofEpochMilli(p.lastActiveAtMillis()),
                closed == 0 ? null : Instant.ofEpochMilli(closed), p.closeReason(),
                Duration.ofNanos(p.smoothedRttNanos()), p.bytesSent(), p.bytesReceived(), p.packetsSent(),
                p.packetsReceived());
    }

    @Override
    public String toString() {
        return "KwikServerSession[id=" + idHex + ", role=" + role + ", open=" + isOpen() + "]";
    }
}

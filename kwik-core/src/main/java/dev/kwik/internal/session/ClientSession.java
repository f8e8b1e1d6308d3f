package dev.kwik.internal.session;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.PathInfo;
import dev.kwik.PathState;
import dev.kwik.Role;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.stream.LogicalStream;
import dev.kwik.internal.stream.StreamIds;
import dev.kwik.internal.wire.FrameDecoder;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.TransportParams;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's session: a facade over its paths. Nothing about paths or the control plane is public; the
 * primary drives them (ADD_PATH, REMOVE_PATH, RAW) and this class carries its orders out:
 * <ul>
 *   <li>the client's own stream data goes only to paths of the primary server;</li>
 *   <li>a secondary may only write into existing streams (or the primary's, opened implicitly), never end one,
 *   and its violations close its path, not the session;</li>
 *   <li>every path that ends is reported to the primary with PATH_STATUS.</li>
 * </ul>
 */
public final class ClientSession extends SessionCore implements ClientInterfaces.Listener {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    private final PathJoiner joiner;
    /**
     * Streams each secondary server has written into: what to report when its last path is lost. Servers are told
     * apart by HELLO_OK's server key, not by address: a secondary bound on two addresses is one server.
     */
    private final Map<String, Set<Long>> writtenBySecondary = new ConcurrentHashMap<>();
    /** Flow-control source index of each secondary server, by server key (the primary is source 0). */
    private final Map<String, Integer> sources = new ConcurrentHashMap<>();
    /** Paths being joined at the primary's request, by id. */
    private final Set<Long> joining = ConcurrentHashMap.newKeySet();
    /**
     * Paths a session may have open or joining at once, whatever the primary asks: ADD_PATH makes this client
     * resolve a name and dial an address of the server's choosing, so a hostile primary must not make it do so
     * without bound.
     */
    public static final int MAX_PATHS = 16;
    /** The client interface the session's first path left from (null: none declared). */
    private volatile String dialInterface;
    /** The primary's address as this client dialed it (host name kept, for the server's fullmesh). */
    private volatile InetSocketAddress primaryAddress;

    public ClientSession(byte[] sessionId, TransportConfig config, TransportParams serverParams, Path primary, PathJoiner joiner) {
        super(true, sessionId, config, serverParams, primary);
        this.joiner = joiner;
        primary.serverRole(Role.PRIMARY);
    }

    /** Every path of this session since it began, oldest first, as the client sees them (read-only). */
    public List<PathInfo> pathInfos() {
        Path d = defaultPath;
        return paths.stream().map(p -> p.snapshot(p.remoteAddress(), p.serverRole(), p == d)).toList();
    }

    @Override
    protected boolean carriesData(Path p) {
        return p.serverRole() == Role.PRIMARY;
    }

    @Override
    protected boolean sameServer(Path p, Path other) {
        if (p.serverRole() == Role.PRIMARY) {
            return other.serverRole() == Role.PRIMARY;
        }
        return other.serverRole() == Role.SECONDARY && other.serverKey().equals(p.serverKey());
    }

    /** Stream credit and stop-sending go to every server that may write to us: the primary and each secondary. */
    @Override
    public void sendToAllWriters(ByteBuf packet) {
        Set<String> secondaries = new HashSet<>();
        for (Path p : paths) {
            if (p.isAlive() && p.serverRole() == Role.SECONDARY && secondaries.add(p.serverKey())) {
                p.send(Path.CONTROL, copyOf(packet), true);
            }
        }
        sendToPeer(packet);
    }

    /** MAX_DATA goes only to the writer it is for: the primary's credit to the primary, each secondary's to it. */
    @Override
    protected void sendMaxData(int source, ByteBuf packet) {
        if (source == 0) {
            sendToPeer(packet);
            return;
        }
        for (Path p : paths) {
            if (p.isAlive() && p.source() == source) {
                p.send(Path.CONTROL, packet, true);
                return;
            }
        }
        packet.release();
    }

    // ------------------------------------------------------------------ orders from the primary

    /**
     * With client interfaces: names the first path's interface, announces the interfaces to the primary and
     * follows their changes until the session ends. Called once the session is established.
     */
    public void startInterfaces(String dialInterface, InetSocketAddress primaryAddress) {
        this.dialInterface = dialInterface;
        this.primaryAddress = primaryAddress;
        Path first = defaultPath;
        first.route(dialInterface, primaryAddress);
        ClientInterfaces ifs = joiner.interfaces();
        if (ifs.isEmpty()) {
            return;
        }
        if (ifs.isBackup(dialInterface)) {
            first.backup(true);
        }
        ifs.addListener(this);
        terminated().thenRun(() -> ifs.removeListener(this));
        announceInterfaces();
    }

    private void announceInterfaces() {
        ClientInterfaces ifs = joiner.interfaces();
        List<String> ids = ifs.ids();
        ByteBuf p = newPacket(16 + ids.size() * 40);
        InetSocketAddress dialed = primaryAddress;
        Frames.interfaces(p, dialInterface == null ? "" : dialInterface, dialed == null ? "" : dialed.getHostString(),
                dialed == null ? 0 : dialed.getPort(), ids, ifs.flags());
        sendToPeer(p);
    }

    /**
     * An interface went down: its paths end now (their unacknowledged data moves to the others, the primary hears
     * PATH_STATUS), without waiting for heartbeats to time out; up or down, the primary hears the new set.
     */
    @Override
    public void onInterfaceChanged(String id, boolean up) {
        if (!isOpen()) {
            return;
        }
        if (!up) {
            for (Path p : paths) {
                if (id.equals(p.clientInterface()) && !p.isFinished()) {
                    p.die(ErrorCode.INTERFACE_DOWN, "client interface " + id + " went down");
                }
            }
        }
        announceInterfaces();
    }

    @Override
    public void onAddPath(Path from, long pathId, String host, int port, byte[] ticket) throws WireException {
        requirePrimary(from, "ADD_PATH");
        addPath(pathId, null, host, port, ticket);
    }

    @Override
    public void onAddPathFrom(Path from, long pathId, String clientInterface, String host, int port, byte[] ticket) throws WireException {
        requirePrimary(from, "ADD_PATH_FROM");
        ClientInterfaces ifs = joiner.interfaces();
        if (ifs.find(clientInterface) == null) {
            pathFailed(pathId, ErrorCode.INTERFACE_UNKNOWN, "the client has no interface '" + clientInterface + "'");
            return;
        }
        if (!ifs.isUp(clientInterface)) {
            pathFailed(pathId, ErrorCode.INTERFACE_DOWN, "client interface '" + clientInterface + "' is down");
            return;
        }
        addPath(pathId, clientInterface, host, port, ticket);
    }

    /** Opens the path the primary asked for, from {@code clientInterface} (null: any), and reports the outcome. */
    private void addPath(long pathId, String clientInterface, String host, int port, byte[] ticket) {
        long open = paths.stream().filter(p -> !p.isFinished()).count() + joining.size();
        if (joining.contains(pathId) || paths.stream().anyMatch(p -> p.id() == pathId)) {
            pathFailed(pathId, ErrorCode.PATH_JOIN_REFUSED, "path id " + pathId + " is already used in this session");
            return;
        }
        if (open >= MAX_PATHS) {
            pathFailed(pathId, ErrorCode.PATH_JOIN_REFUSED, "the client already has " + open
                    + " paths open or joining in this session, its limit");
            return;
        }
        joining.add(pathId);
        joiner.resolve(host, port)
                .thenCompose(address -> {
                    if (address.isUnresolved()) {
                        throw new KwikException(ErrorCode.PATH_JOIN_REFUSED, "cannot resolve " + host);
                    }
                    InetAddress local = null;
                    if (clientInterface != null) {
                        local = joiner.interfaces().localAddress(clientInterface, address.getAddress());
                        if (local == null) {
                            throw new KwikException(ErrorCode.INTERFACE_DOWN, "client interface '" + clientInterface
                                    + "' has no address to reach " + address + " from");
                        }
                    }
                    return joiner.join(address, local, sessionId, ticket, p -> joined(p, address, clientInterface));
                })
                .whenComplete((p, e) -> {
                    joining.remove(pathId);
                    if (e == null) {
                        ByteBuf ok = newPacket(10);
                        Frames.pathAdded(ok, pathId);
                        sendToPeer(ok);
                        return;
                    }
                    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    ErrorCode code = t instanceof KwikException k ? k.code() : ErrorCode.PATH_JOIN_REFUSED;
                    log.debug("session={} event=join-failed path={} address={}:{} code={} reason={}", idHex, pathId, host, port, code, t.getMessage());
                    pathFailed(pathId, code, String.valueOf(t.getMessage()));
                });
    }

    private void pathFailed(long pathId, ErrorCode code, String reason) {
        ByteBuf fail = newPacket(64 + 256 * 3);
        Frames.pathFailed(fail, pathId, code.wireValue(), reason.length() > 256 ? reason.substring(0, 256) : reason);
        sendToPeer(fail);
    }

    /** The new path's HELLO_OK arrived: take it over before its next packet. Its event loop. */
    private void joined(Path p, InetSocketAddress address, String clientInterface) {
        if (!isOpen()) {
            p.close(ErrorCode.NO_ERROR, "session closed", false);
            return;
        }
        p.route(clientInterface, address);
        if (joiner.interfaces().isBackup(clientInterface)) {
            p.backup(true);
        }
        if (p.serverRole() == Role.SECONDARY) {
            p.source(sources.computeIfAbsent(p.serverKey(), k -> sources.size() + 1));
        }
        attach(p);
        p.activate(config.heartbeatInterval().toMillis(), config.deadAfter().toMillis());
        log.debug("session={} event=path-added path={} address={} role={}", idHex, p.id(), address, p.serverRole());
    }

    @Override
    public void onRemovePath(Path from, long pathId) throws WireException {
        requirePrimary(from, "REMOVE_PATH");
        for (Path p : paths) {
            if (p.id() == pathId && !p.isFinished()) {
                // A path ends with a QUIC close only: a CLOSE frame would end the whole session.
                p.closeSoon(ErrorCode.NO_ERROR, "removed by the primary", false);
            }
        }
    }

    /**
     * Relays raw bytes to the server behind {@code targetPathId}: on that path, or, if it is gone, on another live
     * path to the same server (a path id names a server to the sender; the primary's first path may have died).
     */
    @Override
    public void onRaw(Path from, long targetPathId, ByteBuf data) {
        Path target = null;
        for (Path p : paths) {
            if (p.id() == targetPathId) {
                target = p;
            }
        }
        if (target != null && !target.isAlive()) {
            Path dead = target;
            target = null;
            for (Path p : paths) {
                if (p.isAlive() && sameServer(dead, p)) {
                    target = p;
                    break;
                }
            }
        }
        if (target == null) {
            log.debug("session={} event=raw-dropped from={} to={} reason=no-live-path", idHex, from.id(), targetPathId);
            return;
        }
        // Same frame, with the source path in place of the target.
        ByteBuf fwd = newPacket(24 + data.readableBytes());
        Frames.raw(fwd, from.id(), data);
        target.send(Path.CONTROL, fwd, true);
    }

    @Override
    protected void onPathEnded(Path path, ErrorCode code, String reason, boolean byPeer) {
        if (!isOpen() || !primaryReachable()) {
            return;
        }
        long[] ranges = new long[0];
        int n = 0;
        if (path.serverRole() == Role.SECONDARY && paths.stream().noneMatch(o -> o.isAlive() && sameServer(path, o))) {
            Set<Long> written = writtenBySecondary.remove(path.serverKey());
            if (written != null) {
                List<long[]> all = new ArrayList<>();
                for (long id : written) {
                    LogicalStream s = streams.peek(id);
                    if (s != null) {
                        for (long[] g : s.missingRanges()) {
                            all.add(new long[] {id, g[0], g[1]});
                        }
                    }
                }
                n = Math.min(all.size(), FrameDecoder.MAX_MISSING_RANGES);
                if (n < all.size()) {
                    log.warn("session={} event=missing-ranges-truncated path={} ranges={} sent={}", idHex, path.id(), all.size(), n);
                }
                ranges = new long[3 * n];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(all.get(i), 0, ranges, 3 * i, 3);
                }
            }
        }
        ByteBuf p = newPacket(16 + 30 * n);
        Frames.pathStatus(p, path.id(), path.state() == PathState.DEAD ? PathStateCodes.DEAD : PathStateCodes.CLOSED,
                code.wireValue(), ranges, n);
        sendToPeer(p);
    }

    // ------------------------------------------------------------------ secondary writers

    @Override
    public void onStream(Path from, long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) throws WireException {
        if (from.serverRole() == Role.SECONDARY) {
            if (fin) {
                throw new WireException(ErrorCode.PROTOCOL_VIOLATION,
                        "a secondary cannot end stream " + streamId + "; the primary's FIN sets its final size");
            }
            if (StreamIds.isClientInitiated(streamId) && !streams.openedLocally(streamId)) {
                throw new WireException(ErrorCode.STREAM_STATE_ERROR,
                        "secondary wrote into stream " + streamId + ", which this client has not opened");
            }
            writtenBySecondary.computeIfAbsent(from.serverKey(), k -> ConcurrentHashMap.newKeySet()).add(streamId);
        }
        super.onStream(from, streamId, offset, fin, messageEnd, data);
    }

    @Override
    public void onResetStream(Path from, long streamId, long code, long finalSize) throws WireException {
        if (from.serverRole() == Role.SECONDARY) {
            throw new WireException(ErrorCode.PROTOCOL_VIOLATION,
                    "a secondary cannot reset stream " + streamId + "; only the primary ends streams");
        }
        super.onResetStream(from, streamId, code, finalSize);
    }

    @Override
    public void onClose(Path from, long code, long applicationCode, String reason) {
        if (from.serverRole() == Role.SECONDARY) {
            // A secondary leaving ends its paths, not the session.
            for (Path p : paths) {
                if (sameServer(from, p)) {
                    p.closeSoon(ErrorCode.NO_ERROR, "secondary closed: " + reason, true);
                }
            }
            return;
        }
        super.onClose(from, code, applicationCode, reason);
    }

    private static void requirePrimary(Path from, String frame) throws WireException {
        if (from.serverRole() != Role.PRIMARY) {
            throw new WireException(ErrorCode.PROTOCOL_VIOLATION, frame + " from a secondary; only the primary manages paths");
        }
    }

    @Override
    public String toString() {
        return "KwikSession[client, id=" + idHex + ", open=" + isOpen() + "]";
    }

}

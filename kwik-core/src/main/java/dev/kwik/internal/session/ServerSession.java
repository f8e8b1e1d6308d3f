package dev.kwik.internal.session;

import dev.kwik.ClientInterfaceInfo;
import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikStream;
import dev.kwik.KwikTimeoutException;
import dev.kwik.MissingRange;
import dev.kwik.PathInfo;
import dev.kwik.PathListener;
import dev.kwik.PathState;
import dev.kwik.RawMessage;
import dev.kwik.Role;
import dev.kwik.internal.EventLoops;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.TransportParams;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A session as a server holds it: streams, plus the view and management of the session's paths. */
public final class ServerSession extends SessionCore implements KwikServerSession {
    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);
    private static final int RAW_QUEUE = 256;

    private record Pending(long pathId, InetSocketAddress address, String clientInterface, CompletableFuture<PathInfo> future) {
    }

    private final Role role;
    private final ServerContext ctx;
    private final List<PathRecord> records = new CopyOnWriteArrayList<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<PathInfo>> removals = new ConcurrentHashMap<>();
    private final AtomicLong nextPathId = new AtomicLong(1);
    /** RAW messages for receiveRaw(), then the session's end (left in place for every later reader). */
    private final ArrayBlockingQueue<RawEntry> raws = new ArrayBlockingQueue<>(RAW_QUEUE);

    /** A RAW message, or (message null) the end of the session with its cause. */
    private record RawEntry(RawMessage message, KwikException end) {
    }
    private final List<PathListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean rawOverflowLogged;
    /** The client's interfaces as last announced (INTERFACES), in its order. */
    private volatile List<ClientInterfaceInfo> clientInterfaces = List.of();
    /** The session's first path (records may lose it to history trimming once it ended). */
    private final Path firstPath;

    public ServerSession(byte[] sessionId, Role role, TransportConfig config, ServerContext ctx, TransportParams clientParams, Path first) {
        super(false, sessionId, config, clientParams, first);
        this.role = role;
        this.ctx = ctx;
        this.firstPath = first;
        InetSocketAddress bound = first.connection().localAddress();
        first.route(null, bound == null || bound.getAddress().isAnyLocalAddress() ? null : bound);
        this.records.add(new PathRecord(first));
        if (role == Role.SECONDARY) {
            streams.acceptNone();
        }
    }

    @Override
    public Role role() {
        return role;
    }

    // ------------------------------------------------------------------ path membership

    @Override
    protected boolean carriesData(Path p) {
        return !isRemoving(p);
    }

    @Override
    protected boolean sameServer(Path p, Path other) {
        return true;
    }

    private boolean isRemoving(Path p) {
        for (PathRecord r : records) {
            if (r.local == p) {
                return r.removing;
            }
        }
        return false;
    }

    /**
     * A path to this server joined with a ticket this server issued. Event loop of the new path.
     *
     * @return null if attached, else the refusal
     */
    WireException joinLocal(Path path, long pathId) {
        if (!isOpen()) {
            return new WireException(ErrorCode.TICKET_FOREIGN, "session " + idHex + " is closed");
        }
        for (PathRecord r : records) {
            if (r.id == pathId) {
                return new WireException(ErrorCode.TICKET_REPLAYED, "path " + pathId + " already joined session " + idHex);
            }
        }
        if (records.stream().filter(PathRecord::isAlive).count() >= ctx.maxPaths()) {
            return new WireException(ErrorCode.PATH_JOIN_REFUSED, "session " + idHex + " has its maximum of " + ctx.maxPaths() + " paths");
        }
        path.assignId(pathId);
        path.serverRole(role);
        Pending asked = pending.get(pathId);
        if (asked != null) {
            path.route(asked.clientInterface, asked.address);
            if (isBackupInterface(asked.clientInterface)) {
                path.backup(true);
            }
        }
        attach(path);
        PathRecord rec = new PathRecord(path);
        records.add(rec);
        trimHistory(records, r -> !r.isAlive());
        fire(l -> l.pathAdded(this, rec.info(defaultPath)));
        return null;
    }

    /** A further path from the client to this secondary (a secondary session can have several). */
    WireException joinSecondary(Path path, long pathId) {
        return joinLocal(path, pathId);
    }

    private long alivePaths() {
        return records.stream().filter(PathRecord::isAlive).count() + pending.size();
    }

    @Override
    protected void onPathStateChanged(Path path, PathState previous) {
        for (PathRecord rec : records) {
            if (rec.local == path) {
                PathInfo info = rec.info(defaultPath);
                fire(l -> l.pathStateChanged(this, info, previous));
                return;
            }
        }
    }

    @Override
    protected void onPathEnded(Path path, ErrorCode code, String reason, boolean byPeer) {
        PathRecord rec = records.stream().filter(r -> r.local == path).findFirst().orElse(null);
        if (rec == null) {
            return;
        }
        PathInfo info = rec.info(defaultPath);
        PathState before = path.stateBeforeEnd() == PathState.DEGRADED ? PathState.DEGRADED : PathState.ACTIVE;
        fire(l -> l.pathStateChanged(this, info, before));
        CompletableFuture<PathInfo> removal = removals.remove(rec.id);
        if (removal != null) {
            fire(l -> l.pathRemoved(this, info));
            removal.complete(info);
        } else if (isOpen()) {
            fire(l -> l.pathLost(this, info, List.of()));
        }
    }

    // ------------------------------------------------------------------ path management (primary)

    /**
     * Without an interface named: when the client announced interfaces, the path leaves from the one the first
     * path uses (if up, else the first announced up and not a backup), so that every path has an interface and a
     * path policy sees it; else from wherever the client's OS routes it.
     */
    @Override
    public CompletableFuture<PathInfo> addPath(InetSocketAddress address) {
        return addPath(address, defaultInterface());
    }

    private String defaultInterface() {
        List<ClientInterfaceInfo> ifs = clientInterfaces;
        if (ifs.isEmpty()) {
            return null;
        }
        String first = firstPath.clientInterface();
        for (ClientInterfaceInfo i : ifs) {
            if (i.id().equals(first) && i.up()) {
                return first;
            }
        }
        for (ClientInterfaceInfo i : ifs) {
            if (i.up() && !i.backup()) {
                return i.id();
            }
        }
        return null;
    }

    @Override
    public CompletableFuture<PathInfo> addPath(InetSocketAddress address, String clientInterface) {
        Objects.requireNonNull(address, "address");
        if (role != Role.PRIMARY) {
            return CompletableFuture.failedFuture(new KwikException(ErrorCode.NOT_PRIMARY,
                    "only the session's primary server can add paths; this server is a secondary"));
        }
        if (!isOpen()) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (clientInterface != null) {
            ClientInterfaceInfo known = clientInterfaces.stream().filter(i -> i.id().equals(clientInterface)).findFirst().orElse(null);
            if (known == null) {
                return CompletableFuture.failedFuture(new KwikException(ErrorCode.INTERFACE_UNKNOWN, "the client of session "
                        + idHex + " has announced no interface '" + clientInterface + "' (it announced " + interfaceIds() + ")"));
            }
            if (!known.up()) {
                return CompletableFuture.failedFuture(new KwikException(ErrorCode.INTERFACE_DOWN,
                        "client interface '" + clientInterface + "' of session " + idHex + " is down"));
            }
            if (hasRoute(clientInterface, address)) {
                return CompletableFuture.failedFuture(new KwikException(ErrorCode.PATH_JOIN_REFUSED, "session " + idHex
                        + " already has a path from client interface '" + clientInterface + "' to " + address + " alive or joining"));
            }
        }
        if (alivePaths() >= ctx.maxPaths()) {
            return CompletableFuture.failedFuture(new KwikException(ErrorCode.PATH_JOIN_REFUSED,
                    "session " + idHex + " already has its maximum of " + ctx.maxPaths() + " paths"));
        }
        long id = nextPathId.getAndIncrement();
        byte[] ticket = JoinTicket.mint(ctx.clusterSecret(), sessionId, id, ctx.serverId(),
                System.currentTimeMillis() + ctx.ticketLifetimeMs());
        CompletableFuture<PathInfo> f = new CompletableFuture<>();
        pending.put(id, new Pending(id, address, clientInterface, f));
        ByteBuf p = newPacket(64 + ticket.length + address.getHostString().length() * 3);
        if (clientInterface == null) {
            Frames.addPath(p, id, address.getHostString(), address.getPort(), ticket);
        } else {
            Frames.addPathFrom(p, id, clientInterface, address.getHostString(), address.getPort(), ticket);
        }
        sendToPeer(p);
        long timeout = 2 * config.connectTimeout().toMillis();
        Future<?> expiry = defaultPath.connection().eventLoop().schedule(() -> {
            Pending left = pending.remove(id);
            if (left != null) {
                left.future.completeExceptionally(new KwikTimeoutException(ErrorCode.CONNECT_TIMEOUT,
                        "the client did not report path " + id + " to " + address + " within " + timeout + " ms"));
            }
        }, timeout, TimeUnit.MILLISECONDS);
        // Once answered (or failed), the timer must not keep this session reachable until it fires.
        f.whenComplete((info, e) -> expiry.cancel(false));
        log.debug("session={} event=add-path path={} address={} interface={}", idHex, id, address, clientInterface);
        return f;
    }

    /** Whether a path from {@code clientInterface} to {@code address} (by host as given, and port) is alive or joining. */
    private boolean hasRoute(String clientInterface, InetSocketAddress address) {
        for (Pending p : pending.values()) {
            if (clientInterface.equals(p.clientInterface) && sameTarget(address, p.address)) {
                return true;
            }
        }
        for (PathRecord r : records) {
            if (r.isAlive() && clientInterface.equals(r.clientInterface()) && sameTarget(address, r.serverAddress())) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameTarget(InetSocketAddress a, InetSocketAddress b) {
        return b != null && a.getPort() == b.getPort() && a.getHostString().equals(b.getHostString());
    }

    private List<String> interfaceIds() {
        return clientInterfaces.stream().map(ClientInterfaceInfo::id).toList();
    }

    private boolean isBackupInterface(String id) {
        return id != null && clientInterfaces.stream().anyMatch(i -> i.backup() && i.id().equals(id));
    }

    @Override
    public List<ClientInterfaceInfo> clientInterfaces() {
        return clientInterfaces;
    }

    /**
     * The client announced its interfaces (at the start of the session, and on every change): remember them, name
     * the first path's, mark paths from backup interfaces, and let the path policy act. Event loop.
     */
    @Override
    public void onInterfaces(Path from, String dialInterface, String dialHost, int dialPort, String[] ids, long[] flags) throws WireException {
        List<ClientInterfaceInfo> list = new ArrayList<>(ids.length);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.length; i++) {
            if (!seen.add(ids[i])) {
                throw new WireException(ErrorCode.PROTOCOL_VIOLATION, "INTERFACES names interface '" + ids[i] + "' twice");
            }
            list.add(new ClientInterfaceInfo(ids[i], (flags[i] & Frames.INTERFACE_BACKUP) != 0, (flags[i] & Frames.INTERFACE_DOWN) == 0));
        }
        if (!dialInterface.isEmpty() && !seen.contains(dialInterface)) {
            throw new WireException(ErrorCode.PROTOCOL_VIOLATION, "INTERFACES: the first path's interface '" + dialInterface
                    + "' is not among those announced");
        }
        clientInterfaces = List.copyOf(list);
        if (firstPath.clientInterface() == null) {
            // The first path's server address as the client dialed it: a host name its TLS checks, which a
            // path policy must reuse (the socket's bound address may be a wildcard or an IP the certificate lacks).
            InetSocketAddress dialed = dialHost.isEmpty() ? firstPath.serverAddress() : InetSocketAddress.createUnresolved(dialHost, dialPort);
            firstPath.route(dialInterface.isEmpty() ? null : dialInterface, dialed);
        }
        for (PathRecord r : records) {
            if (r.local != null && r.local.clientInterface() != null && isBackupInterface(r.local.clientInterface())) {
                r.local.backup(true);
            }
        }
        log.debug("session={} event=client-interfaces interfaces={}", idHex, clientInterfaces);
        applyPathPolicy();
    }

    /** Lets the path policy act (primary, client with interfaces only). Event loop. */
    private void applyPathPolicy() {
        List<ClientInterfaceInfo> ifs = clientInterfaces;
        if (role != Role.PRIMARY || ifs.isEmpty() || !isOpen()) {
            return;
        }
        try {
            ctx.pathPolicy().update(this, ifs);
        } catch (RuntimeException e) {
            log.warn("session={} event=path-policy-failed policy={}", idHex, ctx.pathPolicy(), e);
        }
    }

    @Override
    public void onPathAdded(Path from, long pathId) {
        Pending pd = pending.remove(pathId);
        if (pd == null) {
            return;
        }
        PathRecord rec = records.stream().filter(r -> r.id == pathId).findFirst().orElse(null);
        if (rec == null) {
            rec = new PathRecord(pathId, pd.address, Role.SECONDARY);
            rec.askedFrom(pd.clientInterface);
            records.add(rec);
            trimHistory(records, r -> !r.isAlive());
            PathRecord r = rec;
            fire(l -> l.pathAdded(this, r.info(defaultPath)));
        }
        pd.future.complete(rec.info(defaultPath));
        applyPathPolicy();
    }

    @Override
    public void onPathFailed(Path from, long pathId, long code, String reason) {
        Pending pd = pending.remove(pathId);
        if (pd != null) {
            ErrorCode c = ErrorCode.fromWire(code);
            pd.future.completeExceptionally(new KwikException(c == ErrorCode.PROTOCOL_VIOLATION ? ErrorCode.PATH_JOIN_REFUSED : c,
                    "the client could not open path " + pathId + " to " + pd.address + ": " + reason));
        }
    }

    @Override
    public void onPathStatus(Path from, long pathId, long state, long code, long[] ranges) throws WireException {
        if (pathId >= nextPathId.get()) {
            throw new WireException(ErrorCode.PROTOCOL_VIOLATION, "PATH_STATUS for path " + pathId + ", which this session never had");
        }
        for (PathRecord r : records) {
            if (r.id == pathId && r.local == null && r.isAlive()) {
                PathState s = state == PathStateCodes.CLOSED ? PathState.CLOSED : PathState.DEAD;
                r.report(s, "client reports " + s + ": " + ErrorCode.fromWire(code));
                PathInfo info = r.info(defaultPath);
                fire(l -> l.pathStateChanged(this, info, PathState.ACTIVE));
                CompletableFuture<PathInfo> removal = removals.remove(pathId);
                if (removal != null) {
                    fire(l -> l.pathRemoved(this, info));
                    removal.complete(info);
                } else {
                    List<MissingRange> missing = new ArrayList<>(ranges.length / 3);
                    for (int i = 0; i < ranges.length; i += 3) {
                        missing.add(new MissingRange(ranges[i], ranges[i + 1], ranges[i + 2]));
                    }
                    List<MissingRange> view = Collections.unmodifiableList(missing);
                    fire(l -> l.pathLost(this, info, view));
                }
            }
        }
    }

    @Override
    public CompletableFuture<PathInfo> removePath(long pathId) {
        if (role != Role.PRIMARY) {
            return CompletableFuture.failedFuture(new KwikException(ErrorCode.NOT_PRIMARY,
                    "only the session's primary server can remove paths; this server is a secondary"));
        }
        PathRecord rec = records.stream().filter(r -> r.id == pathId && r.isAlive()).findFirst().orElse(null);
        if (rec == null) {
            return CompletableFuture.failedFuture(new KwikException(ErrorCode.PATH_NOT_FOUND,
                    "session " + idHex + " has no live path " + pathId));
        }
        if (rec.local != null && records.stream().noneMatch(r -> r != rec && r.local != null && r.isAlive() && !r.removing)) {
            return CompletableFuture.failedFuture(new KwikException(ErrorCode.LAST_PATH,
                    "path " + pathId + " is the only path to this server; add another before removing it"));
        }
        CompletableFuture<PathInfo> f = new CompletableFuture<>();
        if (removals.putIfAbsent(pathId, f) != null) {
            return removals.get(pathId);
        }
        rec.removing = true;
        if (rec.local != null && rec.local == defaultPath) {
            for (PathRecord r : records) {
                if (r.local != null && r != rec && r.isAlive() && !r.removing) {
                    defaultPath = r.local;
                    break;
                }
            }
        }
        CompletableFuture<Void> drained = rec.local != null ? rec.local.whenDrained() : CompletableFuture.completedFuture(null);
        drained.orTimeout(config.linger().toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            ByteBuf p = newPacket(10);
            Frames.removePath(p, pathId);
            sendToPeer(p);
        });
        return f;
    }

    @Override
    public List<PathInfo> activePaths() {
        Path d = defaultPath;
        return records.stream().filter(PathRecord::isAlive).map(r -> r.info(d)).toList();
    }

    @Override
    public List<PathInfo> deadPaths() {
        Path d = defaultPath;
        return records.stream().filter(r -> r.state() == PathState.DEAD).map(r -> r.info(d)).toList();
    }

    @Override
    public List<PathInfo> allPaths() {
        Path d = defaultPath;
        return records.stream().map(r -> r.info(d)).toList();
    }

    // ------------------------------------------------------------------ raw relay

    @Override
    public void sendRaw(long pathId, byte[] data) {
        Objects.requireNonNull(data, "data");
        if (data.length > ctx.maxRawBytes()) {
            throw new KwikException(ErrorCode.PACKET_TOO_LARGE, "raw message of " + data.length
                    + " bytes exceeds the limit of " + ctx.maxRawBytes());
        }
        if (!isOpen()) {
            throw closedException();
        }
        if (role == Role.PRIMARY) {
            PathRecord target = records.stream().filter(r -> r.id == pathId).findFirst().orElse(null);
            if (target == null || !target.isAlive()) {
                throw new KwikException(ErrorCode.PATH_NOT_FOUND, "session " + idHex + " has no live path " + pathId
                        + (target == null ? "" : " (it is " + target.state() + ")"));
            }
        }
        ByteBuf p = newPacket(24 + data.length);
        Frames.raw(p, pathId, data, 0, data.length);
        sendToPeer(p);
    }

    @Override
    public void onRaw(Path from, long sourcePathId, ByteBuf data) {
        if (data.readableBytes() > ctx.maxRawBytes()) {
            // Another server wrote it (the client only relays), so this session is not at fault: drop, say so once.
            if (!rawOverflowLogged) {
                rawOverflowLogged = true;
                log.warn("session={} event=raw-dropped bytes={} limit={} note=raw message above maxRawMessageBytes",
                        idHex, data.readableBytes(), ctx.maxRawBytes());
            }
            return;
        }
        byte[] b = new byte[data.readableBytes()];
        data.readBytes(b);
        if (!raws.offer(new RawEntry(new RawMessage(sourcePathId, b), null))) {
            if (!rawOverflowLogged) {
                rawOverflowLogged = true;
                log.warn("session={} event=raw-overflow queued={} note=receiveRaw() is not keeping up; messages are dropped", idHex, RAW_QUEUE);
            }
        }
    }

    @Override
    public RawMessage receiveRaw() {
        return receiveRaw(-1);
    }

    @Override
    public RawMessage receiveRaw(Duration timeout) {
        return receiveRaw(timeout.toNanos());
    }

    private RawMessage receiveRaw(long nanos) {
        EventLoops.checkMayBlock("receiveRaw");
        try {
            for (;;) {
                RawEntry entry = nanos < 0 ? raws.poll(100, TimeUnit.MILLISECONDS) : raws.poll(nanos, TimeUnit.NANOSECONDS);
                if (entry != null && entry.message() != null) {
                    return entry.message();
                }
                if (entry != null) {
                    raws.offer(entry);
                    throw entry.end();
                }
                if (!isOpen()) {
                    throw closedException();
                }
                if (nanos >= 0) {
                    throw new KwikTimeoutException(ErrorCode.TIMEOUT, "no raw message within " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KwikException(ErrorCode.INTERRUPTED, "interrupted in receiveRaw");
        }
    }

    @Override
    protected void terminate(KwikException cause) {
        super.terminate(cause);
        // The client's paths to other servers end with the session (no PATH_STATUS will come for them now).
        for (PathRecord r : records) {
            if (r.local == null && r.isAlive()) {
                r.report(PathState.CLOSED, "session closed: " + cause.code());
            }
        }
        raws.offer(new RawEntry(null, cause));
        pending.values().forEach(pd -> pd.future.completeExceptionally(cause));
        pending.clear();
    }

    // ------------------------------------------------------------------ streams

    @Override
    public KwikStream openStream() {
        checkNotSecondary();
        return super.openStream();
    }

    @Override
    public KwikStream openStreamSync() {
        checkNotSecondary();
        return super.openStreamSync();
    }

    @Override
    public KwikStream openStreamSync(Duration timeout) {
        checkNotSecondary();
        return super.openStreamSync(timeout);
    }

    @Override
    public KwikStream openUniStream() {
        checkNotSecondary();
        return super.openUniStream();
    }

    private void checkNotSecondary() {
        if (role == Role.SECONDARY) {
            throw new KwikException(ErrorCode.STREAM_STATE_ERROR, "a secondary server cannot open streams to the client; "
                    + "write into the client's streams with attachStream(id)");
        }
    }

    @Override
    public KwikStream attachStream(long streamId) {
        if (role != Role.SECONDARY) {
            throw new KwikException(ErrorCode.STREAM_STATE_ERROR, "attachStream is for secondary servers; the primary "
                    + "writes on the streams it opens or accepts");
        }
        return streams.attach(streamId);
    }

    @Override
    public void pathPreferences(long pathId, int weight, boolean backup) {
        if (weight < 1 || weight > 1000) {
            throw new IllegalArgumentException("weight must be between 1 and 1000: " + weight);
        }
        PathRecord rec = records.stream().filter(r -> r.id == pathId && r.local != null && r.isAlive()).findFirst()
                .orElseThrow(() -> new KwikException(ErrorCode.PATH_NOT_FOUND,
                        "session " + idHex + " has no live path " + pathId + " to this server"));
        rec.local.weight(weight);
        rec.local.backup(backup);
    }

    @Override
    public void addPathListener(PathListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void fire(Consumer<PathListener> event) {
        for (PathListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("session={} event=listener-failed listener={}", idHex, l, e);
            }
        }
    }

    @Override
    public String toString() {
        return "KwikServerSession[id=" + idHex + ", role=" + role + ", open=" + isOpen() + "]";
    }

}

package dev.kwik.internal.session;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.KwikSession;
import dev.kwik.KwikSessionClosedException;
import dev.kwik.KwikStream;
import dev.kwik.PathScheduler;
import dev.kwik.PathState;
import dev.kwik.internal.EventLoops;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.path.PathOwner;
import dev.kwik.internal.sched.PathPicker;
import dev.kwik.internal.stream.HeldPieces;
import dev.kwik.internal.stream.LogicalStream;
import dev.kwik.internal.stream.SessionFlowControl;
import dev.kwik.internal.stream.StreamHost;
import dev.kwik.internal.stream.StreamTable;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.TransportParams;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * What client and server sessions share: streams and flow control over the session's paths, frame handling
 * for streams, and closing. Frames arrive on path event loops; the application calls in from its own threads.
 */
public abstract class SessionCore extends PathOwner implements StreamHost, KwikSession {
    private static final Logger log = LoggerFactory.getLogger(SessionCore.class);

    protected final boolean clientSide;
    protected final byte[] sessionId;
    protected final String idHex;
    protected final TransportConfig config;
    protected final StreamTable streams;
    protected final SessionFlowControl flow;
    protected final List<Path> paths = new CopyOnWriteArrayList<>();
    private final HeldPieces heldPieces;
    /** Where stream receivers are called outside a read batch: the first path's event loop, which outlives its path. */
    private final Executor receiverLoop;
    protected volatile Path defaultPath;
    protected volatile PathScheduler scheduler;
    private final PathPicker picker;
    private volatile KwikException closedCause;
    private final CompletableFuture<KwikException> terminated = new CompletableFuture<>();

    protected SessionCore(boolean clientSide, byte[] sessionId, TransportConfig config, TransportParams peer, Path first) {
        this.clientSide = clientSide;
        this.sessionId = sessionId.clone();
        this.idHex = ByteBufUtil.hexDump(sessionId);
        this.config = config;
        this.heldPieces = HeldPieces.forWindow(config.sessionWindow());
        this.flow = new SessionFlowControl(config.sessionWindow(), peer.maxData());
        this.streams = new StreamTable(clientSide, this, config.maxConcurrentStreams());
        this.streams.peerLimits(peer.maxStreamsBidi(), peer.maxStreamsUni(), peer.maxStreamData());
        this.scheduler = config.scheduler();
        this.picker = new PathPicker(idHex);
        this.defaultPath = first;
        this.receiverLoop = first.connection().eventLoop();
        attach(first);
    }

    /** Makes {@code path} part of this session: its frames now reach the session. */
    protected void attach(Path path) {
        path.owner(this);
        paths.add(path);
        trimHistory(paths, Path::isFinished);
    }

    /** Ended paths a session remembers (for its views and metrics); older ones are forgotten. */
    static final int PATH_HISTORY = 64;

    /**
     * Drops the oldest ended entries beyond {@link #PATH_HISTORY}, so that a long session whose paths come and
     * go keeps bounded memory.
     */
    static <T> void trimHistory(List<T> entries, Predicate<T> ended) {
        long excess = entries.stream().filter(ended).count() - PATH_HISTORY;
        for (T e : entries) {
            if (excess <= 0) {
                break;
            }
            if (ended.test(e)) {
                entries.remove(e);
                excess--;
            }
        }
    }

    /** Switches the scheduler on the live session; takes effect with the next packet. */
    public void scheduler(PathScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    public PathScheduler scheduler() {
        return scheduler;
    }

    /** Paths this side may send stream data on (client: to the primary server; server: its own). */
    protected abstract boolean carriesData(Path p);

    /** Paths that lead to the same server as {@code p} (where its unacknowledged frames may go instead). */
    protected abstract boolean sameServer(Path p, Path other);

    /** Whether the session still has a live path to its primary server (else it ends). */
    protected boolean primaryReachable() {
        for (Path p : paths) {
            if (p.isAlive() && carriesData(p)) {
                return true;
            }
        }
        return false;
    }

    /** A path for a packet among live data paths accepted by {@code filter} (see {@link PathPicker}); null if none. */
    protected Path pick(Predicate<Path> filter, int bytes) {
        return picker.pick(paths, filter, scheduler, bytes);
    }

    /** What this side grants the peer at the handshake. */
    public static TransportParams localParams(TransportConfig c) {
        return new TransportParams(c.sessionWindow(), c.streamWindow(), c.maxConcurrentStreams(), c.maxConcurrentStreams());
    }

    // ------------------------------------------------------------------ KwikSession

    @Override
    public String id() {
        return idHex;
    }

    @Override
    public KwikStream openStream() {
        return streams.open(false, 0);
    }

    @Override
    public KwikStream openStreamSync() {
        EventLoops.checkMayBlock("openStreamSync");
        return streams.open(false, -1);
    }

    @Override
    public KwikStream openStreamSync(Duration timeout) {
        EventLoops.checkMayBlock("openStreamSync");
        return streams.open(false, Math.max(1, timeout.toNanos()));
    }

    @Override
    public KwikStream openUniStream() {
        return streams.open(true, 0);
    }

    @Override
    public KwikStream acceptStream() {
        EventLoops.checkMayBlock("acceptStream");
        return streams.accept(-1);
    }

    @Override
    public KwikStream acceptStream(Duration timeout) {
        EventLoops.checkMayBlock("acceptStream");
        return streams.accept(Math.max(1, timeout.toNanos()));
    }

    @Override
    public void close() {
        close(0, "");
    }

    @Override
    public void close(long code, String reason) {
        if (closedCause != null) {
            return;
        }
        if (!EventLoops.onEventLoop()) {
            lingerUntilAcknowledged();
        }
        String r = reason == null ? "" : reason;
        terminate(new KwikSessionClosedException(ErrorCode.SESSION_CLOSED, false, code,
                "session " + idHex + " was closed by this side" + describe(code, r)));
        List<Future<?>> sent = new ArrayList<>();
        for (Path p : paths) {
            try {
                sent.add(p.connection().eventLoop().submit(() -> p.sendCloseAndClose(ErrorCode.NO_ERROR, code, r, false)));
            } catch (RejectedExecutionException e) {
                log.debug("session={} event=close-after-shutdown", idHex);
            }
        }
        if (!EventLoops.onEventLoop()) {
            // Wait until CLOSE is handed to QUIC, so that a caller closing its socket next does not swallow it.
            for (Future<?> f : sent) {
                try {
                    f.get(1, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.debug("session={} event=close-not-confirmed", idHex, e);
                }
            }
        }
    }

    private void lingerUntilAcknowledged() {
        CompletableFuture<?>[] all = paths.stream().map(Path::whenDrained).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(config.linger().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.debug("session={} event=linger-timeout", idHex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.debug("session={} event=linger-failed", idHex, e);
        }
    }

    private static String describe(long code, String reason) {
        String s = code != 0 ? " with application code " + code : "";
        return reason.isEmpty() ? s : s + ": " + reason;
    }

    @Override
    public boolean isOpen() {
        return closedCause == null;
    }

    /** What calls on a closed session throw: the cause it closed with (who closed it, why, which code). */
    protected KwikException closedException() {
        KwikException c = closedCause;
        return c != null ? c : new KwikSessionClosedException(ErrorCode.SESSION_CLOSED, false, 0, "session " + idHex + " is closed");
    }

    /** Completes with the cause once the session is closed, whoever closed it. */
    public CompletableFuture<KwikException> terminated() {
        return terminated;
    }

    /** Fails every stream and waiter with {@code cause}; the first cause wins. */
    protected void terminate(KwikException cause) {
        synchronized (this) {
            if (closedCause != null) {
                return;
            }
            closedCause = cause;
        }
        log.debug("session={} event=closed code={} reason={}", idHex, cause.code(), cause.getMessage());
        streams.close(cause);
        flow.close(cause);
        terminated.complete(cause);
    }

    // ------------------------------------------------------------------ StreamHost

    @Override
    public ByteBuf newPacket(int frameBytes) {
        return Frames.newPacket(frameBytes);
    }

    @Override
    public void sendStreamPacket(long streamId, ByteBuf packet) {
        Path p = pick(this::carriesData, packet.readableBytes());
        if (p == null) {
            packet.release();
            return;
        }
        if (scheduler.duplicatesEverything()) {
            for (Path other : paths) {
                if (other != p && other.isAlive() && carriesData(other)) {
                    other.send(streamId, copyOf(packet), true);
                }
            }
        }
        p.send(streamId, packet, true);
    }

    /**
     * Sends control frames to the peer this session was made with, on the default path (another live one if it is
     * silent or gone): from a client, the primary server; from a server, the client. Never to a secondary.
     */
    public final void sendToPeer(ByteBuf packet) {
        Path p = defaultPath;
        if (p == null || !p.isActive()) {
            // The default path is silent or gone: another one if there is (pick itself ranks DEGRADED paths last).
            Path other = pick(this::carriesData, packet.readableBytes());
            if (other != null || p == null || !p.isAlive()) {
                p = other;
            }
        }
        if (p == null) {
            packet.release();
            return;
        }
        p.send(Path.CONTROL, packet, true);
    }

    /**
     * Sends frames every writer of this session's streams must see (MAX_STREAM_DATA, STOP_SENDING, MAX_STREAMS):
     * the peer here; a client adds its secondaries.
     */
    @Override
    public void sendToAllWriters(ByteBuf packet) {
        sendToPeer(packet);
    }

    /** A new packet holding the same frames (for a second path: each path numbers its own packets). */
    protected ByteBuf copyOf(ByteBuf frames) {
        ByteBuf c = newPacket(frames.readableBytes());
        c.writeBytes(frames, frames.readerIndex(), frames.readableBytes());
        return c;
    }

    /**
     * Failover: frames a path had not seen acknowledged when it ended go out again on another live path to the
     * same server, on its control stream (frames carry their stream ids and offsets, so any QUIC stream will
     * do; the receiver drops what it already has). Never on the QUIC stream they were first sent on.
     */
    @Override
    public void onOrphanedFrames(Path from, List<ByteBuf> frames) {
        for (ByteBuf f : frames) {
            Path to = isOpen() ? pick(p -> p != from && sameServer(from, p), f.readableBytes()) : null;
            if (to == null) {
                f.release();
                continue;
            }
            ByteBuf packet = copyOf(f);
            f.release();
            to.send(Path.CONTROL, packet, true);
        }
    }

    /** Copies of what a DEGRADED path sent without acknowledgement: sent again elsewhere, like orphans. */
    @Override
    public void onSuspectFrames(Path from, List<ByteBuf> frames) {
        onOrphanedFrames(from, frames);
    }

    /** A path ended (DEAD or CLOSED). Event loop of that path. */
    @Override
    public void onPathClosed(Path path, ErrorCode code, String reason, boolean byPeer) {
        if (path == defaultPath) {
            for (Path p : paths) {
                if (p.isAlive() && carriesData(p)) {
                    defaultPath = p;
                    break;
                }
            }
        }
        onPathEnded(path, code, reason, byPeer);
        int w = code.wireValue();
        if (carriesData(path) && w >= ErrorCode.PROTOCOL_VIOLATION.wireValue() && w <= ErrorCode.FINAL_SIZE_ERROR.wireValue()) {
            // A broken rule on a path to the primary ends the whole session, on every path.
            terminate(new KwikSessionClosedException(code, byPeer, 0, (byPeer ? "the peer closed session " : "closed session ")
                    + idHex + " with " + code + ": " + reason));
            for (Path p : paths) {
                if (p != path) {
                    p.sendCloseSoon(code, reason);
                }
            }
            return;
        }
        if (!primaryReachable()) {
            ErrorCode c = code == ErrorCode.NO_ERROR ? ErrorCode.SESSION_CLOSED : code;
            terminate(new KwikSessionClosedException(c, byPeer, 0, "session " + idHex + " lost its last path: " + c + ": " + reason));
        }
    }

    /**
     * A live path went ACTIVE → DEGRADED or back. Going DEGRADED, this side announces its flow-control credit
     * again on the other paths (MAX_DATA to every writer, MAX_STREAM_DATA for every stream it receives on):
     * credit sent on the silent path may never arrive, and a writer without credit would wait for the path's
     * death (the silent path's own STREAM data is re-sent by the path itself). Event loop of that path.
     */
    @Override
    public void onStateChanged(Path path, PathState previous) {
        if (path.state() == PathState.DEGRADED && isOpen()) {
            long[] credit = flow.advertised();
            for (int source = 0; source < credit.length; source++) {
                ByteBuf p = newPacket(10);
                Frames.maxData(p, credit[source]);
                sendMaxData(source, p);
            }
            for (LogicalStream s : streams.snapshot()) {
                s.announceCredit();
            }
        }
        onPathStateChanged(path, previous);
    }

    /** Hook: a live path went ACTIVE → DEGRADED or back. Event loop of that path. */
    protected void onPathStateChanged(Path path, PathState previous) {
    }

    /** Hook: a path ended and the session may still live. */
    protected void onPathEnded(Path path, ErrorCode code, String reason, boolean byPeer) {
    }

    @Override
    public long acquireSessionCredit(long wanted) {
        return flow.acquire(wanted);
    }

    @Override
    public SessionFlowControl sessionFlow() {
        return flow;
    }

    @Override
    public void maxDataDue(int source, long max) {
        if (isOpen()) {
            ByteBuf p = newPacket(10);
            Frames.maxData(p, max);
            sendMaxData(source, p);
        }
    }

    /** Sends a MAX_DATA packet to the writer {@code source} (a server has one: the client). */
    protected void sendMaxData(int source, ByteBuf packet) {
        sendToPeer(packet);
    }

    /** Closes every live path of writer {@code source} with {@code code} (it learns why); the session goes on. */
    @Override
    public void writerViolated(int source, ErrorCode code, String reason) {
        for (Path p : paths) {
            if (p.source() == source && !p.isFinished()) {
                log.debug("session={} event=writer-violation path={} code={} reason={}", idHex, p.id(), code, reason);
                p.sendCloseSoon(code, reason);
            }
        }
    }

    @Override
    public void streamDone(LogicalStream stream) {
        long grant = streams.retire(stream);
        if (stream.isLocal() || stream.isBidirectional()) {
            for (Path p : paths) {
                p.releaseStream(stream.id());
            }
        }
        if (grant > 0 && isOpen()) {
            ByteBuf p = newPacket(10);
            Frames.maxStreams(p, stream.isBidirectional(), grant);
            sendToAllWriters(p);
        }
    }

    @Override
    public int maxFramePayload() {
        return config.maxFramePayload();
    }

    @Override
    public long streamWindow() {
        return config.streamWindow();
    }

    /** Streams this session still tracks (open in at least one direction), for diagnostics and tests. */
    public int liveStreams() {
        return streams.size();
    }

    @Override
    public HeldPieces heldPieces() {
        return heldPieces;
    }

    @Override
    public Executor receiverLoop() {
        return receiverLoop;
    }

    /** Receive-side bytes the session holds unread (bounded by the session window). */
    public long bufferedBytes() {
        return flow.unconsumed();
    }

    public StreamTable streamTable() {
        return streams;
    }

    public List<Path> paths() {
        return paths;
    }

    // ------------------------------------------------------------------ frames (event loops)

    @Override
    public void onStream(Path from, long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) throws WireException {
        LogicalStream s = streams.forFrame(streamId);
        if (s != null) {
            s.onStreamFrame(offset, data, fin, messageEnd, from.source(), from.afterReadBatch());
        } else {
            streams.checkRetired(streamId, offset + data.readableBytes(), fin);
        }
    }

    @Override
    public void onResetStream(Path from, long streamId, long code, long finalSize) throws WireException {
        LogicalStream s = streams.forFrame(streamId);
        if (s != null) {
            s.onReset(code, finalSize, from.source());
        }
    }

    @Override
    public void onStopSending(Path from, long streamId, long code) throws WireException {
        LogicalStream s = streams.forFrame(streamId);
        if (s != null) {
            s.onStopSending(code);
        }
    }

    @Override
    public void onMaxData(Path from, long max) {
        flow.onMaxData(max);
    }

    @Override
    public void onMaxStreamData(Path from, long streamId, long max) throws WireException {
        LogicalStream s = streams.forFrame(streamId);
        if (s != null) {
            s.onMaxStreamData(max);
        }
    }

    @Override
    public void onMaxStreams(Path from, boolean bidi, long max) {
        streams.onMaxStreams(bidi, max);
    }

    @Override
    public void onClose(Path from, long code, long applicationCode, String reason) {
        ErrorCode c = ErrorCode.fromWire(code);
        String msg = c == ErrorCode.NO_ERROR
                ? "session " + idHex + " was closed by the peer" + describe(applicationCode, reason)
                : "the peer closed session " + idHex + " with " + c + ": " + reason;
        terminate(new KwikSessionClosedException(c == ErrorCode.NO_ERROR ? ErrorCode.SESSION_CLOSED : c, true,
                applicationCode, msg));
        for (Path p : paths) {
            p.closeSoon(ErrorCode.NO_ERROR, "closed by peer", true);
        }
    }
}

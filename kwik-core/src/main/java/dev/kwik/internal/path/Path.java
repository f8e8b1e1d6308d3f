package dev.kwik.internal.path;

import dev.kwik.ErrorCode;
import dev.kwik.PathInfo;
import dev.kwik.PathState;
import dev.kwik.Role;
import dev.kwik.SchedulablePath;
import dev.kwik.internal.wire.FrameDecoder;
import dev.kwik.internal.wire.FrameVisitor;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import dev.kwik.internal.wire.VarInt;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One path: a QUIC connection inside a session, with its own packet-number space per direction.
 *
 * <p>Outbound: any thread calls {@link #send}; packets wait in a lock-free queue that the path's event loop
 * drains in batches, numbering each packet, logging its frames until acknowledged, and writing it to the
 * control channel or the logical stream's data channel, with one flush per batch.
 *
 * <p>Inbound: the event loop hands every packet body to {@link #onPacket}; ACK, PING and PONG are handled
 * here, everything else goes to the {@link PathOwner} (handshake, then session). ACKs for what arrived go
 * out at the end of each read batch.
 */
public final class Path implements SchedulablePath, PathConnection.StatsSink {
    private static final Logger log = LoggerFactory.getLogger(Path.class);
    /** Stream id meaning "the control channel". */
    public static final long CONTROL = -1;
    private static final long RELEASE_MARK = -2;

    private record Outbound(long streamId, ByteBuf packet, boolean retransmittable) {
    }

    /** Queued plus unacknowledged bytes above which a path reports no capacity to the scheduler. */
    static final long MAX_IN_FLIGHT = 4L << 20;
    static final long MIN_IN_FLIGHT = 64L << 10;

    private volatile long id;
    private volatile Role serverRole = Role.PRIMARY;
    private volatile int weight = 1;
    /** Client side: which server this path leads to (HELLO_OK's server key, as hex); equal for every path to it. */
    private volatile String serverKey = "";
    /** Which writer this path's data counts against on the receiving side (client: 0 primary, 1.. secondaries). */
    private volatile int source;
    private volatile boolean backup;
    /** The client interface this path leaves the client from (null: none declared), and the server address dialed. */
    private volatile String clientInterface;
    private volatile InetSocketAddress serverAddress;
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile long unackedBytes;
    private final PathConnection conn;
    private final FrameDecoder decoder = new FrameDecoder();
    private final AckTracker acks = new AckTracker();
    private final SentPacketLog sent = new SentPacketLog();
    private final long[] ackRanges = new long[2 * FrameDecoder.MAX_ACK_RANGES];
    private final Queue<Outbound> outbound = PlatformDependent.newMpscQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final ChannelPool pool;
    private final long createdAtMillis = System.currentTimeMillis();
    private final long createdAtNanos = System.nanoTime();
    private final RttEstimator rtt = new RttEstimator();
    private final Liveness liveness = new Liveness(System::nanoTime, rtt);
    private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();
    private static final int MAX_EARLY_PACKETS = 1024;
    /** Bytes of data-channel packets a client holds while HELLO_OK is still on its way (a server can only overtake it by a flight or two). */
    private static final int MAX_EARLY_BYTES = 4 << 20;
    private ArrayDeque<ByteBuf> earlyData;
    private long earlyBytes;
    private volatile PathOwner owner;
    private long nextPn;
    /** The queued packets {@link #drain} is merging into one (event loop only; emptied after each merge). */
    private final List<ByteBuf> mergeRun = new ArrayList<>();
    /** Control packets of this drain or read batch, written as one stream write by {@link #flush}. */
    private final PacketBatch controlBatch = new PacketBatch();
    private volatile PathState state = PathState.CONNECTING;
    private volatile PathState stateBeforeEnd = PathState.CONNECTING;
    private volatile long closedAtMillis;
    private volatile String closeReason;
    /** Set once this path sent CLOSE: watches for its acknowledgement before QUIC closes. */
    private CloseAck closeAck;
    private ScheduledFuture<?> quicCloseDeadline;
    private ErrorCode quicCloseCode;
    private String quicCloseReason;
    /** Longest wait for the CLOSE's acknowledgement (bounded by {@code deadAfter} too). */
    static final long MAX_CLOSE_ACK_WAIT_MS = 2000;

    // Heartbeat
    private ScheduledFuture<?> heartbeat;
    /** Sequence of the latest PING received in this read batch, answered once at its end; -1 if none. */
    private long pongDue = -1;
    /** {@link #endOfReadBatch} is queued for the read batch in progress. */
    private boolean batchEndQueued;
    private final Runnable batchEnd = this::endOfReadBatch;
    /** Runs tasks at the end of the read batch in progress (for the session: reader wake-ups). Event loop. */
    private final Executor afterReadBatch;
    /** The probe timer is scheduled (see {@link #probeCheck}). Event loop only. */
    private boolean probeArmed;
    /** When the sent log last went from empty to holding retransmittable frames. Event loop only. */
    private long inFlightSinceNanos;
    private final Runnable probeCheck = this::probeCheck;

    // Counters, written on the event loop only, read by anyone.
    private volatile long bytesSent;
    private volatile long bytesReceived;
    private volatile long packetsSent;
    private volatile long packetsReceived;
    // QUIC's own loss recovery on this path: sampled at activation, each heartbeat and every 20 ms while ACKs arrive.
    private volatile long packetsLost;
    private volatile long packetsRetransmitted;
    private volatile long congestionWindow;
    private volatile long quicRttNanos;
    /** When QUIC's figures were last asked for on an acknowledgement (event loop only). */
    private long statsSampledNanos;
    static final long BUSY_STATS_INTERVAL_NANOS = 20_000_000;

    public Path(long id, PathConnection conn, PathOwner owner, int streamsPerChannel) {
        this.id = id;
        this.conn = conn;
        this.owner = owner;
        this.pool = new ChannelPool(conn, streamsPerChannel);
        this.afterReadBatch = conn::afterReadBatch;
    }

    public long id() {
        return id;
    }

    @Override
    public long pathId() {
        return id;
    }

    /** Sets the id the handshake assigned (before the path is active). */
    public void assignId(long id) {
        this.id = id;
    }

    /** The role of the server at the far end (client side) or of this server (server side). */
    public Role serverRole() {
        return serverRole;
    }

    public void serverRole(Role role) {
        this.serverRole = role;
    }

    @Override
    public int weight() {
        return weight;
    }

    /** The server this path leads to (client side), as HELLO_OK named it; paths with equal keys share a server. */
    public String serverKey() {
        return serverKey;
    }

    public void serverKey(byte[] key) {
        this.serverKey = ByteBufUtil.hexDump(key);
    }

    public int source() {
        return source;
    }

    public void source(int source) {
        this.source = source;
    }

    public void weight(int weight) {
        this.weight = weight;
    }

    /** Where this path runs: see {@link PathInfo#clientInterface()} and {@link PathInfo#serverAddress()}. */
    public void route(String clientInterface, InetSocketAddress serverAddress) {
        this.clientInterface = clientInterface;
        this.serverAddress = serverAddress;
    }

    public String clientInterface() {
        return clientInterface;
    }

    public InetSocketAddress serverAddress() {
        return serverAddress;
    }

    public boolean isBackup() {
        return backup;
    }

    public void backup(boolean backup) {
        this.backup = backup;
    }

    @Override
    public long bytesInFlight() {
        return queuedBytes.get() + unackedBytes;
    }

    /**
     * Whether this path can take more without queueing beyond what it will send soon: bytes in flight (queued
     * here or sent and not yet acknowledged by KWIK) below twice QUIC's congestion window as last sampled, at
     * least {@link #MIN_IN_FLIGHT} and at most {@link #MAX_IN_FLIGHT}. Twice the window keeps the path busy
     * until the next acknowledgements. {@code min-rtt} fills the fastest path up to this, then the next; a
     * fixed 4 MiB instead left megabytes queued on a slow path, which then finished the transfer seconds after
     * the fast one (heterogeneous benchmark: 1.96 × ideal).
     */
    @Override
    public boolean hasCapacity() {
        return bytesInFlight() < inFlightLimit();
    }

    /**
     * Below {@link #MAX_IN_FLIGHT}: the session prefers such paths whatever the scheduler, so that no path
     * queues without bound while another could carry the data. Explicit splits (weighted, round-robin) are
     * kept up to it.
     */
    public boolean belowHardCap() {
        return bytesInFlight() < MAX_IN_FLIGHT;
    }

    long inFlightLimit() {
        long cwnd = congestionWindow;
        return cwnd <= 0 ? MAX_IN_FLIGHT : Math.min(MAX_IN_FLIGHT, Math.max(MIN_IN_FLIGHT, 2 * cwnd));
    }

    /** Whether the path is ACTIVE: alive and heard from within its suspicion time (see {@link #ping}). */
    public boolean isActive() {
        return state == PathState.ACTIVE;
    }

    /** Whether the path can carry packets (ACTIVE or DEGRADED). */
    public boolean isAlive() {
        PathState s = state;
        return s == PathState.ACTIVE || s == PathState.DEGRADED;
    }

    public PathConnection connection() {
        return conn;
    }

    public void owner(PathOwner owner) {
        this.owner = owner;
    }

    // ------------------------------------------------------------------ outbound (any thread)

    /**
     * Queues a packet whose buffer has {@link Frames#HEADER_ROOM} bytes before its reader index.
     *
     * @param streamId        the logical stream whose data channel carries it, or {@link #CONTROL}
     * @param retransmittable whether its frames are kept until acknowledged
     */
    public void send(long streamId, ByteBuf packet, boolean retransmittable) {
        queuedBytes.addAndGet(packet.readableBytes());
        enqueue(new Outbound(streamId, packet, retransmittable));
    }

    /** After every packet already queued for {@code streamId}: the stream sent its last frame on this path. */
    public void releaseStream(long streamId) {
        enqueue(new Outbound(streamId, null, false));
    }

    private void enqueue(Outbound o) {
        outbound.add(o);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                conn.eventLoop().execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The event loop is gone (client or server closed): nothing will be sent; free what waits,
                // and let the next caller find the flag clear so that it frees its packet too.
                Outbound left;
                while ((left = outbound.poll()) != null) {
                    if (left.packet != null) {
                        queuedBytes.addAndGet(-left.packet.readableBytes());
                        left.packet.release();
                    }
                }
                drainScheduled.set(false);
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        Outbound o;
        Outbound next = outbound.poll();
        while ((o = next) != null) {
            next = outbound.poll();
            if (o.packet == null) {
                if (!isFinished()) {
                    pool.release(o.streamId);
                }
                continue;
            }
            queuedBytes.addAndGet(-o.packet.readableBytes());
            if (isFinished()) {
                // Raced with the path's end: let the owner place it on another path.
                if (o.retransmittable) {
                    owner.onOrphanedFrames(this, List.of(o.packet));
                } else {
                    o.packet.release();
                }
                continue;
            }
            if (o.streamId == CONTROL) {
                writeControl(o.packet, o.retransmittable);
            } else {
                ByteBuf packet = o.packet;
                if (mergeable(o) && sameRun(o, next, packet.readableBytes())) {
                    // Small writes queued together for one stream go out as one packet of several STREAM frames:
                    // one header, one packet number, one log entry and one acknowledgement instead of one each.
                    int total = packet.readableBytes();
                    mergeRun.add(packet);
                    do {
                        total += next.packet.readableBytes();
                        queuedBytes.addAndGet(-next.packet.readableBytes());
                        mergeRun.add(next.packet);
                        next = outbound.poll();
                    } while (sameRun(o, next, total));
                    packet = Frames.newPacket(total);
                    for (ByteBuf b : mergeRun) {
                        packet.writeBytes(b);
                        b.release();
                    }
                    mergeRun.clear();
                }
                ChannelPool.DataChannel dc = pool.channelFor(o.streamId);
                pool.write(dc, number(packet, o.retransmittable, true));
            }
        }
        flush();
    }

    /** A data-channel packet small enough to share a packet with the writes queued after it for its stream. */
    private static boolean mergeable(Outbound o) {
        return o != null && o.packet != null && o.retransmittable && o.streamId != CONTROL
                && o.packet.readableBytes() <= MERGE_BYTES / 2;
    }

    /** Whether {@code next} joins the packet of {@code first}'s stream that holds {@code total} bytes of frames. */
    private static boolean sameRun(Outbound first, Outbound next, int total) {
        return mergeable(next) && next.streamId == first.streamId && total + next.packet.readableBytes() <= MERGE_BYTES;
    }

    /** Largest frames of a packet that {@link #drain} merges from several queued writes. */
    static final int MERGE_BYTES = 16 << 10;

    private void flush() {
        pool.flush();
        if (!controlBatch.isEmpty()) {
            controlBatch.writeTo(conn.controlChannel());
        }
    }

    private void writeControl(ByteBuf packet, boolean retransmittable) {
        controlBatch.add(number(packet, retransmittable, false));
    }

    /** Gives the packet its number and header (written into the room in front of the frames). */
    private ByteBuf number(ByteBuf p, boolean retransmittable, boolean data) {
        int framesStart = p.readerIndex();
        int framesLen = p.readableBytes();
        long pn = nextPn++;
        int pnLen = VarInt.size(pn);
        int bodyLen = pnLen + framesLen;
        int start = framesStart - pnLen - VarInt.size(bodyLen);
        int at = start + VarInt.set(p, start, bodyLen);
        VarInt.set(p, at, pn);
        p.readerIndex(start);
        if (retransmittable && sent.unacked() == 0) {
            framesNowOutstanding();
        }
        sent.add(pn, retransmittable ? p.retainedSlice(framesStart, framesLen) : null, data);
        unackedBytes = sent.unackedBytes();
        bytesSent += p.readableBytes();
        packetsSent++;
        return p;
    }

    private ByteBuf newControlPacket(int frameBytes) {
        return Frames.newPacket(frameBytes);
    }

    // ------------------------------------------------------------------ inbound (event loop)

    /**
     * Holds data-channel packets that arrive before the handshake completed (the server's first stream data
     * can overtake its HELLO_OK on another QUIC stream); {@link #activate} replays them. Client side only.
     */
    public void bufferEarlyData() {
        earlyData = new ArrayDeque<>();
    }

    /** One packet body (packet number and frames) from a data or control channel; the caller owns it (retain to keep it). */
    public void onPacket(ByteBuf body, boolean fromControl) {
        if (isFinished()) {
            watchCloseAck(body);
            return;
        }
        if (!fromControl && state == PathState.CONNECTING) {
            if (earlyData == null || earlyData.size() >= MAX_EARLY_PACKETS || earlyBytes + body.readableBytes() > MAX_EARLY_BYTES) {
                protocolError(ErrorCode.PROTOCOL_VIOLATION, "data before the session was established"
                        + (earlyData == null ? "" : " (more than " + MAX_EARLY_PACKETS + " packets or " + MAX_EARLY_BYTES + " bytes)"));
            } else {
                earlyBytes += body.readableBytes();
                earlyData.add(body.retain());
            }
            return;
        }
        onPacket(body);
    }

    private void onPacket(ByteBuf body) {
        assert conn.eventLoop().inEventLoop() : "path " + id + " packet handled off its event loop";
        try {
            long pn = VarInt.read(body);
            bytesReceived += body.readableBytes();
            packetsReceived++;
            liveness.heard();
            if (state == PathState.DEGRADED) {
                state = PathState.ACTIVE;
                log.debug("path={} state=ACTIVE (heard from again)", id);
                owner.onStateChanged(this, PathState.DEGRADED);
                if (sent.unacked() > 0) {
                    armProbe();
                }
            }
            if (!batchEndQueued) {
                batchEndQueued = true;
                conn.afterReadBatch(batchEnd);
            }
            if (decoder.decode(body, owner, this)) {
                acks.received(pn);
            }
        } catch (WireException e) {
            protocolError(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("path={} event=internal-error", id, e);
            protocolError(ErrorCode.INTERNAL_ERROR, "internal error: " + e);
        }
    }

    /** Runs tasks at the end of the read batch in progress (see {@link PathConnection#afterReadBatch}). Event loop. */
    public Executor afterReadBatch() {
        return afterReadBatch;
    }


    /** End of the read batch on this path's socket: acknowledge what arrived (one ACK per batch), answer PINGs, flush. */
    private void endOfReadBatch() {
        batchEndQueued = false;
        if (isFinished()) {
            return;
        }
        if (pongDue >= 0) {
            ByteBuf p = newControlPacket(10);
            Frames.pong(p, pongDue);
            writeControl(p, false);
            pongDue = -1;
        }
        while (acks.hasPending()) {
            int n = acks.drainRanges(ackRanges);
            ByteBuf p = newControlPacket(2 + 16 * n + 16);
            Frames.ack(p, ackRanges, n);
            writeControl(p, false);
        }
        flush();
    }

    /** A wire error on this path: tell the peer with CLOSE, then close the path. */
    public void protocolError(ErrorCode code, String reason) {
        if (isFinished()) {
            return;
        }
        log.debug("path={} event=protocol-error code={} reason={}", id, code, reason);
        sendCloseAndClose(code, 0, reason, false);
    }

    /**
     * Sends CLOSE, then closes the QUIC connection once it is written (the QUIC application close carries the
     * same code and reason, for a peer that loses the race with the frame). Any thread: runs on the path's event
     * loop (now if called there).
     */
    public void sendCloseAndClose(ErrorCode code, long applicationCode, String reason, boolean byPeer) {
        if (isFinished() || !onOwnLoop(() -> sendCloseAndClose(code, applicationCode, reason, byPeer))) {
            return;
        }
        String r = reason.length() > 256 ? reason.substring(0, 256) : reason;
        if (conn.controlChannel() == null) {
            close(code, r, byPeer);
            return;
        }
        ByteBuf p = newControlPacket(32 + r.length() * 3);
        Frames.close(p, code.wireValue(), applicationCode, r);
        long pn = nextPn;
        writeControl(p, false);
        flush();
        closeAck = new CloseAck(pn);
        close(code, r, byPeer);
    }

    /** Closes the path deliberately (CLOSED). Idempotent; any thread (runs on the path's event loop). */
    public void close(ErrorCode code, String reason, boolean byPeer) {
        if (onOwnLoop(() -> close(code, reason, byPeer))) {
            finish(PathState.CLOSED, code, reason, byPeer);
        }
    }

    /** The path failed (DEAD): connection lost, idle or heartbeat timeout. Idempotent; any thread (runs on the event loop). */
    public void die(ErrorCode code, String reason) {
        if (onOwnLoop(() -> die(code, reason))) {
            finish(PathState.DEAD, code, reason, false);
        }
    }

    /**
     * Closes the path from a task of its event loop, never now: for a session ending paths while it handles a
     * frame or another path's end, which must not re-enter it (the frame's own path included).
     */
    public void closeSoon(ErrorCode code, String reason, boolean byPeer) {
        later(() -> close(code, reason, byPeer));
    }

    /** {@link #sendCloseAndClose} from a task of the event loop, never now (see {@link #closeSoon}). */
    public void sendCloseSoon(ErrorCode code, String reason) {
        later(() -> sendCloseAndClose(code, 0, reason, false));
    }

    private void later(Runnable task) {
        try {
            conn.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("path={} event=close-after-shutdown", id);
        }
    }

    /**
     * Whether the caller is on this path's event loop; if not, {@code again} is queued there (Netty QUIC's own
     * rule: channel state changes only on its loop) and the caller returns. A loop already shut down has nothing
     * left to close.
     */
    private boolean onOwnLoop(Runnable again) {
        if (conn.eventLoop().inEventLoop()) {
            return true;
        }
        later(again);
        return false;
    }

    /** Whether the path ended (DEAD or CLOSED). */
    public boolean isFinished() {
        PathState s = state;
        return s == PathState.DEAD || s == PathState.CLOSED;
    }

    /**
     * Ends the path: stops the heartbeat, closes the QUIC connection, and gives the owner every frame not yet
     * acknowledged (queued or sent) so it can re-send them elsewhere; the owner then owns those buffers.
     */
    private void finish(PathState end, ErrorCode code, String reason, boolean byPeer) {
        if (isFinished()) {
            return;
        }
        stateBeforeEnd = state;
        state = end;
        closedAtMillis = System.currentTimeMillis();
        closeReason = reason;
        log.debug("path={} state={} code={} reason={}", id, end, code, reason);
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        pool.close();
        controlBatch.release();
        if (earlyData != null) {
            earlyData.forEach(ByteBuf::release);
            earlyData.clear();
        }
        List<ByteBuf> orphans = new ArrayList<>();
        sent.drainTo(orphans::add);
        unackedBytes = 0;
        Outbound o;
        while ((o = outbound.poll()) != null) {
            if (o.packet != null) {
                queuedBytes.addAndGet(-o.packet.readableBytes());
                if (o.retransmittable) {
                    orphans.add(o.packet);
                } else {
                    o.packet.release();
                }
            }
        }
        completeDrainWaiters();
        if (closeAck != null && conn.isActive()) {
            // Sent CLOSE: QUIC closes once the peer acknowledged it (or closes first), at most deadAfter from now.
            quicCloseCode = code;
            quicCloseReason = reason;
            quicCloseDeadline = conn.eventLoop().schedule(this::closeQuic,
                    Math.min(liveness.deadAfterMillis(), MAX_CLOSE_ACK_WAIT_MS), TimeUnit.MILLISECONDS);
        } else {
            conn.close(code, reason);
        }
        owner.onPathClosed(this, code, reason, byPeer);
        if (!orphans.isEmpty()) {
            owner.onOrphanedFrames(this, orphans);
        }
    }

    /** After this path sent CLOSE and ended: reads only the ACK of that CLOSE, then closes QUIC. Event loop. */
    private void watchCloseAck(ByteBuf body) {
        CloseAck watch = closeAck;
        if (watch == null || quicCloseDeadline == null) {
            return;
        }
        try {
            VarInt.read(body);
            decoder.decode(body, watch, this);
        } catch (WireException | RuntimeException e) {
            log.debug("path={} event=after-close-packet-ignored reason={}", id, e.toString());
        }
        if (watch.acknowledged()) {
            closeQuic();
        }
    }

    /** The deferred QUIC close (see {@link #watchCloseAck}), once: on the CLOSE's ACK, at the deadline, or when QUIC went away. */
    private void closeQuic() {
        ScheduledFuture<?> deadline = quicCloseDeadline;
        if (deadline == null) {
            return;
        }
        quicCloseDeadline = null;
        closeAck = null;
        deadline.cancel(false);
        conn.close(quicCloseCode, quicCloseReason);
    }

    /** The QUIC connection went away (closed by the peer or lost): nothing left to wait for. Event loop. */
    public void onConnectionGone() {
        closeQuic();
    }

    /** Hands the unacknowledged frames to {@code sink} (for re-sending elsewhere) and forgets them. Event loop. */
    public void drainUnacked(Consumer<ByteBuf> sink) {
        sent.drainTo(sink);
    }

    // ------------------------------------------------------------------ heartbeat

    /** Marks the path active and starts PING every {@code intervalMillis}. Event loop. */
    public void activate(long intervalMillis, long deadAfterMillis) {
        assert conn.eventLoop().inEventLoop() : "path " + id + " activated off its event loop";
        liveness.start(intervalMillis, deadAfterMillis);
        conn.remoteAddress(); // remember the peer while the connection still knows it
        state = PathState.ACTIVE;
        conn.sampleStats(this); // the scheduler's rate and window from the handshake on, not from the first PING
        heartbeat = conn.eventLoop().scheduleAtFixedRate(this::ping, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        if (sent.unacked() > 0) {
            framesNowOutstanding();
        }
        if (earlyData != null) {
            ByteBuf b;
            while ((b = earlyData.poll()) != null) {
                try {
                    onPacket(b);
                } finally {
                    b.release();
                }
            }
            earlyData = null;
        }
    }

    /** The heartbeat tick: sample QUIC's figures, decide on death or DEGRADED (see {@link Liveness}), send a PING. */
    private void ping() {
        if (isFinished()) {
            return;
        }
        conn.sampleStats(this);
        switch (liveness.verdict(state == PathState.ACTIVE)) {
            case DEAD -> {
                die(ErrorCode.CONNECTION_LOST, "heartbeat-timeout: nothing received for over " + liveness.deadAfterMillis() + " ms");
                return;
            }
            case SUSPECT -> suspect(liveness.silentMillis());
            case ALIVE -> { }
        }
        long seq = liveness.nextPing();
        if (seq >= 0) {
            ByteBuf p = newControlPacket(10);
            Frames.ping(p, seq);
            writeControl(p, false);
            flush();
        }
    }

    /**
     * Heard nothing for a while: DEGRADED. The scheduler prefers ACTIVE paths from now on, and copies of the
     * STREAM frames this path has not seen acknowledged go out on other paths at once, instead of after
     * {@code deadAfter}; the path keeps its own (it may still deliver them; the receiver drops what it has).
     * Anything received makes it ACTIVE again. Event loop.
     */
    private void suspect(long silentMillis) {
        state = PathState.DEGRADED;
        log.debug("path={} state=DEGRADED silent={}ms", id, silentMillis);
        owner.onStateChanged(this, PathState.ACTIVE);
        List<ByteBuf> copies = new ArrayList<>();
        sent.copyData(copies::add);
        if (!copies.isEmpty()) {
            owner.onSuspectFrames(this, copies);
        }
    }

    /** Frames have just become unacknowledged (none were): the probe's silence counts from now. Event loop. */
    private void framesNowOutstanding() {
        inFlightSinceNanos = System.nanoTime();
        armProbe();
    }

    /** Starts the probe timer unless it runs: frames are now unacknowledged on an ACTIVE path. Event loop. */
    private void armProbe() {
        if (!probeArmed && state == PathState.ACTIVE) {
            probeArmed = true;
            conn.eventLoop().schedule(probeCheck, liveness.probeTimeoutNanos(quicRttNanos), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The probe timer: frames have been unacknowledged and nothing heard for {@link Liveness#probeTimeoutNanos}
     * makes an ACTIVE path DEGRADED at once (its unacknowledged data is copied to other paths), instead of at the
     * heartbeat tick after two silent intervals. Re-arms itself while frames stay unacknowledged; stops when
     * the log is empty (the next frame sent re-arms it). Event loop.
     */
    private void probeCheck() {
        probeArmed = false;
        if (state != PathState.ACTIVE || sent.unacked() == 0) {
            return;
        }
        long quietSince = Math.max(liveness.lastHeardNanos(), inFlightSinceNanos);
        long due = quietSince + liveness.probeTimeoutNanos(quicRttNanos) - System.nanoTime();
        if (due <= 0) {
            suspect(liveness.silentMillis());
            return;
        }
        probeArmed = true;
        conn.eventLoop().schedule(probeCheck, due, TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------ frames

    /**
     * Answered at the end of the read batch, once for the batch's latest PING: a peer's heartbeat has one PING
     * outstanding, so it loses nothing, and a flood of PINGs costs one PONG per batch instead of one each.
     */
    void onPing(long seq) {
        pongDue = seq;
    }

    void onPong(long seq) {
        liveness.onPong(seq);
    }

    /** The heartbeat's windowed minimum RTT; before the first PONG, QUIC's RTT from the handshake. */
    @Override
    public long minRttNanos() {
        long m = rtt.minNanos();
        return m > 0 ? m : quicRttNanos;
    }

    void onAck(long[] ranges, int rangeCount) throws WireException {
        for (int i = 0; i < rangeCount; i++) {
            sent.ack(ranges[2 * i + 1], ranges[2 * i]);
        }
        unackedBytes = sent.unackedBytes();
        long now = System.nanoTime();
        if (now - statsSampledNanos > BUSY_STATS_INTERVAL_NANOS) {
            // While data flows, QUIC's window and RTT move within a few round trips: the scheduler needs them
            // fresher than the heartbeat gives them.
            statsSampledNanos = now;
            conn.sampleStats(this);
        }
        if (!drainWaiters.isEmpty() && isDrained()) {
            completeDrainWaiters();
        }
    }

    private boolean isDrained() {
        return sent.unacked() == 0 && outbound.isEmpty();
    }

    private void completeDrainWaiters() {
        for (CompletableFuture<Void> f : drainWaiters) {
            f.complete(null);
        }
        drainWaiters.clear();
    }

    /** Completes once every packet queued so far was sent and acknowledged, or the path closed. Any thread. */
    public CompletableFuture<Void> whenDrained() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            conn.eventLoop().execute(() -> {
                if (isFinished() || isDrained()) {
                    f.complete(null);
                } else {
                    drainWaiters.add(f);
                }
            });
        } catch (RejectedExecutionException e) {
            f.complete(null);
        }
        return f;
    }

    @Override
    public void onQuicStats(long lost, long retransmitted, long cwnd, long rttNanos) {
        packetsLost = lost;
        packetsRetransmitted = retransmitted;
        congestionWindow = cwnd;
        quicRttNanos = rttNanos;
    }

    /** QUIC's congestion window as last sampled, bytes; 0 before the first sample. */
    @Override
    public long congestionWindowBytes() {
        return congestionWindow;
    }

    /**
     * What this path delivers, bytes per second: QUIC's congestion window over its smoothed RTT as last sampled
     * (the rate its congestion controller allows, which on a saturated path is the rate it achieves); 0 before
     * the first sample.
     */
    @Override
    public long deliveryRateBytesPerSecond() {
        long r = quicRttNanos;
        return r <= 0 ? 0 : congestionWindow * 1_000_000_000L / r;
    }

    // ------------------------------------------------------------------ observation (any thread)

    /** An immutable view of this path for the public API, as seen from this end. */
    public PathInfo snapshot(InetSocketAddress remote, Role role, boolean isDefault) {
        long closed = closedAtMillis;
        return PathInfo.builder(id, remote, role, state, Instant.ofEpochMilli(createdAtMillis))
                .isDefault(isDefault)
                .lastActiveAt(Instant.ofEpochMilli(lastActiveAtMillis()))
                .closed(closed == 0 ? null : Instant.ofEpochMilli(closed), closeReason)
                .smoothedRtt(Duration.ofNanos(rtt.smoothedNanos()))
                .traffic(bytesSent, bytesReceived, packetsSent, packetsReceived)
                .quic(packetsLost, packetsRetransmitted, congestionWindow)
                .preferences(weight, backup)
                .route(clientInterface, serverAddress)
                .build();
    }

    public PathState state() {
        return state;
    }

    /** The state the path was in when it ended (ACTIVE, DEGRADED or CONNECTING). */
    public PathState stateBeforeEnd() {
        return stateBeforeEnd;
    }

    public InetSocketAddress remoteAddress() {
        return conn.remoteAddress();
    }

    public long createdAtMillis() {
        return createdAtMillis;
    }

    /** When the path was last heard from (wall clock, derived from the monotonic one Liveness keeps). */
    public long lastActiveAtMillis() {
        return createdAtMillis + TimeUnit.NANOSECONDS.toMillis(liveness.lastHeardNanos() - createdAtNanos);
    }

    public long closedAtMillis() {
        return closedAtMillis;
    }

    public String closeReason() {
        return closeReason;
    }

    public long smoothedRttNanos() {
        return rtt.smoothedNanos();
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long packetsReceived() {
        return packetsReceived;
    }

    /** Data channels open now (event loop for an exact value). */
    public int dataChannels() {
        return pool.size();
    }

    /** Retransmittable packets not yet acknowledged (event loop for an exact value). */
    public int unackedPackets() {
        return sent.unacked();
    }

}

package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.KwikStream;
import dev.kwik.KwikStreamException;
import dev.kwik.StreamReceiver;
import dev.kwik.internal.EventLoops;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.VarInt;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A logical stream: its send side (offsets, peer credit, FIN/reset) and receive side (reassembly, local
 * credit, EOF/reset). Application threads block here; event-loop threads deliver frames and credit.
 *
 * <p>One {@link ReentrantLock} guards both sides' state; a second lock serialises whole messages among
 * concurrent writers so that two writes never interleave their frames' offsets.
 */
public final class LogicalStream implements KwikStream {
    private enum SendState { OPEN, FIN_SENT, RESET_SENT, STOPPED, NONE }

    private enum RecvState { OPEN, DONE, RESET_RECEIVED, STOPPED_LOCALLY, FAILED, NONE }

    private static final int[] NO_SOURCES = new int[0];
    /**
     * Stream credit moves on each time the reader has passed 1/4 of the window, so that at least 3/4 of it stays
     * granted. Granting it in halves left the writer waiting for credit once per half window (2 MiB steps of a
     * 4 MiB window): on two 100 Mbit/s paths to one server, 0.891 and 0.892 of the links in halves, 0.914 and 0.899
     * in quarters (NetBench, 3 runs each). One MAX_STREAM_DATA of a few bytes per quarter window read.
     */
    private static final int CREDIT_STEPS = 4;

    private final long id;
    private final boolean local;
    private final StreamHost host;
    private final ReentrantLock lock = new BriefLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final ReentrantLock writeLock = new ReentrantLock();

    // send side
    private SendState sendState;
    private long nextWriteOffset;
    private long highestSent;
    private long peerMaxStreamData;
    private long stoppedCode;

    // receive side
    private RecvState recvState;
    private final ReceiveBuffer buffer;
    /**
     * The start of the current message, already taken from the buffer by a {@code readMessage} that then gave up
     * (timeout, interrupt): the next read returns it first, so a timed-out read leaves the stream as it found it.
     * Guarded by {@link #lock}.
     */
    private byte[] partial;
    private int partialOff;
    private int partialLen;
    private long advertisedMax;
    private long resetCode;
    /** The final size set by a RESET_STREAM, or by a FIN after the receive side ended (else the buffer's), else -1. */
    private long finalSizeSeen = -1;
    /** Why reads fail in state FAILED. */
    private KwikException recvFailure;
    /** Session credit per writer for this stream's bytes. */
    private final WriterCredit credit;

    private KwikException closedCause;
    private boolean retired;
    /**
     * {@link #wakeReaders} (which also delivers to a receiver) is queued on an event loop, at the end of a read batch
     * ({@link #onStreamFrame}) or by {@link #deliverSoon}; guarded by {@link #lock}.
     */
    private boolean wakeQueued;
    private final Runnable wakeReaders = this::wakeReaders;
    /** Push-style reading ({@link #receive}): where the bytes go instead of to readers. Written under {@link #lock}. */
    private volatile StreamReceiver receiver;
    private boolean receiverPaused;
    /** A receiver call is running on this thread (calls it makes back into the stream must not deliver again). */
    private boolean delivering;
    /** The receiver had its last call (onEnd or onError). */
    private boolean receiverDone;
    /** A secondary's writer into the client's stream: no receive side, and close() sends no FIN. */
    private boolean attached;

    /** A send-only writer into a stream the peer owns (see {@link StreamTable#attach}). */
    static LogicalStream attached(long id, StreamHost host, long peerMaxStreamData) {
        LogicalStream s = new LogicalStream(id, true, host, peerMaxStreamData);
        s.attached = true;
        s.sendState = SendState.OPEN;
        s.recvState = RecvState.NONE;
        return s;
    }

    public LogicalStream(long id, boolean local, StreamHost host, long peerMaxStreamData) {
        this.id = id;
        this.local = local;
        this.host = host;
        boolean uni = StreamIds.isUni(id);
        this.sendState = uni && !local ? SendState.NONE : SendState.OPEN;
        this.recvState = uni && local ? RecvState.NONE : RecvState.OPEN;
        this.peerMaxStreamData = peerMaxStreamData;
        this.advertisedMax = host.streamWindow();
        this.buffer = new ReceiveBuffer(host.heldPieces());
        this.credit = new WriterCredit(host.sessionFlow(), host::maxDataDue);
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public boolean isBidirectional() {
        return !StreamIds.isUni(id);
    }

    @Override
    public boolean isLocal() {
        return local;
    }

    // ------------------------------------------------------------------ receive side (application threads)

    @Override
    public int read(byte[] b, int off, int len) {
        return read(b, off, len, -1);
    }

    @Override
    public int read(byte[] b, int off, int len, Duration timeout) {
        return read(b, off, len, timeout.toNanos());
    }

    private int read(byte[] b, int off, int len, long timeoutNanos) {
        Objects.checkFromIndexSize(off, len, b.length);
        EventLoops.checkMayBlock("read");
        if (len == 0) {
            return 0;
        }
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        checkNoReceiver("read");
        lock.lock();
        try {
            if (partialLen > 0 && recvState == RecvState.OPEN) {
                return takePartial(b, off, len);
            }
            for (;;) {
                checkReadable();
                int n = buffer.read(b, off, len);
                if (n > 0) {
                    afterRead(n);
                    return n;
                }
                if (n < 0) {
                    finishReceive();
                    return -1;
                }
                await(readable, timeoutNanos, deadline, "read");
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] readMessage() {
        return readMessage(-1);
    }

    @Override
    public byte[] readMessage(Duration timeout) {
        return readMessage(timeout.toNanos());
    }

    private byte[] readMessage(long timeoutNanos) {
        EventLoops.checkMayBlock("readMessage");
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        checkNoReceiver("readMessage");
        lock.lock();
        // What an earlier readMessage that gave up took of this message comes first.
        byte[] acc = partial;
        int accLen = partialLen;
        if (acc != null && partialOff > 0) {
            // A plain read took the first bytes of what was kept: the message goes on from there.
            acc = Arrays.copyOfRange(acc, partialOff, partialLen);
            accLen = acc.length;
        }
        partial = null;
        partialOff = 0;
        partialLen = 0;
        try {
            for (;;) {
                checkReadable();
                if (buffer.isFinished()) {
                    finishReceive();
                    return acc == null ? null : Arrays.copyOf(acc, accLen);
                }
                long boundary = buffer.boundary();
                if (acc == null && buffer.wholeMessageReadable()) {
                    // Fast path: the whole message is here; one exact allocation.
                    byte[] m = new byte[(int) (boundary - buffer.readOffset())];
                    int n = buffer.read(m, 0, m.length);
                    afterRead(n);
                    return m;
                }
                int avail = buffer.readableNow();
                if (avail > 0) {
                    // A message larger than what is buffered (possibly larger than the window): drain as it comes
                    // so that credit flows back to the sender.
                    if (acc == null) {
                        long hint = boundary == Long.MAX_VALUE ? avail : boundary - buffer.readOffset();
                        acc = new byte[(int) Math.min(Math.max(hint, avail), Integer.MAX_VALUE - 8)];
                    } else if (acc.length - accLen < avail) {
                        acc = Arrays.copyOf(acc, Math.max(acc.length * 2, accLen + avail));
                    }
                    int n = buffer.read(acc, accLen, avail);
                    accLen += n;
                    afterRead(n);
                    if (buffer.readOffset() == boundary) {
                        byte[] m = acc.length == accLen ? acc : Arrays.copyOf(acc, accLen);
                        acc = null;
                        return m;
                    }
                    continue;
                }
                await(readable, timeoutNanos, deadline, "readMessage");
            }
        } finally {
            if (acc != null && accLen > 0 && recvState == RecvState.OPEN && closedCause == null) {
                // Gave up (timeout, interrupt) part-way through a message: keep what was taken for the next read.
                partial = acc;
                partialLen = accLen;
            }
            lock.unlock();
        }
    }

    /** Forgets {@link #partial} (the stream was reset, stopped or failed: its bytes are dropped). Lock held. */
    private void dropPartial() {
        partial = null;
        partialOff = 0;
        partialLen = 0;
    }

    /** Serves {@link #partial} to a plain read: up to {@code len} of its bytes, never past the message end. Lock held. */
    private int takePartial(byte[] b, int off, int len) {
        int n = Math.min(len, partialLen - partialOff);
        System.arraycopy(partial, partialOff, b, off, n);
        partialOff += n;
        if (partialOff == partialLen) {
            partial = null;
            partialOff = 0;
            partialLen = 0;
        }
        return n;
    }

    private void checkReadable() {
        if (recvState == RecvState.NONE) {
            throw noReceivingSide();
        }
        // A reader that was waiting when receive() was called: the bytes are the receiver's now.
        checkNoReceiver("read");
        KwikException failure = receiveFailure();
        if (failure != null) {
            throw failure;
        }
    }

    private KwikException noReceivingSide() {
        return new KwikException(ErrorCode.STREAM_STATE_ERROR, "stream " + id + " is a local unidirectional stream: it has no receiving side");
    }

    /** Why reading fails now, or null if it does not. Lock held. */
    private KwikException receiveFailure() {
        return switch (recvState) {
            case FAILED -> recvFailure;
            case RESET_RECEIVED -> new KwikStreamException(ErrorCode.STREAM_RESET, id, resetCode,
                    "stream " + id + " was reset by the peer with code " + resetCode);
            case STOPPED_LOCALLY -> new KwikException(ErrorCode.STREAM_CLOSED, "stream " + id + ": reading after stopSending()");
            // After a graceful session close, what arrived in order stays readable; past it, the close.
            default -> closedCause != null && buffer.readableNow() == 0 && !buffer.isFinished() ? closedCause : null;
        };
    }

    private void checkNoReceiver(String op) {
        if (receiver != null) {
            throw new IllegalStateException(op + "() on stream " + id + ", whose bytes go to a StreamReceiver (receive() was called)");
        }
    }

    // ------------------------------------------------------------------ push-style reading (StreamReceiver)

    @Override
    public void receive(StreamReceiver r) {
        Objects.requireNonNull(r, "receiver");
        lock.lock();
        try {
            if (recvState == RecvState.NONE) {
                throw noReceivingSide();
            }
            if (receiver != null) {
                throw new IllegalStateException("stream " + id + " already has a StreamReceiver");
            }
            receiver = r;
            readableChanged();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void pauseReceiving() {
        lock.lock();
        try {
            receiverPaused = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resumeReceiving() {
        lock.lock();
        try {
            if (receiverPaused) {
                receiverPaused = false;
                deliverSoon();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Readers may have something new: wake blocked ones, or have the receiver called on an event loop. Lock held. */
    private void readableChanged() {
        readable.signalAll();
        if (receiver != null) {
            deliverSoon();
        }
    }

    /** Queues {@link #wakeReaders} (which delivers to the receiver) on the session's event loop. Lock held. */
    private void deliverSoon() {
        if (wakeQueued || receiver == null || receiverDone) {
            return;
        }
        wakeQueued = true;
        try {
            host.receiverLoop().execute(wakeReaders);
        } catch (RejectedExecutionException e) {
            // The event loops are gone (the client was closed): the last calls are made on this thread.
            wakeReaders();
        }
    }

    /**
     * Hands what is readable to the receiver, then its end or failure: the push-style twin of {@code read}. Runs on
     * an event loop with the lock held; calls the receiver makes back into this stream do not re-enter it.
     */
    private void deliver() {
        if (receiver == null || receiverDone || delivering) {
            return;
        }
        delivering = true;
        try {
            for (;;) {
                if (partialLen > 0 && recvState == RecvState.OPEN) {
                    // The start of a message a timed-out readMessage took before receive() was called.
                    ByteBuffer start = ByteBuffer.wrap(partial, partialOff, partialLen - partialOff);
                    dropPartial();
                    if (!handOver(start, false)) {
                        return;
                    }
                    continue;
                }
                KwikException failure = receiveFailure();
                if (failure != null) {
                    lastCall(failure);
                    return;
                }
                if (buffer.isFinished()) {
                    finishReceive();
                }
                if (recvState == RecvState.DONE) {
                    lastCall(null);
                    return;
                }
                ByteBuffer data;
                if (receiverPaused || (data = buffer.peek()) == null) {
                    return;
                }
                int n = data.remaining();
                if (!handOver(data, buffer.endsMessage(buffer.readOffset() + n))) {
                    return;
                }
                // Unless the call stopped the stream or closed the session, which dropped the bytes already.
                if (recvState == RecvState.OPEN && buffer.bufferedBytes() >= n) {
                    buffer.skip(n);
                    afterRead(n);
                }
            }
        } finally {
            delivering = false;
        }
    }

    /**
     * A frame's bytes straight to the receiver ({@link #onStreamFrame}'s bypass of the buffer, which already counts
     * them as read), then the stream's end if they were the last. Lock held.
     */
    private void passOn(ByteBuf data, boolean messageEnd) {
        int n = data.readableBytes();
        delivering = true;
        try {
            if (n > 0 && !handOver(data.nioBuffer(), messageEnd)) {
                return;
            }
        } finally {
            delivering = false;
        }
        if (recvState == RecvState.OPEN && n > 0) {
            afterRead(n);
        }
        if (buffer.isFinished() || recvState != RecvState.OPEN || closedCause != null) {
            deliver();
        }
    }

    /** One onData call; false if the receiver threw (the stream is then stopped and the receiver told). */
    private boolean handOver(ByteBuffer data, boolean messageEnd) {
        try {
            receiver.onData(this, data.asReadOnlyBuffer(), messageEnd);
            return true;
        } catch (RuntimeException e) {
            stopSending(0);
            KwikException failure = new KwikException(ErrorCode.STREAM_CLOSED, "stream " + id
                    + ": stopped because its StreamReceiver threw " + e);
            failure.initCause(e);
            lastCall(failure);
            return false;
        }
    }

    /** The receiver's last call: onEnd ({@code failure} null) or onError. */
    private void lastCall(KwikException failure) {
        receiverDone = true;
        try {
            if (failure == null) {
                receiver.onEnd(this);
            } else {
                receiver.onError(this, failure);
            }
        } catch (RuntimeException ignored) {
            // Nothing more will be called: there is no one left to tell.
        }
    }

    /**
     * Sends MAX_STREAM_DATA with the credit already advertised, if this side still receives: the earlier one may
     * be stuck on a path that went silent (idempotent: the peer keeps the larger maximum).
     */
    public void announceCredit() {
        lock.lock();
        try {
            if (closedCause != null || !moreDataToCome()) {
                return;
            }
            ByteBuf p = host.newPacket(24);
            Frames.maxStreamData(p, id, advertisedMax);
            host.sendToAllWriters(p);
        } finally {
            lock.unlock();
        }
    }

    private void afterRead(int n) {
        if (closedCause != null) {
            if (buffer.isFinished()) {
                finishReceive();
            }
            return; // the session is gone: no credit to give back
        }
        if (moreDataToCome() && advertisedMax - buffer.readOffset() < host.streamWindow() - host.streamWindow() / CREDIT_STEPS) {
            advertisedMax = buffer.readOffset() + host.streamWindow();
            ByteBuf p = host.newPacket(24);
            Frames.maxStreamData(p, id, advertisedMax);
            host.sendToAllWriters(p);
        }
        reportConsumed(buffer.readOffset());
        if (buffer.isFinished()) {
            finishReceive();
        }
    }

    /**
     * Whether writers may still need stream credit: no final size yet, or one past the credit granted (a bare FIN
     * may set a final size beyond it while other writers still fill the bytes below).
     */
    private boolean moreDataToCome() {
        long fs = buffer.finalSize();
        return fs < 0 || advertisedMax < fs;
    }

    private void reportConsumed(long mark) {
        credit.consumedUpTo(mark);
    }

    private void finishReceive() {
        if (recvState == RecvState.OPEN) {
            recvState = RecvState.DONE;
            maybeRetire();
        }
    }

    // ------------------------------------------------------------------ send side (application threads)

    @Override
    public void write(byte[] b, int off, int len) {
        writeMessage(-1, b, off, len);
    }

    @Override
    public void write(long offset, byte[] b, int off, int len) {
        if (offset < 0 || offset > VarInt.MAX - len) {
            throw new IllegalArgumentException("offset must be in [0, 2^62 - len): " + offset);
        }
        writeMessage(offset, b, off, len);
    }

    /**
     * Sends one message. Its range is reserved under the write lock (at {@code at}, or at the write position,
     * which then moves past it); frames then go out without that lock, so writers of different ranges never wait
     * for each other: one blocked on credit at a high offset cannot stop another from filling a gap below.
     */
    private void writeMessage(long at, byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        EventLoops.checkMayBlock("write");
        long base;
        writeLock.lock();
        try {
            lock.lock();
            try {
                checkWritable();
            } finally {
                lock.unlock();
            }
            if (len == 0) {
                return;
            }
            if (at < 0) {
                base = nextWriteOffset;
                nextWriteOffset = base + len;
            } else {
                base = at;
            }
        } finally {
            writeLock.unlock();
        }
        int pos = 0;
        while (pos < len) {
            long offset = base + pos;
            int want = Math.min(len - pos, host.maxFramePayload());
            long above;
            lock.lock();
            try {
                for (;;) {
                    checkWritable();
                    long credit = peerMaxStreamData - offset;
                    if (credit > 0) {
                        want = (int) Math.min(want, credit);
                        break;
                    }
                    await(writable, -1, 0, "write");
                }
                above = offset + want - highestSent;
                if (above > 0) {
                    highestSent = offset + want;
                }
            } finally {
                lock.unlock();
            }
            for (long need = above; need > 0; ) {
                need -= host.acquireSessionCredit(need);
            }
            boolean last = pos + want == len;
            ByteBuf p = host.newPacket(Frames.MAX_STREAM_HEADER + want);
            Frames.stream(p, id, offset, false, last, b, off + pos, want);
            lock.lock();
            try {
                if (sendState != SendState.OPEN || closedCause != null) {
                    p.release();
                    checkWritable();
                }
            } finally {
                lock.unlock();
            }
            host.sendStreamPacket(id, p);
            pos += want;
        }
    }

    private void checkWritable() {
        if (closedCause != null) {
            throw closedCause;
        }
        switch (sendState) {
            case NONE -> throw new KwikException(ErrorCode.STREAM_STATE_ERROR,
                    "stream " + id + " is the peer's unidirectional stream: this side cannot write");
            case FIN_SENT -> throw new KwikException(ErrorCode.STREAM_CLOSED, "stream " + id + " is closed for writing");
            case RESET_SENT -> throw new KwikException(ErrorCode.STREAM_CLOSED, "stream " + id + " was reset locally");
            case STOPPED -> throw new KwikStreamException(ErrorCode.STREAM_STOPPED, id, stoppedCode,
                    "peer asked to stop sending on stream " + id + " with code " + stoppedCode);
            default -> {
            }
        }
    }

    @Override
    public long writePosition() {
        writeLock.lock();
        try {
            return nextWriteOffset;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void writePosition(long offset) {
        if (offset < 0 || offset > VarInt.MAX) {
            throw new IllegalArgumentException("offset must be in [0, 2^62): " + offset);
        }
        writeLock.lock();
        try {
            nextWriteOffset = offset;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        closeAt(-1);
    }

    @Override
    public void close(long finalSize) {
        if (finalSize < 0 || finalSize > VarInt.MAX) {
            throw new IllegalArgumentException("final size must be in [0, 2^62): " + finalSize);
        }
        closeAt(finalSize);
    }

    /**
     * Sends FIN at {@code requested}, or (if negative) at the highest offset written or the write position if
     * beyond. Never waits: a FIN without data needs no credit (docs/PROTOCOL.md), so ending a stream whose ranges
     * other writers still fill does not depend on how far the peer has read.
     */
    private void closeAt(long requested) {
        writeLock.lock();
        try {
            lock.lock();
            try {
                if (sendState != SendState.OPEN || closedCause != null) {
                    return;
                }
                if (attached) {
                    if (requested >= 0) {
                        throw new KwikException(ErrorCode.STREAM_STATE_ERROR, "stream " + id + " belongs to the client and "
                                + "its primary: a secondary's writer cannot set its final size; close() releases the writer");
                    }
                    // The primary's FIN sets the final size; an attached writer just stops.
                    sendState = SendState.FIN_SENT;
                    maybeRetire();
                    return;
                }
                long finalSize = requested >= 0 ? requested : Math.max(highestSent, nextWriteOffset);
                if (finalSize < highestSent) {
                    throw new IllegalArgumentException("final size " + finalSize + " is below the " + highestSent
                            + " bytes already written on stream " + id);
                }
                sendState = SendState.FIN_SENT;
                highestSent = finalSize;
                ByteBuf p = host.newPacket(Frames.MAX_STREAM_HEADER);
                Frames.streamHeader(p, id, finalSize, true, false, 0);
                host.sendStreamPacket(id, p);
                maybeRetire();
            } finally {
                lock.unlock();
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void reset(long code) {
        checkCode(code);
        lock.lock();
        try {
            if (sendState != SendState.OPEN || closedCause != null) {
                return;
            }
            sendReset(code, SendState.RESET_SENT);
        } finally {
            lock.unlock();
        }
    }

    private void sendReset(long code, SendState newState) {
        sendState = newState;
        ByteBuf p = host.newPacket(32);
        Frames.resetStream(p, id, code, highestSent);
        host.sendStreamPacket(id, p);
        writable.signalAll();
        maybeRetire();
    }

    @Override
    public void stopSending(long code) {
        checkCode(code);
        lock.lock();
        try {
            if (recvState != RecvState.OPEN || closedCause != null) {
                return;
            }
            recvState = RecvState.STOPPED_LOCALLY;
            buffer.discard();
            dropPartial();
            reportConsumed(buffer.highestOffset());
            ByteBuf p = host.newPacket(24);
            Frames.stopSending(p, id, code);
            host.sendToAllWriters(p);
            readableChanged();
        } finally {
            lock.unlock();
        }
    }

    private static void checkCode(long code) {
        if (code < 0 || code > VarInt.MAX) {
            throw new IllegalArgumentException("application code must be in [0, 2^62): " + code);
        }
    }

    // ------------------------------------------------------------------ frames from the peer (event loop)

    /**
     * A STREAM frame for this stream. Readers are not woken here but once per read batch: the wake-up goes to
     * {@code afterBatch} (the receiving path's event loop, which runs it after the I/O it is processing), once
     * per stream until it has run. Waking the reader per frame was 14% of the receiving loop with 1 KiB messages
     * (an unpark each, and the reader then contending for this lock with the next frame). The writer's growth
     * counts against its session credit here ({@link WriterCredit}).
     */
    public void onStreamFrame(long offset, ByteBuf data, boolean fin, boolean messageEnd, int source,
                              Executor afterBatch) throws WireException {
        int[] violators = NO_SOURCES;
        long grew = 0;
        lock.lock();
        try {
            if (recvState == RecvState.NONE) {
                throw new WireException(ErrorCode.STREAM_STATE_ERROR, "STREAM frame for send-only stream " + id);
            }
            long end = offset + data.readableBytes();
            // A bare FIN buffers nothing: its final size may lie past the credit (the writers of the bytes below need it).
            if (end > advertisedMax && data.isReadable()) {
                throw new WireException(ErrorCode.FLOW_CONTROL_ERROR,
                        "stream " + id + ": data up to offset " + end + " beyond the credit of " + advertisedMax);
            }
            if (fin && recvState == RecvState.OPEN && buffer.finalSize() < 0) {
                violators = refuseOthersPast(end, source);
            }
            if (recvState != RecvState.OPEN) {
                // Done, reset, stopped or failed: keep nothing, but a known final size still binds (RFC 9000 §4.5).
                if (violators.length == 0) {
                    checkFinalSize(end, fin);
                }
                if (fin && finalSize() < 0) {
                    finalSizeSeen = end;
                }
                buffer.extend(end);
                if (data.isReadable()) {
                    grew = credit.written(source, end);
                }
                reportConsumed(buffer.highestOffset());
            } else if (receiver != null && !receiverPaused && !delivering && !receiverDone && closedCause == null
                    && partialLen == 0 && buffer.canPassThrough(offset)) {
                // In order with nothing held: the receiver takes the bytes from the frame itself, no copy.
                buffer.passThrough(offset, data.readableBytes(), fin);
                if (data.isReadable()) {
                    credit.charge(source, credit.written(source, end));
                }
                credit.settle();
                passOn(data, messageEnd || fin);
            } else {
                buffer.insert(offset, data, fin, messageEnd);
                // A frame without data (a bare FIN) buffers nothing: it counts against stream credit, not session credit.
                if (data.isReadable()) {
                    grew = credit.written(source, end);
                }
                credit.settle();
                if (!wakeQueued && (buffer.readableNow() > 0 || buffer.isFinished())) {
                    wakeQueued = true;
                    afterBatch.execute(wakeReaders);
                }
            }
        } finally {
            lock.unlock();
            reportViolators(violators);
        }
        // Outside the stream lock, which the reader wants back at once (session flow control has its own).
        credit.charge(source, grew);
    }

    /** The final size once known (FIN or RESET_STREAM), else -1. Any thread. */
    public long finalSize() {
        lock.lock();
        try {
            return buffer.finalSize() >= 0 ? buffer.finalSize() : finalSizeSeen;
        } finally {
            lock.unlock();
        }
    }

    /** FINAL_SIZE_ERROR for data past a known final size, or a FIN that would change it. */
    private void checkFinalSize(long end, boolean fin) throws WireException {
        long known = finalSize();
        if (known >= 0 && (end > known || fin && end != known)) {
            throw new WireException(ErrorCode.FINAL_SIZE_ERROR, "stream " + id + ": " + (fin && end <= known
                    ? "final size changed from " + known + " to " + end : "data up to offset " + end + " past its final size " + known));
        }
    }

    /**
     * A final size set by writer {@code setter} (the primary's FIN or RESET_STREAM; on a server, the client's).
     * The setter's own bytes past it are its FINAL_SIZE_ERROR. Bytes other writers (secondaries) wrote past it are
     * theirs: dropped, given back to their session credit, and those writers are returned so that their paths
     * close with FINAL_SIZE_ERROR while the session and the stream go on, whatever order the frames came in. If the
     * application already read such bytes, the stream cannot be made whole: its reads fail with FINAL_SIZE_ERROR
     * (state FAILED), and the session still goes on. Lock held.
     */
    private int[] refuseOthersPast(long finalSize, int setter) throws WireException {
        if (credit.highest(setter) > finalSize) {
            throw new WireException(ErrorCode.FINAL_SIZE_ERROR, "final size " + finalSize + " of stream " + id
                    + " below data already received up to " + credit.highest(setter));
        }
        int[] violators = NO_SOURCES;
        for (int s = 0; s < credit.sources(); s++) {
            if (s != setter && credit.highest(s) > finalSize) {
                violators = Arrays.copyOf(violators, violators.length + 1);
                violators[violators.length - 1] = s;
                credit.dropPast(s, finalSize);
            }
        }
        if (violators.length == 0) {
            return violators;
        }
        if (buffer.readOffset() > finalSize) {
            recvState = RecvState.FAILED;
            recvFailure = new KwikException(ErrorCode.FINAL_SIZE_ERROR, "stream " + id + " was ended at " + finalSize
                    + " by its primary, but " + (buffer.readOffset() - finalSize) + " bytes past that, written by a "
                    + "secondary server, were already read; the stream's data cannot be trusted");
            buffer.discard();
            dropPartial();
            reportConsumed(buffer.highestOffset());
            readableChanged();
            maybeRetire();
        } else {
            buffer.truncate(finalSize);
        }
        return violators;
    }

    private void reportViolators(int[] sources) {
        for (int s : sources) {
            host.writerViolated(s, ErrorCode.FINAL_SIZE_ERROR, "wrote into stream " + id + " past its final size "
                    + finalSize() + ", which the primary set");
        }
    }

    private void wakeReaders() {
        lock.lock();
        try {
            wakeQueued = false;
            readable.signalAll();
            deliver();
        } finally {
            lock.unlock();
        }
    }

    /** RESET_STREAM from {@code source}; its final size counts against the writer's session credit. */
    public void onReset(long code, long finalSize, int source) throws WireException {
        int[] violators = NO_SOURCES;
        long grew;
        lock.lock();
        try {
            if (recvState == RecvState.NONE) {
                throw new WireException(ErrorCode.STREAM_STATE_ERROR, "RESET_STREAM for send-only stream " + id);
            }
            long known = finalSize();
            if (known >= 0 && known != finalSize) {
                throw new WireException(ErrorCode.FINAL_SIZE_ERROR, "stream " + id + ": reset final size " + finalSize
                        + " contradicts the final size " + known);
            }
            if (finalSize > advertisedMax) {
                throw new WireException(ErrorCode.FLOW_CONTROL_ERROR, "stream " + id + ": reset final size beyond credit");
            }
            if (known < 0) {
                violators = refuseOthersPast(finalSize, source);
            }
            finalSizeSeen = finalSize;
            buffer.extend(finalSize);
            grew = credit.written(source, finalSize);
            // Bytes never read count as consumed, so the session window is not lost to a reset stream.
            buffer.discard();
            dropPartial();
            reportConsumed(finalSize);
            if (recvState == RecvState.OPEN) {
                recvState = RecvState.RESET_RECEIVED;
                resetCode = code;
                readableChanged();
            }
            maybeRetire();
        } finally {
            lock.unlock();
            reportViolators(violators);
        }
        credit.charge(source, grew);
    }

    /** STOP_SENDING from the peer: fail writers and answer with RESET_STREAM carrying the same code. */
    public void onStopSending(long code) throws WireException {
        lock.lock();
        try {
            if (sendState == SendState.NONE) {
                throw new WireException(ErrorCode.STREAM_STATE_ERROR, "STOP_SENDING for receive-only stream " + id);
            }
            if (sendState == SendState.OPEN) {
                sendState = SendState.STOPPED;
                stoppedCode = code;
                sendReset(code, SendState.STOPPED);
            }
        } finally {
            lock.unlock();
        }
    }

    public void onMaxStreamData(long max) throws WireException {
        lock.lock();
        try {
            if (sendState == SendState.NONE) {
                throw new WireException(ErrorCode.STREAM_STATE_ERROR, "MAX_STREAM_DATA for receive-only stream " + id);
            }
            if (max > peerMaxStreamData) {
                peerMaxStreamData = max;
                writable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The session closed: writes fail with {@code cause}. After a graceful close ({@link ErrorCode#SESSION_CLOSED})
     * the bytes received in order stay readable (copied to the heap) and reads fail only past them; after any
     * other close every buffered byte is released and reads fail at once.
     */
    public void fail(KwikException cause) {
        lock.lock();
        try {
            if (closedCause != null) {
                return;
            }
            closedCause = cause;
            if (cause.code() == ErrorCode.SESSION_CLOSED && recvState == RecvState.OPEN) {
                buffer.keepContiguousOnHeap();
            } else {
                buffer.discard();
                dropPartial();
            }
            readableChanged();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ranges this stream still lacks (see {@link ReceiveBuffer#gaps()}); empty once it is finished or reset. */
    public List<long[]> missingRanges() {
        lock.lock();
        try {
            return recvState == RecvState.OPEN && closedCause == null ? buffer.gaps() : List.of();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes buffered and unread (for tests and metrics). */
    public long bufferedBytes() {
        lock.lock();
        try {
            return buffer.bufferedBytes();
        } finally {
            lock.unlock();
        }
    }

    private void maybeRetire() {
        boolean sendDone = sendState != SendState.OPEN;
        boolean recvDone = recvState != RecvState.OPEN;
        if (sendDone && recvDone && !retired) {
            retired = true;
            host.streamDone(this);
        }
    }

    private void await(Condition c, long timeoutNanos, long deadline, String op) {
        Waits.await(c, timeoutNanos, deadline, op + " on stream " + id);
    }

    @Override
    public InputStream inputStream() {
        return new StreamInput(this);
    }

    @Override
    public OutputStream outputStream() {
        return new StreamOutput(this);
    }

    boolean atEof() {
        lock.lock();
        try {
            return buffer.isFinished() || recvState == RecvState.DONE;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "KwikStream[id=" + id + ", send=" + sendState + ", recv=" + recvState + "]";
    }
}

package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.KwikSessionClosedException;
import dev.kwik.internal.wire.VarInt;
import dev.kwik.internal.wire.WireException;
import io.netty.util.collection.LongObjectHashMap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The session's logical streams: id allocation (RFC 9000 §2.1), stream limits in both directions, implicit
 * opening of lower ids, the accept queue, and retirement of finished streams.
 *
 * <p>Thread-safe: application threads open and accept, event loops look streams up for frames.
 */
public final class StreamTable {
    private final boolean clientSide;
    private final StreamHost host;
    private final long localMaxConcurrent;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acceptable = lock.newCondition();
    private final Condition openable = lock.newCondition();
    private final LongObjectHashMap<LogicalStream> streams = new LongObjectHashMap<>();
    private final ArrayDeque<LogicalStream> acceptQueue = new ArrayDeque<>();

    // index 0 = bidirectional, 1 = unidirectional
    private final long[] nextLocal = new long[2];
    private final long[] peerMax = new long[2];
    private final long[] nextRemote = new long[2];
    private final long[] localMax = new long[2];
    private final long[] retiredRemote = new long[2];
    private long peerMaxStreamData;
    private KwikException closed;
    private boolean acceptNone;
    /**
     * Final sizes of the most recently forgotten streams, so that data past them is still an error (RFC 9000
     * §4.5); bounded, older ones are forgotten for good and late frames for them ignored.
     */
    private final LinkedHashMap<Long, Long> retiredFinalSizes = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > RETIRED_FINAL_SIZES;
        }
    };
    static final int RETIRED_FINAL_SIZES = 256;

    /**
     * @param localMaxConcurrent streams of each type the peer may have open at once
     */
    public StreamTable(boolean clientSide, StreamHost host, long localMaxConcurrent) {
        this.clientSide = clientSide;
        this.host = host;
        this.localMaxConcurrent = localMaxConcurrent;
        localMax[0] = localMaxConcurrent;
        localMax[1] = localMaxConcurrent;
    }

    /** Limits the peer granted at the handshake. */
    public void peerLimits(long maxBidi, long maxUni, long maxStreamData) {
        lock.lock();
        try {
            peerMax[0] = maxBidi;
            peerMax[1] = maxUni;
            peerMaxStreamData = maxStreamData;
        } finally {
            lock.unlock();
        }
    }

    /** A secondary's table: it never takes streams from the peer, and frames for unknown streams are ignored. */
    public void acceptNone() {
        lock.lock();
        try {
            acceptNone = true;
        } finally {
            lock.unlock();
        }
    }

    /** A send-only writer into the peer's stream {@code id} (secondary servers). */
    public LogicalStream attach(long id) {
        if (id < 0 || id > VarInt.MAX) {
            throw new IllegalArgumentException("stream id out of range: " + id);
        }
        lock.lock();
        try {
            if (closed != null) {
                throw closed;
            }
            LogicalStream s = streams.get(id);
            if (s == null) {
                s = LogicalStream.attached(id, host, peerMaxStreamData);
                streams.put(id, s);
            }
            return s;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens a local stream.
     *
     * @param timeoutNanos 0 to fail fast at the peer's limit, negative to wait without limit
     */
    public LogicalStream open(boolean uni, long timeoutNanos) {
        int t = uni ? 1 : 0;
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            for (;;) {
                if (closed != null) {
                    throw closed;
                }
                if (nextLocal[t] < peerMax[t]) {
                    break;
                }
                if (timeoutNanos == 0) {
                    throw new KwikException(ErrorCode.STREAM_LIMIT_REACHED, "the peer allows " + peerMax[t] + " "
                            + (uni ? "unidirectional" : "bidirectional")
                            + " streams and all are in use; close some or use openStreamSync() to wait");
                }
                Waits.await(openable, timeoutNanos, deadline, "waiting for stream credit from the peer");
            }
            long id = StreamIds.id(nextLocal[t]++, clientSide, uni);
            LogicalStream s = new LogicalStream(id, true, host, peerMaxStreamData);
            streams.put(id, s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The stream a frame from the peer is for, opening remote streams (and every lower id of the same type)
     * on first sight.
     *
     * @return the stream, or null when it was already retired (late or duplicate frame: ignore it)
     */
    public LogicalStream forFrame(long id) throws WireException {
        boolean uni = StreamIds.isUni(id);
        int t = uni ? 1 : 0;
        long index = StreamIds.index(id);
        boolean remote = StreamIds.isClientInitiated(id) != clientSide;
        lock.lock();
        try {
            if (closed != null) {
                return null;
            }
            LogicalStream known = streams.get(id);
            if (known != null || acceptNone) {
                return known;
            }
            if (!remote) {
                if (index >= nextLocal[t]) {
                    throw new WireException(ErrorCode.STREAM_STATE_ERROR,
                            "frame for stream " + id + ", which this side never opened");
                }
                return null;
            }
            if (index < nextRemote[t]) {
                return null;
            }
            if (index >= localMax[t]) {
                throw new WireException(ErrorCode.STREAM_LIMIT_ERROR,
                        "peer opened stream " + id + " beyond its limit of " + localMax[t] + " streams of that type");
            }
            LogicalStream s = null;
            while (nextRemote[t] <= index) {
                long nid = StreamIds.id(nextRemote[t]++, !clientSide, uni);
                s = new LogicalStream(nid, false, host, peerMaxStreamData);
                streams.put(nid, s);
                acceptQueue.add(s);
            }
            acceptable.signalAll();
            return s;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A frame for a stream already forgotten ({@link #forFrame} returned null): FINAL_SIZE_ERROR if it brings data
     * past, or a different FIN than, the final size the stream ended with, while that is still remembered.
     */
    public void checkRetired(long id, long end, boolean fin) throws WireException {
        Long finalSize;
        lock.lock();
        try {
            finalSize = retiredFinalSizes.get(id);
        } finally {
            lock.unlock();
        }
        if (finalSize != null && (end > finalSize || fin && end != finalSize)) {
            throw new WireException(ErrorCode.FINAL_SIZE_ERROR, "stream " + id + " ended with final size " + finalSize
                    + (end > finalSize ? ", but data up to offset " + end + " arrived after it" : ", but a FIN at " + end + " arrived after it"));
        }
    }

    /** The stream with that id if this side still knows it, without opening anything. */
    public LogicalStream peek(long id) {
        lock.lock();
        try {
            return streams.get(id);
        } finally {
            lock.unlock();
        }
    }

    /** Whether this side ever opened the (local-type) stream {@code id}, whether or not it finished since. */
    public boolean openedLocally(long id) {
        lock.lock();
        try {
            return StreamIds.index(id) < nextLocal[StreamIds.isUni(id) ? 1 : 0];
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the next stream the peer opened. */
    public LogicalStream accept(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            for (;;) {
                LogicalStream s = acceptQueue.poll();
                if (s != null) {
                    return s;
                }
                if (closed != null) {
                    if (endedInOrder(closed)) {
                        return null;
                    }
                    throw closed;
                }
                Waits.await(acceptable, timeoutNanos, deadline, "accepting a stream");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * An orderly end: either side's plain {@code close()} (SESSION_CLOSED, application code 0). Accepting then
     * ends like a read at end of stream, with null; a close with an application code or an error still throws.
     */
    private static boolean endedInOrder(KwikException cause) {
        return cause instanceof KwikSessionClosedException k && k.code() == ErrorCode.SESSION_CLOSED && k.applicationCode() == 0;
    }

    /** MAX_STREAMS from the peer. */
    public void onMaxStreams(boolean bidi, long max) {
        lock.lock();
        try {
            int t = bidi ? 0 : 1;
            if (max > peerMax[t]) {
                peerMax[t] = max;
                openable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets a finished stream.
     *
     * @return the new stream limit to grant the peer for that type, or -1 when no MAX_STREAMS is due
     */
    public long retire(LogicalStream s) {
        long finalSize = s.finalSize();
        lock.lock();
        try {
            streams.remove(s.id());
            if (finalSize >= 0) {
                retiredFinalSizes.put(s.id(), finalSize);
            }
            if (s.isLocal()) {
                return -1;
            }
            int t = StreamIds.isUni(s.id()) ? 1 : 0;
            retiredRemote[t]++;
            long target = retiredRemote[t] + localMaxConcurrent;
            if (target - localMax[t] >= Math.max(1, localMaxConcurrent / 8)) {
                localMax[t] = target;
                return target;
            }
            return -1;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fails every stream, opener and accepter with {@code cause}. After a graceful close
     * ({@link dev.kwik.ErrorCode#SESSION_CLOSED}) streams the peer opened and the application has not accepted yet
     * can still be accepted, to read what arrived on them; then accepting fails with {@code cause}.
     */
    public void close(KwikException cause) {
        List<LogicalStream> all;
        lock.lock();
        try {
            if (closed != null) {
                return;
            }
            closed = cause;
            all = new ArrayList<>(streams.values());
            all.addAll(acceptQueue);
            streams.clear();
            if (cause.code() != ErrorCode.SESSION_CLOSED) {
                acceptQueue.clear();
            }
            acceptable.signalAll();
            openable.signalAll();
        } finally {
            lock.unlock();
        }
        for (LogicalStream s : all) {
            s.fail(cause);
        }
    }

    /** Every stream currently known, for a pass over all of them outside the table's lock. */
    public List<LogicalStream> snapshot() {
        lock.lock();
        try {
            return new ArrayList<>(streams.values());
        } finally {
            lock.unlock();
        }
    }

    /** Streams currently known (open in at least one direction). */
    public int size() {
        lock.lock();
        try {
            return streams.size();
        } finally {
            lock.unlock();
        }
    }
}

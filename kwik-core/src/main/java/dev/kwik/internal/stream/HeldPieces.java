package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.WireException;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the bookkeeping one session keeps for received data: held segments (each out-of-order or unread frame)
 * plus unread message ends, over all its streams. Flow control bounds the bytes; this bounds what the bytes can
 * cost beyond themselves, so a peer cannot make the receiver hold a map entry per byte by sending one-byte frames
 * with gaps, or one-byte messages nobody reads. Shared by the session's streams; thread-safe.
 */
public final class HeldPieces {
    /** Budget used where no session is involved (unit tests of one buffer). */
    public static final HeldPieces UNLIMITED = new HeldPieces(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    public HeldPieces(long limit) {
        this.limit = limit;
    }

    /** The budget for a session with this receive window: one piece per 64 bytes of window, at least 4,096. */
    public static HeldPieces forWindow(long sessionWindow) {
        return new HeldPieces(Math.max(4096, sessionWindow / 64));
    }

    /**
     * Fails with FLOW_CONTROL_ERROR (closing the session) if {@code more} pieces would not fit. Checked before a
     * frame changes anything, so a refused frame leaves no trace.
     */
    void check(int more) throws WireException {
        if (more > 0 && held.get() + more > limit) {
            throw new WireException(ErrorCode.FLOW_CONTROL_ERROR, "the peer's data would be held in more than " + limit
                    + " pieces (out-of-order fragments and unread messages): at most one per 64 bytes of session window");
        }
    }

    /** Pieces taken (positive) or given back (negative). */
    void add(long delta) {
        held.addAndGet(delta);
    }

    public long held() {
        return held.get();
    }

    public long limit() {
        return limit;
    }
}

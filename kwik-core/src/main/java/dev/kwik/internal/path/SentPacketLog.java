package dev.kwik.internal.path;

import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;

import java.util.function.Consumer;

/**
 * The frames of every retransmittable packet a path sent and the peer has not acknowledged, indexed by
 * packet number in a ring (a power of two long, indexed by mask: this runs per packet sent and per packet
 * acknowledged). Frames are kept as retained slices of the packet buffer (no copy); an ACK releases
 * them; when the path dies they are handed back for sending on another path.
 *
 * <p>Event-loop confined.
 */
final class SentPacketLog {
    private ByteBuf[] ring = new ByteBuf[256];
    private boolean[] onData = new boolean[256];
    private long base;
    private int head;
    private int count;
    private int live;
    private long liveBytes;

    /**
     * Records packet {@code pn} (the next number after the last recorded); {@code frames} may be null.
     * {@code data}: sent on a data channel (STREAM frames only), as opposed to the control stream.
     */
    void add(long pn, ByteBuf frames, boolean data) {
        if (pn != base + count) {
            throw new IllegalStateException("packet numbers must be logged in order: " + pn + " after " + (base + count - 1));
        }
        if (count == ring.length) {
            grow();
        }
        int idx = (head + count) & (ring.length - 1);
        ring[idx] = frames;
        onData[idx] = data;
        count++;
        if (frames != null) {
            live++;
            liveBytes += frames.readableBytes();
        }
        trim();
    }

    /** Releases the packets in {@code [lo, hi]}; fails if the peer acknowledges a number never sent. */
    void ack(long lo, long hi) throws WireException {
        if (hi >= base + count) {
            throw new WireException(ErrorCode.PROTOCOL_VIOLATION,
                    "ACK for packet " + hi + ", but only packets below " + (base + count) + " were sent");
        }
        for (long pn = Math.max(lo, base); pn <= hi; pn++) {
            int idx = (int) (head + (pn - base)) & (ring.length - 1);
            ByteBuf b = ring[idx];
            if (b != null) {
                ring[idx] = null;
                live--;
                liveBytes -= b.readableBytes();
                b.release();
            }
        }
        trim();
    }

    /** Hands every unacknowledged packet's frames to {@code sink} in packet-number order and empties the log. */
    void drainTo(Consumer<ByteBuf> sink) {
        for (int i = 0; i < count; i++) {
            int idx = (head + i) & (ring.length - 1);
            ByteBuf b = ring[idx];
            if (b != null) {
                ring[idx] = null;
                sink.accept(b);
            }
        }
        base += count;
        head = 0;
        count = 0;
        live = 0;
        liveBytes = 0;
    }

    /**
     * Hands a retained duplicate of the frames of every unacknowledged data-channel packet to {@code sink}, in
     * packet-number order, and keeps them: for re-sending elsewhere while this path may still deliver them
     * (STREAM frames only, which the receiver deduplicates by offset; control frames such as RAW are not).
     */
    void copyData(Consumer<ByteBuf> sink) {
        for (int i = 0; i < count; i++) {
            int idx = (head + i) & (ring.length - 1);
            ByteBuf b = ring[idx];
            if (b != null && onData[idx]) {
                sink.accept(b.retainedDuplicate());
            }
        }
    }

    /** Packets sent and not yet acknowledged that carry retransmittable frames. */
    int unacked() {
        return live;
    }

    long unackedBytes() {
        return liveBytes;
    }

    private void trim() {
        while (count > 0 && ring[head] == null) {
            head = (head + 1) & (ring.length - 1);
            base++;
            count--;
        }
    }

    private void grow() {
        ByteBuf[] n = new ByteBuf[ring.length * 2];
        boolean[] d = new boolean[ring.length * 2];
        for (int i = 0; i < count; i++) {
            int idx = (head + i) & (ring.length - 1);
            n[i] = ring[idx];
            d[i] = onData[idx];
        }
        ring = n;
        onData = d;
        head = 0;
    }
}

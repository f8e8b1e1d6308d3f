package dev.kwik.internal.path;

import dev.kwik.internal.wire.FrameDecoder;

import java.util.Arrays;

/**
 * Packet numbers received on one path since the last ACK was sent. Each ACK reports only what arrived since
 * the previous one: paths are reliable QUIC connections, so an ACK is lost only with its path, and then the
 * sender re-sends on another path and the receiver drops duplicates by offset.
 *
 * <p>Event-loop confined.
 */
final class AckTracker {
    private long[] pending = new long[64];
    private int count;

    void received(long pn) {
        if (count == pending.length) {
            pending = Arrays.copyOf(pending, count * 2);
        }
        pending[count++] = pn;
    }

    boolean hasPending() {
        return count > 0;
    }

    /**
     * Moves pending numbers into {@code ranges} as descending inclusive pairs, at most
     * {@link FrameDecoder#MAX_ACK_RANGES}; what does not fit stays pending for the next ACK.
     *
     * @return number of ranges written
     */
    int drainRanges(long[] ranges) {
        Arrays.sort(pending, 0, count);
        int r = 0;
        int i = count - 1;
        while (i >= 0 && r < FrameDecoder.MAX_ACK_RANGES) {
            long hi = pending[i];
            long lo = hi;
            i--;
            while (i >= 0 && pending[i] >= lo - 1) {
                lo = Math.min(lo, pending[i]);
                i--;
            }
            ranges[2 * r] = hi;
            ranges[2 * r + 1] = lo;
            r++;
        }
        count = i + 1;
        return r;
    }
}

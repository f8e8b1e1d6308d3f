package dev.kwik.internal.stream;

import dev.kwik.internal.wire.WireException;

import java.util.Arrays;

/**
 * One stream's share of session flow control, kept per writer ("source": 0 is the peer the session was made with,
 * 1.. a client's secondaries, which write into the same streams at offsets they are told). For each writer: the
 * highest offset it wrote here (its growth counts against its session credit, in
 * {@link SessionFlowControl#onReceived}) and how much of that the reader has passed. Credit goes back to whoever
 * wrote what the reader passed: a writer's released bytes are min(consumed mark, its highest offset). When a
 * writer's credit should rise, the stream's host is told to send it MAX_DATA.
 *
 * <p>Guarded by the owning stream's lock, except {@link #charge}.
 */
final class WriterCredit {
    /** Where a due MAX_DATA goes (the session sends it to that writer). */
    interface MaxDataDue {
        void maxDataDue(int source, long max);
    }

    private final SessionFlowControl flow;
    private final MaxDataDue due;
    private long[] highest = new long[1];
    private long[] released = new long[1];
    /** Offset up to which this stream's bytes count as consumed (read, or dropped with a reset or stop). */
    private long consumedMark;

    WriterCredit(SessionFlowControl flow, MaxDataDue due) {
        this.flow = flow;
        this.due = due;
    }

    /**
     * {@code source} wrote up to {@code end}: returns how far its highest offset here grew, which the stream then
     * {@link #charge}s (after releasing its lock).
     */
    long written(int source, long end) {
        if (source >= highest.length) {
            highest = Arrays.copyOf(highest, source + 1);
            released = Arrays.copyOf(released, source + 1);
        }
        long grew = Math.max(0, end - highest[source]);
        highest[source] += grew;
        return grew;
    }

    /**
     * Counts {@code grew} bytes against {@code source}'s session credit. Thread-safe (session flow control has its
     * own lock), so the stream calls it after releasing its lock, which the reader wants back at once.
     *
     * @throws WireException FLOW_CONTROL_ERROR past the session credit given to that writer
     */
    void charge(int source, long grew) throws WireException {
        if (grew > 0) {
            flow.onReceived(source, grew);
        }
    }

    /** The reader passed (or the stream dropped) everything below {@code mark}: give each writer its share back. */
    void consumedUpTo(long mark) {
        consumedMark = Math.max(consumedMark, mark);
        for (int s = 0; s < highest.length; s++) {
            long r = Math.min(consumedMark, highest[s]);
            if (r > released[s]) {
                release(s, r - released[s]);
                released[s] = r;
            }
        }
    }

    /** After a write: bytes a writer sent below what the reader already passed go back to it at once. */
    void settle() {
        consumedUpTo(consumedMark);
    }

    /** Highest offset {@code source} wrote here (0 if none). */
    long highest(int source) {
        return source < highest.length ? highest[source] : 0;
    }

    /** Number of writer slots (sources 0 .. n-1). */
    int sources() {
        return highest.length;
    }

    /** The bytes {@code source} wrote past {@code end} were dropped: they go back to its session credit. */
    void dropPast(int source, long end) {
        long kept = Math.max(end, released[source]);
        if (highest[source] > kept) {
            release(source, highest[source] - kept);
        }
        highest[source] = kept;
    }

    private void release(int source, long bytes) {
        long max = flow.onConsumed(source, bytes);
        if (max > 0) {
            due.maxDataDue(source, max);
        }
    }
}

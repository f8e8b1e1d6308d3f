package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reassembly of one logical stream's inbound bytes by offset, keeping message boundaries.
 *
 * <p>Segments are copied out of the received packets into buffers of their own size: a slice would pin the whole
 * packet (up to 65 KiB) for a frame of one byte, so memory would no longer be bounded by the flow-control window.
 * Each held segment and each unread message end is a piece taken from the session's {@link HeldPieces}. Bytes
 * already held and received again are dropped if equal and rejected with PROTOCOL_VIOLATION if different;
 * bytes below the read position are already gone and are dropped unseen (RFC 9000 §2.2 allows either).
 * Message boundaries are the end offsets of frames with the MESSAGE_END flag; a read never crosses one.
 *
 * <p>Not thread-safe: the owning stream guards it with its lock.
 */
public final class ReceiveBuffer {
    private final TreeMap<Long, ByteBuf> segments = new TreeMap<>();
    private final TreeSet<Long> messageEnds = new TreeSet<>();
    private final HeldPieces pieces;
    private long readOffset;
    private long highestOffset;
    private long finalSize = -1;
    private long buffered;

    public ReceiveBuffer() {
        this(HeldPieces.UNLIMITED);
    }

    public ReceiveBuffer(HeldPieces pieces) {
        this.pieces = pieces;
    }

    /** Offset of the next byte the application will read. */
    public long readOffset() {
        return readOffset;
    }

    /** Highest end offset ever received (what counts against flow control). */
    public long highestOffset() {
        return highestOffset;
    }

    /** Final size once known, else -1. */
    public long finalSize() {
        return finalSize;
    }

    /** Bytes held and not yet read. */
    public long bufferedBytes() {
        return buffered;
    }

    /** Whether the application has read every byte up to a known final size. */
    public boolean isFinished() {
        return finalSize >= 0 && readOffset == finalSize;
    }

    /**
     * Adds {@code data} at {@code offset}, copying what it keeps; the caller keeps its buffer.
     *
     * @return how far {@link #highestOffset()} moved, for session-level flow control
     */
    public long insert(long offset, ByteBuf data, boolean fin, boolean messageEnd) throws WireException {
        int len = data.readableBytes();
        long end = offset + len;
        // Validate everything first: a refused frame must leave no trace (no boundary, no final size, no bytes).
        if (finalSize >= 0 && end > finalSize) {
            throw new WireException(ErrorCode.FINAL_SIZE_ERROR, "data up to offset " + end + " past final size " + finalSize);
        }
        if (fin) {
            if (finalSize >= 0 && finalSize != end) {
                throw new WireException(ErrorCode.FINAL_SIZE_ERROR, "final size changed from " + finalSize + " to " + end);
            }
            if (highestOffset > end) {
                throw new WireException(ErrorCode.FINAL_SIZE_ERROR, "final size " + end + " below data already received up to " + highestOffset);
            }
        }
        long start = Math.max(offset, readOffset);
        if (end > start) {
            checkOverlaps(start, end, data, offset);
        }
        boolean newEnd = messageEnd && end > readOffset && !messageEnds.contains(end);
        // At most one piece per gap filled plus the end; checked up front so that a refusal changes nothing.
        pieces.check((end > start ? gapsIn(start, end) : 0) + (newEnd ? 1 : 0));
        if (fin) {
            finalSize = end;
        }
        long grew = Math.max(0, end - highestOffset);
        highestOffset += grew;
        if (newEnd) {
            messageEnds.add(end);
            pieces.add(1);
        }
        if (end <= start) {
            return grew;
        }
        // Keep the gaps between held segments; overlapping bytes were just checked to be equal.
        long cursor = start;
        Map.Entry<Long, ByteBuf> e = firstOverlapping(start);
        while (cursor < end) {
            if (e == null || e.getKey() >= end) {
                put(cursor, data, offset, end);
                break;
            }
            long segStart = e.getKey();
            long segEnd = segStart + e.getValue().readableBytes();
            if (segStart > cursor) {
                put(cursor, data, offset, segStart);
            }
            cursor = Math.max(cursor, segEnd);
            e = segments.higherEntry(segStart);
        }
        return grew;
    }

    /** Number of separate ranges within {@code [start, end)} not held yet: the segments an insert there would add. */
    private int gapsIn(long start, long end) {
        int gaps = 0;
        long cursor = start;
        for (Map.Entry<Long, ByteBuf> e = firstOverlapping(start); e != null && e.getKey() < end && cursor < end;
             e = segments.higherEntry(e.getKey())) {
            if (e.getKey() > cursor) {
                gaps++;
            }
            cursor = Math.max(cursor, e.getKey() + e.getValue().readableBytes());
        }
        return cursor < end ? gaps + 1 : gaps;
    }

    private Map.Entry<Long, ByteBuf> firstOverlapping(long start) {
        Map.Entry<Long, ByteBuf> e = segments.floorEntry(start);
        if (e == null || e.getKey() + e.getValue().readableBytes() <= start) {
            e = segments.higherEntry(start);
        }
        return e;
    }

    /** Fails with PROTOCOL_VIOLATION if any held byte in {@code [start, end)} differs from {@code data}. */
    private void checkOverlaps(long start, long end, ByteBuf data, long dataOffset) throws WireException {
        for (Map.Entry<Long, ByteBuf> e = firstOverlapping(start); e != null && e.getKey() < end; e = segments.higherEntry(e.getKey())) {
            long segStart = e.getKey();
            ByteBuf seg = e.getValue();
            long from = Math.max(start, segStart);
            long to = Math.min(end, segStart + seg.readableBytes());
            if (to > from && !ByteBufUtil.equals(seg, seg.readerIndex() + (int) (from - segStart),
                    data, data.readerIndex() + (int) (from - dataOffset), (int) (to - from))) {
                throw new WireException(ErrorCode.PROTOCOL_VIOLATION, "conflicting bytes for offsets " + from + ".." + to);
            }
        }
    }

    private void put(long from, ByteBuf data, long dataOffset, long to) {
        int n = (int) (to - from);
        if (n <= 0) {
            return;
        }
        ByteBuf copy = PooledByteBufAllocator.DEFAULT.directBuffer(n, n);
        copy.writeBytes(data, data.readerIndex() + (int) (from - dataOffset), n);
        segments.put(from, copy);
        pieces.add(1);
        buffered += n;
    }

    /**
     * Drops every byte and message end at or past {@code end} and lowers the highest offset to it: what other
     * writers (secondaries) wrote past the final size the primary then set. Nothing below the read position can be
     * dropped (the caller checks). Returns the bytes dropped.
     */
    public long truncate(long end) {
        long dropped = 0;
        Map.Entry<Long, ByteBuf> e;
        while ((e = segments.lastEntry()) != null && e.getKey() + e.getValue().readableBytes() > end) {
            ByteBuf seg = e.getValue();
            long segStart = e.getKey();
            if (segStart >= end) {
                segments.remove(segStart);
                dropped += seg.readableBytes();
                seg.release();
                pieces.add(-1);
            } else {
                int keep = (int) (end - segStart);
                dropped += seg.readableBytes() - keep;
                seg.writerIndex(seg.readerIndex() + keep);
                break;
            }
        }
        java.util.SortedSet<Long> past = messageEnds.tailSet(end, false);
        pieces.add(-past.size());
        past.clear();
        buffered -= dropped;
        highestOffset = Math.min(highestOffset, end);
        return dropped;
    }

    /** Moves the highest offset to {@code end} without keeping data (stream reset or stopped); returns the growth. */
    public long extend(long end) {
        long grew = Math.max(0, end - highestOffset);
        highestOffset += grew;
        return grew;
    }

    /** Bytes readable now without blocking, up to the next message boundary. */
    public int readableNow() {
        Map.Entry<Long, ByteBuf> first = segments.firstEntry();
        if (first == null || first.getKey() != readOffset) {
            return 0;
        }
        long limit = boundary();
        long cursor = readOffset;
        for (Map.Entry<Long, ByteBuf> e : segments.tailMap(readOffset, true).entrySet()) {
            if (e.getKey() != cursor || cursor >= limit) {
                break;
            }
            cursor += e.getValue().readableBytes();
        }
        long avail = Math.min(cursor, limit) - readOffset;
        return (int) Math.min(Integer.MAX_VALUE, avail);
    }

    /**
     * Copies contiguous bytes into {@code dst}, never past the next message boundary.
     *
     * @return bytes copied (0 when nothing is contiguous at the read position), or -1 at end of stream
     */
    public int read(byte[] dst, int off, int len) {
        if (isFinished()) {
            return -1;
        }
        long limit = boundary();
        int copied = 0;
        while (copied < len && readOffset < limit) {
            Map.Entry<Long, ByteBuf> first = segments.firstEntry();
            if (first == null || first.getKey() != readOffset) {
                break;
            }
            ByteBuf seg = first.getValue();
            int n = (int) Math.min(Math.min(len - copied, seg.readableBytes()), limit - readOffset);
            seg.readBytes(dst, off + copied, n);
            copied += n;
            readOffset += n;
            buffered -= n;
            segments.remove(first.getKey());
            if (seg.isReadable()) {
                segments.put(readOffset, seg);
            } else {
                seg.release();
                pieces.add(-1);
            }
        }
        if (!messageEnds.isEmpty() && messageEnds.first() <= readOffset) {
            java.util.SortedSet<Long> passed = messageEnds.headSet(readOffset, true);
            pieces.add(-passed.size());
            passed.clear();
        }
        return copied;
    }

    /** Whether the bytes from the read position to the next boundary (message end or final size) are all here. */
    public boolean wholeMessageReadable() {
        long limit = boundary();
        if (limit == Long.MAX_VALUE) {
            return false;
        }
        return readableNow() == limit - readOffset;
    }

    /** Offset of the next boundary: message end, else final size, else unbounded. */
    public long boundary() {
        Long next = messageEnds.higher(readOffset);
        if (next != null) {
            return finalSize >= 0 ? Math.min(next, finalSize) : next;
        }
        return finalSize >= 0 ? finalSize : Long.MAX_VALUE;
    }

    /**
     * Ranges not yet received between the read position and the end (final size if known, else the highest
     * offset received), as pairs {@code [offset, length]}; when the final size is unknown, a last pair
     * {@code [highest, -1]} stands for everything not yet seen.
     */
    public java.util.List<long[]> gaps() {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        long end = finalSize >= 0 ? finalSize : highestOffset;
        long cursor = readOffset;
        for (Map.Entry<Long, ByteBuf> e : segments.entrySet()) {
            long start = e.getKey();
            if (start > cursor) {
                out.add(new long[] {cursor, Math.min(start, end) - cursor});
            }
            cursor = Math.max(cursor, start + e.getValue().readableBytes());
        }
        if (cursor < end) {
            out.add(new long[] {cursor, end - cursor});
        }
        if (finalSize < 0) {
            out.add(new long[] {Math.max(cursor, highestOffset), -1});
        }
        return out;
    }

    /**
     * Keeps only the bytes readable in order from the read position, copied onto the heap (no pooled memory, so
     * nothing to release if the application never reads them), and drops the rest. Used when the session ends
     * gracefully: what arrived in order stays readable. Returns bytes released.
     */
    public long keepContiguousOnHeap() {
        long released = 0;
        long next = readOffset;
        TreeMap<Long, ByteBuf> kept = new TreeMap<>();
        for (Map.Entry<Long, ByteBuf> e : segments.entrySet()) {
            ByteBuf b = e.getValue();
            if (e.getKey() == next) {
                kept.put(next, io.netty.buffer.Unpooled.wrappedBuffer(ByteBufUtil.getBytes(b)));
                next += b.readableBytes();
            } else {
                released += b.readableBytes();
            }
            b.release();
        }
        pieces.add(-(segments.size() - kept.size()));
        segments.clear();
        segments.putAll(kept);
        long keptEnd = next;
        int ends = messageEnds.size();
        messageEnds.removeIf(end -> end > keptEnd);
        pieces.add(-(ends - messageEnds.size()));
        buffered -= released;
        return released;
    }

    /** Drops everything held (reset, stop-sending, session close); returns bytes released. */
    public long discard() {
        long n = buffered;
        pieces.add(-(segments.size() + messageEnds.size()));
        Iterator<ByteBuf> it = segments.values().iterator();
        while (it.hasNext()) {
            it.next().release();
            it.remove();
        }
        messageEnds.clear();
        buffered = 0;
        return n;
    }
}

package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reassembly of one logical stream's inbound bytes by offset, keeping message boundaries.
 *
 * <p>Bytes are copied out of the received packets: a slice would pin the whole packet (up to 65 KiB) for a frame of
 * one byte, so memory would no longer be bounded by the flow-control window. Bytes contiguous with the read position
 * sit in a queue, and frames continuing them are appended without a map operation, gathered into shared buffers
 * (the per-frame cost of small messages); segments past a gap are kept in buffers of their own size, by offset,
 * until the gap fills. Each held buffer and each unread message end is a piece taken from the session's {@link HeldPieces}. Bytes
 * already held and received again are dropped if equal and rejected with PROTOCOL_VIOLATION if different;
 * bytes below the read position are already gone and are dropped unseen (RFC 9000 §2.2 allows either).
 * Message boundaries are the end offsets of frames with the MESSAGE_END flag; a read never crosses one.
 *
 * <p>Not thread-safe: the owning stream guards it with its lock.
 */
public final class ReceiveBuffer {
    /**
     * Capacity of the buffers a stream's in-order bytes are gathered into from its second in-order frame on: small
     * frames arriving in order then share buffers (one allocation per several 1 KiB messages, not one each), and a
     * stream holds at most one partly filled buffer beyond the bytes themselves.
     */
    static final int GATHER = 8192;

    /** Bytes from the read position on, contiguous: {@code [readOffset, inOrderEnd)}. Only the last has room. */
    private final ArrayDeque<ByteBuf> inOrder = new ArrayDeque<>();
    /** Segments past a gap: every key is above {@link #inOrderEnd}; they move to {@link #inOrder} once it reaches them. */
    private final TreeMap<Long, ByteBuf> ahead = new TreeMap<>();
    private final SortedLongs messageEnds = new SortedLongs();
    private final HeldPieces pieces;
    private long readOffset;
    private long inOrderEnd;
    private boolean gathering;
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

    /** Capacity of the buffers held: the bytes plus the room left in the last gathering buffer. For tests. */
    long heldCapacity() {
        long n = 0;
        for (ByteBuf b : inOrder) {
            n += b.capacity() - b.readerIndex();
        }
        for (ByteBuf b : ahead.values()) {
            n += b.capacity();
        }
        return n;
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
        checkFinalSize(end, fin);
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
        long cursor = Math.max(start, inOrderEnd);
        if (end <= cursor) {
            return grew;
        }
        if (cursor == inOrderEnd) {
            // The common case: bytes continuing what is contiguous, appended without a map operation.
            long to = ahead.isEmpty() ? end : Math.min(end, ahead.firstKey());
            append(data, offset, cursor, to);
            cursor = to;
        }
        // Keep the gaps between held segments; overlapping bytes were just checked to be equal.
        Map.Entry<Long, ByteBuf> e = firstOverlapping(cursor);
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
            e = ahead.higherEntry(segStart);
        }
        // Segments the new bytes reached are contiguous now.
        Map.Entry<Long, ByteBuf> next;
        while ((next = ahead.firstEntry()) != null && next.getKey() == inOrderEnd) {
            ahead.pollFirstEntry();
            ByteBuf last = inOrder.peekLast();
            if (last != null && last.writableBytes() > 0) {
                // Only the last buffer may have room: give it up rather than leave it stranded mid-queue.
                last.capacity(last.writerIndex());
            }
            inOrder.addLast(next.getValue());
            inOrderEnd += next.getValue().readableBytes();
        }
        return grew;
    }

    private void checkFinalSize(long end, boolean fin) throws WireException {
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
    }

    /**
     * Whether a frame at {@code offset} may bypass the buffer ({@link #passThrough}): it starts at the read position
     * and nothing is held (no bytes, no message end ahead).
     */
    public boolean canPassThrough(long offset) {
        return offset == readOffset && inOrderEnd == readOffset && ahead.isEmpty() && messageEnds.size() == 0;
    }

    /**
     * Records {@code len} bytes at the read position as received and read at once: their reader took them from the
     * frame itself. Only when {@link #canPassThrough}; the same final-size rules as {@link #insert}.
     *
     * @return how far {@link #highestOffset()} moved
     */
    public long passThrough(long offset, int len, boolean fin) throws WireException {
        long end = offset + len;
        checkFinalSize(end, fin);
        if (fin) {
            finalSize = end;
        }
        long grew = Math.max(0, end - highestOffset);
        highestOffset += grew;
        readOffset = end;
        inOrderEnd = end;
        return grew;
    }

    /** Copies {@code [from, to)} of {@code data} (which starts at {@code dataOffset}) after the contiguous bytes. */
    private void append(ByteBuf data, long dataOffset, long from, long to) {
        int n = (int) (to - from);
        int index = data.readerIndex() + (int) (from - dataOffset);
        ByteBuf last = inOrder.peekLast();
        if (last != null && last.writableBytes() > 0) {
            int k = Math.min(n, last.writableBytes());
            last.writeBytes(data, index, k);
            index += k;
            n -= k;
        }
        if (n > 0) {
            // A stream's first frame gets a buffer of its own size (one request, one small reply cost no more).
            int capacity = gathering ? Math.max(n, GATHER) : n;
            gathering = true;
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
            b.writeBytes(data, index, n);
            inOrder.addLast(b);
            pieces.add(1);
        }
        inOrderEnd = to;
        buffered += to - from;
    }

    /** Number of separate ranges within {@code [start, end)} not held yet: the segments an insert there would add. */
    private int gapsIn(long start, long end) {
        int gaps = 0;
        long cursor = Math.max(start, inOrderEnd);
        if (cursor >= end) {
            return 0;
        }
        for (Map.Entry<Long, ByteBuf> e = firstOverlapping(cursor); e != null && e.getKey() < end && cursor < end;
             e = ahead.higherEntry(e.getKey())) {
            if (e.getKey() > cursor) {
                gaps++;
            }
            cursor = Math.max(cursor, e.getKey() + e.getValue().readableBytes());
        }
        return cursor < end ? gaps + 1 : gaps;
    }

    private Map.Entry<Long, ByteBuf> firstOverlapping(long start) {
        if (ahead.isEmpty()) {
            return null;
        }
        Map.Entry<Long, ByteBuf> e = ahead.floorEntry(start);
        if (e == null || e.getKey() + e.getValue().readableBytes() <= start) {
            e = ahead.higherEntry(start);
        }
        return e;
    }

    /** Fails with PROTOCOL_VIOLATION if any held byte in {@code [start, end)} differs from {@code data}. */
    private void checkOverlaps(long start, long end, ByteBuf data, long dataOffset) throws WireException {
        if (start < inOrderEnd) {
            long segStart = readOffset;
            for (ByteBuf seg : inOrder) {
                if (segStart >= end) {
                    break;
                }
                checkEqual(segStart, seg, start, end, data, dataOffset);
                segStart += seg.readableBytes();
            }
        }
        for (Map.Entry<Long, ByteBuf> e = firstOverlapping(start); e != null && e.getKey() < end; e = ahead.higherEntry(e.getKey())) {
            checkEqual(e.getKey(), e.getValue(), start, end, data, dataOffset);
        }
    }

    private static void checkEqual(long segStart, ByteBuf seg, long start, long end, ByteBuf data, long dataOffset) throws WireException {
        long from = Math.max(start, segStart);
        long to = Math.min(end, segStart + seg.readableBytes());
        if (to > from && !ByteBufUtil.equals(seg, seg.readerIndex() + (int) (from - segStart),
                data, data.readerIndex() + (int) (from - dataOffset), (int) (to - from))) {
            throw new WireException(ErrorCode.PROTOCOL_VIOLATION, "conflicting bytes for offsets " + from + ".." + to);
        }
    }

    /** Holds {@code [from, to)} of {@code data} as a segment past a gap, in a buffer of its own size. */
    private void put(long from, ByteBuf data, long dataOffset, long to) {
        int n = (int) (to - from);
        if (n <= 0) {
            return;
        }
        ByteBuf copy = PooledByteBufAllocator.DEFAULT.directBuffer(n, n);
        copy.writeBytes(data, data.readerIndex() + (int) (from - dataOffset), n);
        ahead.put(from, copy);
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
        while ((e = ahead.lastEntry()) != null && e.getKey() + e.getValue().readableBytes() > end) {
            ByteBuf seg = e.getValue();
            long segStart = e.getKey();
            if (segStart >= end) {
                ahead.remove(segStart);
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
        while (inOrderEnd > end) {
            ByteBuf last = inOrder.peekLast();
            long lastStart = inOrderEnd - last.readableBytes();
            if (lastStart >= end) {
                inOrder.pollLast();
                dropped += last.readableBytes();
                last.release();
                pieces.add(-1);
                inOrderEnd = lastStart;
            } else {
                dropped += inOrderEnd - end;
                last.writerIndex(last.readerIndex() + (int) (end - lastStart));
                inOrderEnd = end;
            }
        }
        pieces.add(-messageEnds.removeAbove(end));
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
        return (int) Math.min(Integer.MAX_VALUE, Math.min(inOrderEnd, boundary()) - readOffset);
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
        ByteBuf seg;
        while (copied < len && readOffset < limit && (seg = inOrder.peekFirst()) != null) {
            int n = (int) Math.min(Math.min(len - copied, seg.readableBytes()), limit - readOffset);
            seg.getBytes(seg.readerIndex(), dst, off + copied, n);
            consumed(seg, n);
            copied += n;
        }
        passedMessageEnds();
        return copied;
    }

    /**
     * The contiguous bytes at the read position in one held buffer, never past the next message boundary, as a
     * view (no copy) valid until the next call that changes this buffer; {@code null} when none are here. Hand them
     * on, then {@link #skip} them.
     */
    public ByteBuffer peek() {
        ByteBuf seg = inOrder.peekFirst();
        if (seg == null) {
            return null;
        }
        int n = (int) Math.min(seg.readableBytes(), boundary() - readOffset);
        return n > 0 ? seg.nioBuffer(seg.readerIndex(), n) : null;
    }

    /** Whether {@code offset} ends a message (a MESSAGE_END, or the final size). */
    public boolean endsMessage(long offset) {
        return offset == finalSize || messageEnds.contains(offset);
    }

    /** Moves the read position past {@code n} bytes {@link #peek} returned. */
    public void skip(int n) {
        ByteBuf seg = inOrder.peekFirst();
        if (seg == null || n > seg.readableBytes()) {
            throw new IllegalArgumentException("skip(" + n + ") past the buffer peek() returned");
        }
        consumed(seg, n);
        passedMessageEnds();
    }

    /** {@code n} bytes of the first held buffer were taken: move on, and release it once empty. */
    private void consumed(ByteBuf seg, int n) {
        seg.skipBytes(n);
        readOffset += n;
        buffered -= n;
        if (!seg.isReadable()) {
            inOrder.pollFirst();
            seg.release();
            pieces.add(-1);
        }
    }

    private void passedMessageEnds() {
        int passed = messageEnds.removeAtOrBelow(readOffset);
        if (passed > 0) {
            pieces.add(-passed);
        }
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
        long next = messageEnds.higher(readOffset);
        if (next >= 0) {
            return finalSize >= 0 ? Math.min(next, finalSize) : next;
        }
        return finalSize >= 0 ? finalSize : Long.MAX_VALUE;
    }

    /**
     * Ranges not yet received between the read position and the end (final size if known, else the highest
     * offset received), as pairs {@code [offset, length]}; when the final size is unknown, a last pair
     * {@code [highest, -1]} stands for everything not yet seen.
     */
    public List<long[]> gaps() {
        List<long[]> out = new ArrayList<>();
        long end = finalSize >= 0 ? finalSize : highestOffset;
        long cursor = inOrderEnd;
        for (Map.Entry<Long, ByteBuf> e : ahead.entrySet()) {
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
        for (ByteBuf b : ahead.values()) {
            released += b.readableBytes();
            b.release();
        }
        pieces.add(-ahead.size());
        ahead.clear();
        for (int i = inOrder.size(); i > 0; i--) {
            ByteBuf b = inOrder.pollFirst();
            inOrder.addLast(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(b)));
            b.release();
        }
        pieces.add(-messageEnds.removeAbove(inOrderEnd));
        buffered -= released;
        return released;
    }

    /** Drops everything held (reset, stop-sending, session close); returns bytes released. */
    public long discard() {
        long n = buffered;
        pieces.add(-(inOrder.size() + ahead.size() + messageEnds.size()));
        for (ByteBuf b : inOrder) {
            b.release();
        }
        inOrder.clear();
        for (ByteBuf b : ahead.values()) {
            b.release();
        }
        ahead.clear();
        inOrderEnd = readOffset;
        messageEnds.clear();
        buffered = 0;
        return n;
    }
}

package dev.kwik.internal.wire;

import dev.kwik.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Cuts the byte stream of one QUIC stream into KWIK packets ({@code length (varint) | body}), whatever the QUIC
 * read boundaries. A packet that lies whole in a read is handed over as a view of that read (no copy, no
 * reference count touched); only a packet split across reads is gathered, into a buffer of its exact size. A
 * length above {@code maxPacketSize} (PACKET_TOO_LARGE) or of zero (FRAME_ENCODING_ERROR) fails the stream: the
 * error is thrown once and every later byte is ignored.
 *
 * <p>One per QUIC stream, confined to its event loop. {@link #release} frees a partly gathered packet.
 */
public final class PacketAssembler {
    /** Takes one packet body (packet number and frames). Valid during the call only: retain it to keep it. */
    public interface Sink {
        void packet(ByteBuf body);
    }

    private final int maxPacketSize;
    /** The start of a packet split across reads (its length prefix first), or null. */
    private ByteBuf pending;
    /** Bytes of that packet including its prefix; -1 while the prefix itself is incomplete. */
    private int pendingTotal = -1;
    private boolean failed;

    public PacketAssembler(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /** Hands every whole packet in {@code in} (after what earlier reads left) to {@code sink}; reads all of {@code in}. */
    public void feed(ByteBuf in, Sink sink) throws WireException {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            if (pending != null && !completePending(in, sink)) {
                return;
            }
            while (!failed && in.isReadable()) {
                long len = VarInt.peek(in);
                if (len < 0) {
                    stash(in, -1);
                    return;
                }
                int prefix = VarInt.peekSize(in);
                int total = prefix + checkLength(len);
                if (in.readableBytes() < total) {
                    stash(in, total);
                    return;
                }
                int body = in.readerIndex() + prefix;
                in.skipBytes(total);
                sink.packet(in.slice(body, total - prefix));
            }
            in.skipBytes(in.readableBytes()); // released while a packet was handled: the rest is ignored
        } catch (WireException e) {
            in.skipBytes(in.readableBytes());
            release();
            throw e;
        }
    }

    /**
     * Frees the partly gathered packet, if any: the stream ended or failed. Every byte fed after that (or left in
     * the read being handled, if a packet's handler ended the stream) is ignored.
     */
    public void release() {
        failed = true;
        if (pending != null) {
            pending.release();
            pending = null;
        }
        pendingTotal = -1;
    }

    /** Moves the rest of {@code in}, the start of one packet of {@code total} bytes (-1: not known yet), aside. */
    private void stash(ByteBuf in, int total) {
        pending = PooledByteBufAllocator.DEFAULT.directBuffer(total > 0 ? total : 16);
        pendingTotal = total;
        pending.writeBytes(in);
    }

    /** Adds from {@code in} to the pending packet; true once it went to {@code sink} (then {@code in} may hold more). */
    private boolean completePending(ByteBuf in, Sink sink) throws WireException {
        while (pendingTotal < 0) {
            if (!in.isReadable()) {
                return false;
            }
            pending.writeByte(in.readByte());
            long len = VarInt.peek(pending);
            if (len >= 0) {
                pendingTotal = VarInt.peekSize(pending) + checkLength(len);
                pending.ensureWritable(pendingTotal - pending.readableBytes());
            }
        }
        int take = Math.min(pendingTotal - pending.readableBytes(), in.readableBytes());
        pending.writeBytes(in, take);
        if (pending.readableBytes() < pendingTotal) {
            return false;
        }
        ByteBuf packet = pending;
        pending = null;
        pendingTotal = -1;
        try {
            int prefix = VarInt.peekSize(packet);
            sink.packet(packet.slice(prefix, packet.readableBytes() - prefix));
        } finally {
            packet.release();
        }
        return true;
    }

    private int checkLength(long len) throws WireException {
        if (len > maxPacketSize) {
            throw new WireException(ErrorCode.PACKET_TOO_LARGE,
                    "packet length " + len + " exceeds the limit of " + maxPacketSize + " bytes");
        }
        if (len == 0) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "empty packet");
        }
        return (int) len;
    }
}

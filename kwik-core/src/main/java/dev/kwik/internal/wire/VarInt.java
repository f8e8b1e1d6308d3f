package dev.kwik.internal.wire;

import dev.kwik.ErrorCode;
import io.netty.buffer.ByteBuf;

/**
 * QUIC variable-length integers (RFC 9000 §16): the two high bits of the first byte give the length
 * (1, 2, 4 or 8 bytes), the rest is the big-endian value, up to 2^62-1.
 */
public final class VarInt {
    /** Largest encodable value, 2^62 - 1. */
    public static final long MAX = (1L << 62) - 1;

    private VarInt() {
    }

    /** Encoded size of {@code v} in bytes. */
    public static int size(long v) {
        if (v < 0 || v > MAX) {
            throw new IllegalArgumentException("varint out of range: " + v);
        }
        if (v < 64) {
            return 1;
        }
        if (v < 16384) {
            return 2;
        }
        if (v < 1073741824) {
            return 4;
        }
        return 8;
    }

    /** Writes {@code v} at the writer index. */
    public static void write(ByteBuf buf, long v) {
        switch (size(v)) {
            case 1 -> buf.writeByte((int) v);
            case 2 -> buf.writeShort((int) (v | 0x4000));
            case 4 -> buf.writeInt((int) (v | 0x80000000L));
            default -> buf.writeLong(v | 0xC000000000000000L);
        }
    }

    /** Writes {@code v} at absolute index {@code at} without moving indices; returns the bytes written. */
    public static int set(ByteBuf buf, int at, long v) {
        int n = size(v);
        switch (n) {
            case 1 -> buf.setByte(at, (int) v);
            case 2 -> buf.setShort(at, (int) (v | 0x4000));
            case 4 -> buf.setInt(at, (int) (v | 0x80000000L));
            default -> buf.setLong(at, v | 0xC000000000000000L);
        }
        return n;
    }

    /** Reads a varint, failing with FRAME_ENCODING_ERROR when the buffer ends inside it. */
    public static long read(ByteBuf buf) throws WireException {
        if (!buf.isReadable()) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "truncated varint");
        }
        int first = buf.getUnsignedByte(buf.readerIndex());
        int len = 1 << (first >>> 6);
        if (buf.readableBytes() < len) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "truncated varint");
        }
        return switch (len) {
            case 1 -> buf.readUnsignedByte() & 0x3F;
            case 2 -> buf.readUnsignedShort() & 0x3FFF;
            case 4 -> buf.readUnsignedInt() & 0x3FFFFFFFL;
            default -> buf.readLong() & 0x3FFFFFFFFFFFFFFFL;
        };
    }

    /**
     * Peeks a varint at the reader index without consuming it. Returns -1 if the buffer does not yet hold the
     * whole varint (the caller waits for more bytes).
     */
    public static long peek(ByteBuf buf) {
        if (!buf.isReadable()) {
            return -1;
        }
        int at = buf.readerIndex();
        int first = buf.getUnsignedByte(at);
        int len = 1 << (first >>> 6);
        if (buf.readableBytes() < len) {
            return -1;
        }
        return switch (len) {
            case 1 -> first & 0x3F;
            case 2 -> buf.getUnsignedShort(at) & 0x3FFF;
            case 4 -> buf.getUnsignedInt(at) & 0x3FFFFFFFL;
            default -> buf.getLong(at) & 0x3FFFFFFFFFFFFFFFL;
        };
    }

    /** Size of the varint whose first byte is at the reader index (1, 2, 4 or 8). */
    public static int peekSize(ByteBuf buf) {
        return 1 << (buf.getUnsignedByte(buf.readerIndex()) >>> 6);
    }
}

package dev.kwik.internal.stream;

/**
 * RFC 9000 §2.1 stream ids: bit 0 is the initiator (0 client, 1 server), bit 1 the direction
 * (0 bidirectional, 1 unidirectional); the rest is a per-type sequence number.
 */
public final class StreamIds {
    private StreamIds() {
    }

    public static boolean isClientInitiated(long id) {
        return (id & 0x1) == 0;
    }

    public static boolean isUni(long id) {
        return (id & 0x2) != 0;
    }

    /** Sequence number of the id within its type (0 for the first stream of that type). */
    public static long index(long id) {
        return id >>> 2;
    }

    public static long id(long index, boolean clientInitiated, boolean uni) {
        return (index << 2) | (clientInitiated ? 0 : 1) | (uni ? 2 : 0);
    }

    /** Type bits (0..3) of an id. */
    public static int type(long id) {
        return (int) (id & 0x3);
    }
}

package dev.kwik.internal.wire;

/**
 * Frame type codes, the first varint of every frame. The table in {@code docs/PROTOCOL.md} is generated from
 * nothing: keep the two in step by hand.
 */
public final class FrameType {
    public static final int PADDING = 0x00;
    public static final int PING = 0x01;
    public static final int PONG = 0x02;
    public static final int ACK = 0x03;
    public static final int RESET_STREAM = 0x04;
    public static final int STOP_SENDING = 0x05;
    public static final int MAX_DATA = 0x06;
    public static final int MAX_STREAM_DATA = 0x07;
    public static final int MAX_STREAMS_BIDI = 0x08;
    public static final int MAX_STREAMS_UNI = 0x09;
    /** STREAM is 0x10..0x13: the low two bits are the FIN (0x01) and MESSAGE_END (0x02) flags. */
    public static final int STREAM = 0x10;
    public static final int STREAM_FIN = 0x01;
    public static final int STREAM_MSG_END = 0x02;
    public static final int HELLO = 0x20;
    public static final int HELLO_OK = 0x21;
    public static final int ADD_PATH = 0x22;
    public static final int PATH_ADDED = 0x23;
    public static final int PATH_FAILED = 0x24;
    public static final int REMOVE_PATH = 0x25;
    public static final int PATH_STATUS = 0x26;
    public static final int RAW = 0x27;
    public static final int INTERFACES = 0x28;
    public static final int ADD_PATH_FROM = 0x29;
    public static final int CLOSE = 0x30;

    private FrameType() {
    }

    public static boolean isStream(long type) {
        return (type & ~0x03L) == STREAM;
    }

    /** Whether a packet carrying this frame must be acknowledged (everything but ACK and PADDING). */
    public static boolean isAckEliciting(long type) {
        return type != ACK && type != PADDING;
    }

    public static String name(long type) {
        if (isStream(type)) {
            return "STREAM";
        }
        return switch ((int) type) {
            case PADDING -> "PADDING";
            case PING -> "PING";
            case PONG -> "PONG";
            case ACK -> "ACK";
            case RESET_STREAM -> "RESET_STREAM";
            case STOP_SENDING -> "STOP_SENDING";
            case MAX_DATA -> "MAX_DATA";
            case MAX_STREAM_DATA -> "MAX_STREAM_DATA";
            case MAX_STREAMS_BIDI -> "MAX_STREAMS_BIDI";
            case MAX_STREAMS_UNI -> "MAX_STREAMS_UNI";
            case HELLO -> "HELLO";
            case HELLO_OK -> "HELLO_OK";
            case ADD_PATH -> "ADD_PATH";
            case INTERFACES -> "INTERFACES";
            case ADD_PATH_FROM -> "ADD_PATH_FROM";
            case PATH_ADDED -> "PATH_ADDED";
            case PATH_FAILED -> "PATH_FAILED";
            case REMOVE_PATH -> "REMOVE_PATH";
            case PATH_STATUS -> "PATH_STATUS";
            case RAW -> "RAW";
            case CLOSE -> "CLOSE";
            default -> "0x" + Long.toHexString(type);
        };
    }
}

package dev.kwik.internal.wire;

import dev.kwik.ClientInterface;
import dev.kwik.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;

/**
 * Decodes the frames of one packet into {@link FrameVisitor} calls. All input is treated as hostile: every
 * length is checked against what remains of the packet before anything is sliced or allocated, and the only
 * exception that leaves is {@link WireException} with FRAME_ENCODING_ERROR, UNKNOWN_FRAME or whatever the
 * visitor threw.
 *
 * <p>One instance per path: it reuses an ACK range array, so it is not thread-safe.
 */
public final class FrameDecoder {
    /** ACK frames with more ranges than this are rejected (a bound on work per frame). */
    public static final int MAX_ACK_RANGES = 256;
    /** Missing ranges one PATH_STATUS may list. */
    public static final int MAX_MISSING_RANGES = 2048;
    /** Longest string (close reason, host name) accepted, in bytes. */
    public static final int MAX_STRING = 1024;
    /** Most interfaces one INTERFACES frame may announce. */
    public static final int MAX_INTERFACES = ClientInterface.MAX_INTERFACES;
    /** Longest credentials or ticket accepted, in bytes. */
    public static final int MAX_BLOB = 4096;

    private final long[] ackRanges = new long[2 * MAX_ACK_RANGES];

    /**
     * Decodes every frame from the reader index to the writer index of {@code frames}.
     *
     * @return whether any frame was ack-eliciting
     */
    public <C> boolean decode(ByteBuf frames, FrameVisitor<C> v, C from) throws WireException {
        boolean ackEliciting = false;
        if (!frames.isReadable()) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "packet without frames");
        }
        while (frames.isReadable()) {
            long type = VarInt.read(frames);
            ackEliciting |= FrameType.isAckEliciting(type);
            if (FrameType.isStream(type)) {
                long id = streamId(frames);
                long offset = VarInt.read(frames);
                int len = length(frames, "STREAM");
                if (offset + len > VarInt.MAX) {
                    throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "STREAM end past 2^62");
                }
                ByteBuf data = frames.readSlice(len);
                v.onStream(from, id, offset, (type & FrameType.STREAM_FIN) != 0, (type & FrameType.STREAM_MSG_END) != 0, data);
                continue;
            }
            switch ((int) type) {
                case FrameType.PADDING -> {
                    // A run of PADDING is skipped in one step, not decoded a byte at a time.
                    int next = frames.forEachByte(ByteProcessor.FIND_NON_NUL);
                    frames.readerIndex(next < 0 ? frames.writerIndex() : next);
                }
                case FrameType.PING -> v.onPing(from, VarInt.read(frames));
                case FrameType.PONG -> v.onPong(from, VarInt.read(frames));
                case FrameType.ACK -> decodeAck(frames, v, from);
                case FrameType.RESET_STREAM -> v.onResetStream(from, streamId(frames), VarInt.read(frames), VarInt.read(frames));
                case FrameType.STOP_SENDING -> v.onStopSending(from, streamId(frames), VarInt.read(frames));
                case FrameType.MAX_DATA -> v.onMaxData(from, VarInt.read(frames));
                case FrameType.MAX_STREAM_DATA -> v.onMaxStreamData(from, streamId(frames), VarInt.read(frames));
                case FrameType.MAX_STREAMS_BIDI -> v.onMaxStreams(from, true, VarInt.read(frames));
                case FrameType.MAX_STREAMS_UNI -> v.onMaxStreams(from, false, VarInt.read(frames));
                case FrameType.HELLO -> v.onHello(from, new Hello(VarInt.read(frames), blob(frames), blob(frames), blob(frames), params(frames)));
                case FrameType.HELLO_OK -> {
                    long version = VarInt.read(frames);
                    if (frames.readableBytes() < HelloOk.SESSION_ID_LENGTH) {
                        throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "truncated HELLO_OK session id");
                    }
                    byte[] sid = new byte[HelloOk.SESSION_ID_LENGTH];
                    frames.readBytes(sid);
                    long pathId = VarInt.read(frames);
                    long role = VarInt.read(frames);
                    TransportParams params = params(frames);
                    byte[] key = blob(frames);
                    if (key.length == 0 || key.length > HelloOk.MAX_SERVER_KEY) {
                        throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "HELLO_OK server key of " + key.length
                                + " bytes; 1 to " + HelloOk.MAX_SERVER_KEY + " allowed");
                    }
                    v.onHelloOk(from, new HelloOk(version, sid, pathId, role, params, key));
                }
                case FrameType.ADD_PATH -> {
                    long pathId = VarInt.read(frames);
                    String host = string(frames);
                    long port = VarInt.read(frames);
                    if (port > 65535) {
                        throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "ADD_PATH port out of range: " + port);
                    }
                    v.onAddPath(from, pathId, host, (int) port, blob(frames));
                }
                case FrameType.ADD_PATH_FROM -> {
                    long pathId = VarInt.read(frames);
                    String iface = interfaceId(frames, true);
                    String host = string(frames);
                    long port = VarInt.read(frames);
                    if (port > 65535) {
                        throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "ADD_PATH_FROM port out of range: " + port);
                    }
                    v.onAddPathFrom(from, pathId, iface, host, (int) port, blob(frames));
                }
                case FrameType.INTERFACES -> {
                    String dial = interfaceId(frames, false);
                    String dialHost = string(frames);
                    long dialPort = VarInt.read(frames);
                    if (dialPort > 65535) {
                        throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "INTERFACES port out of range: " + dialPort);
                    }
                    long count = VarInt.read(frames);
                    if (count > MAX_INTERFACES) {
                        throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "INTERFACES announces " + count
                                + " interfaces; at most " + MAX_INTERFACES + " allowed");
                    }
                    String[] ids = new String[(int) count];
                    long[] flags = new long[(int) count];
                    for (int i = 0; i < count; i++) {
                        ids[i] = interfaceId(frames, true);
                        flags[i] = VarInt.read(frames);
                    }
                    v.onInterfaces(from, dial, dialHost, (int) dialPort, ids, flags);
                }
                case FrameType.PATH_ADDED -> v.onPathAdded(from, VarInt.read(frames));
                case FrameType.PATH_FAILED -> v.onPathFailed(from, VarInt.read(frames), VarInt.read(frames), string(frames));
                case FrameType.REMOVE_PATH -> v.onRemovePath(from, VarInt.read(frames));
                case FrameType.PATH_STATUS -> {
                    long pathId = VarInt.read(frames);
                    long state = VarInt.read(frames);
                    long code = VarInt.read(frames);
                    long n = VarInt.read(frames);
                    if (n > MAX_MISSING_RANGES) {
                        throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "PATH_STATUS with " + n + " ranges, limit " + MAX_MISSING_RANGES);
                    }
                    long[] ranges = new long[3 * (int) n];
                    for (int i = 0; i < n; i++) {
                        ranges[3 * i] = VarInt.read(frames);
                        ranges[3 * i + 1] = VarInt.read(frames);
                        ranges[3 * i + 2] = VarInt.read(frames) - 1;
                    }
                    v.onPathStatus(from, pathId, state, code, ranges);
                }
                case FrameType.RAW -> {
                    long pathId = VarInt.read(frames);
                    int len = length(frames, "RAW");
                    v.onRaw(from, pathId, frames.readSlice(len));
                }
                case FrameType.CLOSE -> v.onClose(from, VarInt.read(frames), VarInt.read(frames), string(frames));
                default -> throw new WireException(ErrorCode.UNKNOWN_FRAME, "unknown frame type 0x" + Long.toHexString(type));
            }
        }
        return ackEliciting;
    }

    private <C> void decodeAck(ByteBuf in, FrameVisitor<C> v, C from) throws WireException {
        long largest = VarInt.read(in);
        long extra = VarInt.read(in);
        if (extra >= MAX_ACK_RANGES) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "ACK with " + (extra + 1) + " ranges, limit " + MAX_ACK_RANGES);
        }
        int count = (int) extra + 1;
        long first = VarInt.read(in);
        long lo = largest - first;
        if (lo < 0) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "ACK range below packet number 0");
        }
        ackRanges[0] = largest;
        ackRanges[1] = lo;
        for (int i = 1; i < count; i++) {
            long gap = VarInt.read(in);
            long len = VarInt.read(in);
            long hi = lo - gap - 2;
            long nlo = hi - len;
            if (hi < 0 || nlo < 0) {
                throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "ACK range below packet number 0");
            }
            ackRanges[2 * i] = hi;
            ackRanges[2 * i + 1] = nlo;
            lo = nlo;
        }
        v.onAck(from, ackRanges, count);
    }

    private static long streamId(ByteBuf in) throws WireException {
        return VarInt.read(in);
    }

    private static int length(ByteBuf in, String what) throws WireException {
        long len = VarInt.read(in);
        if (len > in.readableBytes()) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR,
                    what + " length " + len + " exceeds the " + in.readableBytes() + " bytes left in the packet");
        }
        return (int) len;
    }

    private static byte[] blob(ByteBuf in) throws WireException {
        int len = length(in, "field");
        if (len > MAX_BLOB) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "field of " + len + " bytes, limit " + MAX_BLOB);
        }
        byte[] b = new byte[len];
        in.readBytes(b);
        return b;
    }

    /** An interface id: 1 to 32 of [A-Za-z0-9._-]; empty allowed where {@code required} is false. */
    private static String interfaceId(ByteBuf in, boolean required) throws WireException {
        String id = string(in);
        if (id.isEmpty() && !required) {
            return id;
        }
        if (!ClientInterface.isValidId(id)) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "interface id '" + (id.length() > 40 ? id.substring(0, 40) + "..." : id)
                    + "': 1 to 32 letters, digits, '.', '_' or '-' expected");
        }
        return id;
    }

    private static String string(ByteBuf in) throws WireException {
        int len = length(in, "string");
        if (len > MAX_STRING) {
            throw new WireException(ErrorCode.FRAME_ENCODING_ERROR, "string of " + len + " bytes, limit " + MAX_STRING);
        }
        String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
        in.skipBytes(len);
        return s;
    }

    private static TransportParams params(ByteBuf in) throws WireException {
        return new TransportParams(VarInt.read(in), VarInt.read(in), VarInt.read(in), VarInt.read(in));
    }
}

package dev.kwik.internal.wire;

import io.netty.buffer.ByteBuf;

import java.util.List;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Frame encoders: every frame KWIK sends is written here and nowhere else. Each method appends one frame at
 * the writer index of {@code buf}; none allocates beyond what {@code buf} grows by.
 */
public final class Frames {
    /** Room reserved in front of a packet's frames for its header (length and packet number varints). */
    public static final int HEADER_ROOM = 16;
    /** Size of the frame header a STREAM frame adds in front of its payload, at most. */
    public static final int MAX_STREAM_HEADER = 1 + 8 + 8 + 8;
    /** Largest packet body (packet number and frames) any KWIK endpoint sends or accepts: 65 KiB. */
    public static final int MAX_PACKET_SIZE = 65 * 1024;
    /** Largest STREAM or RAW payload: 64 KiB, which leaves room for any frame and packet header. */
    public static final int MAX_FRAME_PAYLOAD = 64 * 1024;

    private Frames() {
    }

    /**
     * A pooled direct buffer for one packet: {@link #HEADER_ROOM} bytes in front stay free for the header the
     * path writes when it numbers the packet; frames are written from the reader index.
     */
    public static ByteBuf newPacket(int frameBytes) {
        ByteBuf p = PooledByteBufAllocator.DEFAULT.directBuffer(HEADER_ROOM + frameBytes);
        p.writerIndex(HEADER_ROOM).readerIndex(HEADER_ROOM);
        return p;
    }

    public static void ping(ByteBuf buf, long seq) {
        VarInt.write(buf, FrameType.PING);
        VarInt.write(buf, seq);
    }

    public static void pong(ByteBuf buf, long seq) {
        VarInt.write(buf, FrameType.PONG);
        VarInt.write(buf, seq);
    }

    /**
     * ACK with ranges given high-to-low as pairs {@code [hi0, lo0, hi1, lo1, ...]}, each inclusive, strictly
     * descending and separated by at least one missing number.
     */
    public static void ack(ByteBuf buf, long[] ranges, int rangeCount) {
        VarInt.write(buf, FrameType.ACK);
        VarInt.write(buf, ranges[0]);
        VarInt.write(buf, rangeCount - 1);
        VarInt.write(buf, ranges[0] - ranges[1]);
        long prevLo = ranges[1];
        for (int i = 1; i < rangeCount; i++) {
            long hi = ranges[2 * i];
            long lo = ranges[2 * i + 1];
            VarInt.write(buf, prevLo - hi - 2);
            VarInt.write(buf, hi - lo);
            prevLo = lo;
        }
    }

    public static void resetStream(ByteBuf buf, long streamId, long code, long finalSize) {
        VarInt.write(buf, FrameType.RESET_STREAM);
        VarInt.write(buf, streamId);
        VarInt.write(buf, code);
        VarInt.write(buf, finalSize);
    }

    public static void stopSending(ByteBuf buf, long streamId, long code) {
        VarInt.write(buf, FrameType.STOP_SENDING);
        VarInt.write(buf, streamId);
        VarInt.write(buf, code);
    }

    public static void maxData(ByteBuf buf, long max) {
        VarInt.write(buf, FrameType.MAX_DATA);
        VarInt.write(buf, max);
    }

    public static void maxStreamData(ByteBuf buf, long streamId, long max) {
        VarInt.write(buf, FrameType.MAX_STREAM_DATA);
        VarInt.write(buf, streamId);
        VarInt.write(buf, max);
    }

    public static void maxStreams(ByteBuf buf, boolean bidi, long max) {
        VarInt.write(buf, bidi ? FrameType.MAX_STREAMS_BIDI : FrameType.MAX_STREAMS_UNI);
        VarInt.write(buf, max);
    }

    /** STREAM frame header followed by {@code length} payload bytes copied from {@code src[off..]}. */
    public static void stream(ByteBuf buf, long streamId, long offset, boolean fin, boolean messageEnd,
                              byte[] src, int off, int length) {
        streamHeader(buf, streamId, offset, fin, messageEnd, length);
        buf.writeBytes(src, off, length);
    }

    /** STREAM frame header only; the caller appends exactly {@code length} payload bytes. */
    public static void streamHeader(ByteBuf buf, long streamId, long offset, boolean fin, boolean messageEnd,
                                    int length) {
        int type = FrameType.STREAM | (fin ? FrameType.STREAM_FIN : 0) | (messageEnd ? FrameType.STREAM_MSG_END : 0);
        VarInt.write(buf, type);
        VarInt.write(buf, streamId);
        VarInt.write(buf, offset);
        VarInt.write(buf, length);
    }

    public static void hello(ByteBuf buf, Hello hello) {
        VarInt.write(buf, FrameType.HELLO);
        VarInt.write(buf, hello.version());
        bytes(buf, hello.credentials());
        bytes(buf, hello.sessionId());
        bytes(buf, hello.ticket());
        params(buf, hello.params());
    }

    public static void helloOk(ByteBuf buf, HelloOk ok) {
        VarInt.write(buf, FrameType.HELLO_OK);
        VarInt.write(buf, ok.version());
        buf.writeBytes(ok.sessionId(), 0, HelloOk.SESSION_ID_LENGTH);
        VarInt.write(buf, ok.pathId());
        VarInt.write(buf, ok.role());
        params(buf, ok.params());
        bytes(buf, ok.serverKey());
    }

    public static void addPath(ByteBuf buf, long pathId, String host, int port, byte[] ticket) {
        VarInt.write(buf, FrameType.ADD_PATH);
        VarInt.write(buf, pathId);
        string(buf, host);
        VarInt.write(buf, port);
        bytes(buf, ticket);
    }

    /** ADD_PATH with the client interface to open the path from. */
    public static void addPathFrom(ByteBuf buf, long pathId, String clientInterface, String host, int port, byte[] ticket) {
        VarInt.write(buf, FrameType.ADD_PATH_FROM);
        VarInt.write(buf, pathId);
        string(buf, clientInterface);
        string(buf, host);
        VarInt.write(buf, port);
        bytes(buf, ticket);
    }

    /**
     * The client's interfaces: the one its first path to this server left from (empty if none) and the host and
     * port that path dialed (so that the server can name itself as the client knows it, for TLS), then each
     * interface's id and flags ({@link #INTERFACE_BACKUP}, {@link #INTERFACE_DOWN}).
     */
    public static void interfaces(ByteBuf buf, String dialInterface, String dialHost, int dialPort, List<String> ids, long[] flags) {
        VarInt.write(buf, FrameType.INTERFACES);
        string(buf, dialInterface);
        string(buf, dialHost);
        VarInt.write(buf, dialPort);
        VarInt.write(buf, ids.size());
        for (int i = 0; i < ids.size(); i++) {
            string(buf, ids.get(i));
            VarInt.write(buf, flags[i]);
        }
    }

    public static final long INTERFACE_BACKUP = 0x01;
    public static final long INTERFACE_DOWN = 0x02;

    public static void pathAdded(ByteBuf buf, long pathId) {
        VarInt.write(buf, FrameType.PATH_ADDED);
        VarInt.write(buf, pathId);
    }

    public static void pathFailed(ByteBuf buf, long pathId, long code, String reason) {
        VarInt.write(buf, FrameType.PATH_FAILED);
        VarInt.write(buf, pathId);
        VarInt.write(buf, code);
        string(buf, reason);
    }

    public static void removePath(ByteBuf buf, long pathId) {
        VarInt.write(buf, FrameType.REMOVE_PATH);
        VarInt.write(buf, pathId);
    }

    /** PATH_STATUS with the missing ranges as triples {@code (stream id, offset, length + 1)} (0 = open-ended). */
    public static void pathStatus(ByteBuf buf, long pathId, long state, long code, long[] ranges, int rangeCount) {
        VarInt.write(buf, FrameType.PATH_STATUS);
        VarInt.write(buf, pathId);
        VarInt.write(buf, state);
        VarInt.write(buf, code);
        VarInt.write(buf, rangeCount);
        for (int i = 0; i < rangeCount; i++) {
            VarInt.write(buf, ranges[3 * i]);
            VarInt.write(buf, ranges[3 * i + 1]);
            VarInt.write(buf, ranges[3 * i + 2] < 0 ? 0 : ranges[3 * i + 2] + 1);
        }
    }

    public static void raw(ByteBuf buf, long pathId, byte[] data, int off, int len) {
        VarInt.write(buf, FrameType.RAW);
        VarInt.write(buf, pathId);
        VarInt.write(buf, len);
        buf.writeBytes(data, off, len);
    }

    /** RAW with the readable bytes of {@code data} (left unread): the client relaying a server's RAW to another. */
    public static void raw(ByteBuf buf, long pathId, ByteBuf data) {
        VarInt.write(buf, FrameType.RAW);
        VarInt.write(buf, pathId);
        VarInt.write(buf, data.readableBytes());
        buf.writeBytes(data, data.readerIndex(), data.readableBytes());
    }

    /** CLOSE: KWIK error code (NO_ERROR for an orderly close), the application's code, reason. */
    public static void close(ByteBuf buf, long code, long applicationCode, String reason) {
        VarInt.write(buf, FrameType.CLOSE);
        VarInt.write(buf, code);
        VarInt.write(buf, applicationCode);
        string(buf, reason);
    }

    private static void params(ByteBuf buf, TransportParams p) {
        VarInt.write(buf, p.maxData());
        VarInt.write(buf, p.maxStreamData());
        VarInt.write(buf, p.maxStreamsBidi());
        VarInt.write(buf, p.maxStreamsUni());
    }

    private static void bytes(ByteBuf buf, byte[] b) {
        VarInt.write(buf, b.length);
        buf.writeBytes(b);
    }

    private static void string(ByteBuf buf, String s) {
        VarInt.write(buf, ByteBufUtil.utf8Bytes(s));
        buf.writeCharSequence(s, StandardCharsets.UTF_8);
    }
}

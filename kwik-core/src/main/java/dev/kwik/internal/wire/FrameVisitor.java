package dev.kwik.internal.wire;

import io.netty.buffer.ByteBuf;

/**
 * Receives the frames of one packet as {@link FrameDecoder} parses them. Hot frames (STREAM, ACK, MAX_*) come
 * as primitives so that decoding allocates nothing. ByteBuf arguments are slices of the packet, valid only for
 * the duration of the call: retain them to keep them.
 *
 * <p>Every method may throw {@link WireException} to reject the frame; decoding stops and the error closes the
 * session with its code.
 */
public interface FrameVisitor {
    void onPing(long seq) throws WireException;

    void onPong(long seq) throws WireException;

    /** ranges: {@code [hi0, lo0, hi1, lo1, ...]} inclusive, descending; the array is reused after the call. */
    void onAck(long[] ranges, int rangeCount) throws WireException;

    void onResetStream(long streamId, long code, long finalSize) throws WireException;

    void onStopSending(long streamId, long code) throws WireException;

    void onMaxData(long max) throws WireException;

    void onMaxStreamData(long streamId, long max) throws WireException;

    void onMaxStreams(boolean bidi, long max) throws WireException;

    void onStream(long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) throws WireException;

    void onHello(Hello hello) throws WireException;

    void onHelloOk(HelloOk ok) throws WireException;

    void onAddPath(long pathId, String host, int port, byte[] ticket) throws WireException;

    void onPathAdded(long pathId) throws WireException;

    void onPathFailed(long pathId, long code, String reason) throws WireException;

    void onRemovePath(long pathId) throws WireException;

    /** ranges: triples {@code (stream id, offset, length)}, length -1 for open-ended. */
    void onPathStatus(long pathId, long state, long code, long[] ranges) throws WireException;

    void onRaw(long pathId, ByteBuf data) throws WireException;

    void onClose(long code, long applicationCode, String reason) throws WireException;
}

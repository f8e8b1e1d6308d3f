package dev.kwik.internal.wire;

import io.netty.buffer.ByteBuf;

/**
 * Receives the frames of one packet as {@link FrameDecoder} parses them, each with the context the decoder was
 * given ({@code from}: on a KWIK end, the {@code Path} the packet came on). Hot frames (STREAM, ACK, MAX_*) come
 * as primitives so that decoding allocates nothing. ByteBuf arguments are slices of the packet, valid only for
 * the duration of the call: retain them to keep them.
 *
 * <p>Every method may throw {@link WireException} to reject the frame; decoding stops and the error closes the
 * session with its code.
 */
public interface FrameVisitor<C> {
    void onPing(C from, long seq) throws WireException;

    void onPong(C from, long seq) throws WireException;

    /** ranges: {@code [hi0, lo0, hi1, lo1, ...]} inclusive, descending; the array is reused after the call. */
    void onAck(C from, long[] ranges, int rangeCount) throws WireException;

    void onResetStream(C from, long streamId, long code, long finalSize) throws WireException;

    void onStopSending(C from, long streamId, long code) throws WireException;

    void onMaxData(C from, long max) throws WireException;

    void onMaxStreamData(C from, long streamId, long max) throws WireException;

    void onMaxStreams(C from, boolean bidi, long max) throws WireException;

    void onStream(C from, long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) throws WireException;

    void onHello(C from, Hello hello) throws WireException;

    void onHelloOk(C from, HelloOk ok) throws WireException;

    void onAddPath(C from, long pathId, String host, int port, byte[] ticket) throws WireException;

    /** ADD_PATH naming the client interface to open the path from. */
    void onAddPathFrom(C from, long pathId, String clientInterface, String host, int port, byte[] ticket) throws WireException;

    /** The client's interfaces ({@code dialInterface} empty when its first path left from none in particular). */
    void onInterfaces(C from, String dialInterface, String dialHost, int dialPort, String[] ids, long[] flags) throws WireException;

    void onPathAdded(C from, long pathId) throws WireException;

    void onPathFailed(C from, long pathId, long code, String reason) throws WireException;

    void onRemovePath(C from, long pathId) throws WireException;

    /** ranges: triples {@code (stream id, offset, length)}, length -1 for open-ended. */
    void onPathStatus(C from, long pathId, long state, long code, long[] ranges) throws WireException;

    void onRaw(C from, long pathId, ByteBuf data) throws WireException;

    void onClose(C from, long code, long applicationCode, String reason) throws WireException;
}

package dev.kwik.internal.path;

import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.FrameType;
import dev.kwik.internal.wire.FrameVisitor;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;

/**
 * Whoever handles the frames of a path that are not the path's own business (ACK, PING and PONG are): first
 * a handshake, then a session. Every frame it does not expect is a PROTOCOL_VIOLATION.
 */
public abstract class PathOwner implements FrameVisitor {
    /** The path failed: a wire error, a CLOSE from the peer or the QUIC connection going away. Event loop. */
    public abstract void onPathClosed(Path path, ErrorCode code, String reason, boolean byPeer);

    /**
     * Frames the path had queued or sent without acknowledgement when it ended (each buffer's readable bytes
     * are whole frames). The owner re-sends them on another path or releases them. Event loop of the path.
     */
    public void onOrphanedFrames(Path path, java.util.List<ByteBuf> frames) {
        frames.forEach(ByteBuf::release);
    }

    /** The path went ACTIVE → DEGRADED or back (not its end: see {@link #onPathClosed}). Event loop. */
    public void onStateChanged(Path path, dev.kwik.PathState previous) {
    }

    /**
     * Copies of the STREAM frames a DEGRADED path sent without acknowledgement; the path keeps its own. The
     * owner sends them on another path or releases them. Event loop of the path.
     */
    public void onSuspectFrames(Path path, java.util.List<ByteBuf> frames) {
        frames.forEach(ByteBuf::release);
    }

    protected static WireException unexpected(int type) {
        return new WireException(ErrorCode.PROTOCOL_VIOLATION, "unexpected " + FrameType.name(type) + " frame");
    }

    @Override
    public final void onPing(long seq) throws WireException {
        throw unexpected(FrameType.PING);
    }

    @Override
    public final void onPong(long seq) throws WireException {
        throw unexpected(FrameType.PONG);
    }

    @Override
    public final void onAck(long[] ranges, int rangeCount) throws WireException {
        throw unexpected(FrameType.ACK);
    }

    @Override
    public void onResetStream(long streamId, long code, long finalSize) throws WireException {
        throw unexpected(FrameType.RESET_STREAM);
    }

    @Override
    public void onStopSending(long streamId, long code) throws WireException {
        throw unexpected(FrameType.STOP_SENDING);
    }

    @Override
    public void onMaxData(long max) throws WireException {
        throw unexpected(FrameType.MAX_DATA);
    }

    @Override
    public void onMaxStreamData(long streamId, long max) throws WireException {
        throw unexpected(FrameType.MAX_STREAM_DATA);
    }

    @Override
    public void onMaxStreams(boolean bidi, long max) throws WireException {
        throw unexpected(FrameType.MAX_STREAMS_BIDI);
    }

    @Override
    public void onStream(long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) throws WireException {
        throw unexpected(FrameType.STREAM);
    }

    @Override
    public void onHello(Hello hello) throws WireException {
        throw unexpected(FrameType.HELLO);
    }

    @Override
    public void onHelloOk(HelloOk ok) throws WireException {
        throw unexpected(FrameType.HELLO_OK);
    }

    @Override
    public void onAddPath(long pathId, String host, int port, byte[] ticket) throws WireException {
        throw unexpected(FrameType.ADD_PATH);
    }

    @Override
    public void onPathAdded(long pathId) throws WireException {
        throw unexpected(FrameType.PATH_ADDED);
    }

    @Override
    public void onPathFailed(long pathId, long code, String reason) throws WireException {
        throw unexpected(FrameType.PATH_FAILED);
    }

    @Override
    public void onRemovePath(long pathId) throws WireException {
        throw unexpected(FrameType.REMOVE_PATH);
    }

    @Override
    public void onPathStatus(long pathId, long state, long code, long[] ranges) throws WireException {
        throw unexpected(FrameType.PATH_STATUS);
    }

    @Override
    public void onRaw(long pathId, ByteBuf data) throws WireException {
        throw unexpected(FrameType.RAW);
    }
}

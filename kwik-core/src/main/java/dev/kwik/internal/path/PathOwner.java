package dev.kwik.internal.path;

import dev.kwik.ErrorCode;
import dev.kwik.PathState;
import dev.kwik.internal.wire.FrameType;
import dev.kwik.internal.wire.FrameVisitor;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * Whoever handles the frames of a path: first a handshake, then the session. The path's decoder calls it directly
 * with the path the packet came on; the path's own frames (ACK, PING, PONG) go straight back to that path. Every
 * other frame the owner does not expect is a PROTOCOL_VIOLATION.
 */
public abstract class PathOwner implements FrameVisitor<Path> {
    /** The path failed: a wire error, a CLOSE from the peer or the QUIC connection going away. Event loop. */
    public abstract void onPathClosed(Path path, ErrorCode code, String reason, boolean byPeer);

    /**
     * Frames the path had queued or sent without acknowledgement when it ended (each buffer's readable bytes
     * are whole frames). The owner re-sends them on another path or releases them. Event loop of the path.
     */
    public void onOrphanedFrames(Path path, List<ByteBuf> frames) {
        frames.forEach(ByteBuf::release);
    }

    /** The path went ACTIVE → DEGRADED or back (not its end: see {@link #onPathClosed}). Event loop. */
    public void onStateChanged(Path path, PathState previous) {
    }

    /**
     * Copies of the STREAM frames a DEGRADED path sent without acknowledgement; the path keeps its own. The
     * owner sends them on another path or releases them. Event loop of the path.
     */
    public void onSuspectFrames(Path path, List<ByteBuf> frames) {
        frames.forEach(ByteBuf::release);
    }

    protected static WireException unexpected(int type) {
        return new WireException(ErrorCode.PROTOCOL_VIOLATION, "unexpected " + FrameType.name(type) + " frame");
    }

    @Override
    public final void onPing(Path from, long seq) {
        from.onPing(seq);
    }

    @Override
    public final void onPong(Path from, long seq) {
        from.onPong(seq);
    }

    @Override
    public final void onAck(Path from, long[] ranges, int rangeCount) throws WireException {
        from.onAck(ranges, rangeCount);
    }

    @Override
    public void onResetStream(Path from, long streamId, long code, long finalSize) throws WireException {
        throw unexpected(FrameType.RESET_STREAM);
    }

    @Override
    public void onStopSending(Path from, long streamId, long code) throws WireException {
        throw unexpected(FrameType.STOP_SENDING);
    }

    @Override
    public void onMaxData(Path from, long max) throws WireException {
        throw unexpected(FrameType.MAX_DATA);
    }

    @Override
    public void onMaxStreamData(Path from, long streamId, long max) throws WireException {
        throw unexpected(FrameType.MAX_STREAM_DATA);
    }

    @Override
    public void onMaxStreams(Path from, boolean bidi, long max) throws WireException {
        throw unexpected(FrameType.MAX_STREAMS_BIDI);
    }

    @Override
    public void onStream(Path from, long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) throws WireException {
        throw unexpected(FrameType.STREAM);
    }

    @Override
    public void onHello(Path from, Hello hello) throws WireException {
        throw unexpected(FrameType.HELLO);
    }

    @Override
    public void onHelloOk(Path from, HelloOk ok) throws WireException {
        throw unexpected(FrameType.HELLO_OK);
    }

    @Override
    public void onAddPath(Path from, long pathId, String host, int port, byte[] ticket) throws WireException {
        throw unexpected(FrameType.ADD_PATH);
    }

    @Override
    public void onAddPathFrom(Path from, long pathId, String clientInterface, String host, int port, byte[] ticket) throws WireException {
        throw unexpected(FrameType.ADD_PATH_FROM);
    }

    @Override
    public void onInterfaces(Path from, String dialInterface, String dialHost, int dialPort, String[] ids, long[] flags) throws WireException {
        throw unexpected(FrameType.INTERFACES);
    }

    @Override
    public void onPathAdded(Path from, long pathId) throws WireException {
        throw unexpected(FrameType.PATH_ADDED);
    }

    @Override
    public void onPathFailed(Path from, long pathId, long code, String reason) throws WireException {
        throw unexpected(FrameType.PATH_FAILED);
    }

    @Override
    public void onRemovePath(Path from, long pathId) throws WireException {
        throw unexpected(FrameType.REMOVE_PATH);
    }

    @Override
    public void onPathStatus(Path from, long pathId, long state, long code, long[] ranges) throws WireException {
        throw unexpected(FrameType.PATH_STATUS);
    }

    @Override
    public void onRaw(Path from, long pathId, ByteBuf data) throws WireException {
        throw unexpected(FrameType.RAW);
    }
}

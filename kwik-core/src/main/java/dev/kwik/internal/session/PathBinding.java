package dev.kwik.internal.session;

import dev.kwik.ErrorCode;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.path.PathOwner;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;

import java.util.List;

/** Binds one path to its session: every frame reaches the session together with the path it came on. */
final class PathBinding extends PathOwner {
    private final SessionCore session;
    private final Path path;

    PathBinding(SessionCore session, Path path) {
        this.session = session;
        this.path = path;
    }

    @Override
    public void onPathClosed(Path p, ErrorCode code, String reason, boolean byPeer) {
        session.pathEnded(p, code, reason, byPeer);
    }

    @Override
    public void onOrphanedFrames(Path p, List<ByteBuf> frames) {
        session.resend(p, frames);
    }

    @Override
    public void onStateChanged(Path p, dev.kwik.PathState previous) {
        session.pathStateChanged(p, previous);
    }

    @Override
    public void onSuspectFrames(Path p, List<ByteBuf> frames) {
        session.resend(p, frames);
    }

    @Override
    public void onResetStream(long streamId, long code, long finalSize) throws WireException {
        session.onResetStream(path, streamId, code, finalSize);
    }

    @Override
    public void onStopSending(long streamId, long code) throws WireException {
        session.onStopSending(path, streamId, code);
    }

    @Override
    public void onMaxData(long max) throws WireException {
        session.onMaxData(path, max);
    }

    @Override
    public void onMaxStreamData(long streamId, long max) throws WireException {
        session.onMaxStreamData(path, streamId, max);
    }

    @Override
    public void onMaxStreams(boolean bidi, long max) throws WireException {
        session.onMaxStreams(path, bidi, max);
    }

    @Override
    public void onStream(long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) throws WireException {
        session.onStream(path, streamId, offset, fin, messageEnd, data);
    }

    @Override
    public void onAddPath(long pathId, String host, int port, byte[] ticket) throws WireException {
        session.onAddPath(path, pathId, host, port, ticket);
    }

    @Override
    public void onPathAdded(long pathId) throws WireException {
        session.onPathAdded(path, pathId);
    }

    @Override
    public void onPathFailed(long pathId, long code, String reason) throws WireException {
        session.onPathFailed(path, pathId, code, reason);
    }

    @Override
    public void onRemovePath(long pathId) throws WireException {
        session.onRemovePath(path, pathId);
    }

    @Override
    public void onPathStatus(long pathId, long state, long code, long[] ranges) throws WireException {
        session.onPathStatus(path, pathId, state, code, ranges);
    }

    @Override
    public void onRaw(long pathId, ByteBuf data) throws WireException {
        session.onRaw(path, pathId, data);
    }

    @Override
    public void onClose(long code, long applicationCode, String reason) {
        session.onClose(path, code, applicationCode, reason);
    }
}

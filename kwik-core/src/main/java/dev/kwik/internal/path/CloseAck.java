package dev.kwik.internal.path;

import dev.kwik.internal.wire.FrameVisitor;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import io.netty.buffer.ByteBuf;

/**
 * What a path still reads after it sent CLOSE and ended: only the acknowledgement of the CLOSE packet, upon which
 * the QUIC connection closes. Until then QUIC stays open (at most {@code deadAfter}), because a peer on another
 * QUIC stack may stop reading at QUIC's CONNECTION_CLOSE and miss the CLOSE frame sent a fraction of a
 * millisecond earlier (seen in 4 of 18 runs of an independent client). Every other frame is ignored: the session
 * is over. Event loop.
 */
final class CloseAck implements FrameVisitor<Path> {
    private final long closePn;
    private boolean acknowledged;

    CloseAck(long closePn) {
        this.closePn = closePn;
    }

    boolean acknowledged() {
        return acknowledged;
    }

    @Override
    public void onAck(Path from, long[] ranges, int rangeCount) {
        for (int i = 0; i < rangeCount; i++) {
            if (ranges[2 * i] >= closePn && ranges[2 * i + 1] <= closePn) {
                acknowledged = true;
            }
        }
    }

    @Override
    public void onPing(Path from, long seq) {
    }

    @Override
    public void onPong(Path from, long seq) {
    }

    @Override
    public void onResetStream(Path from, long streamId, long code, long finalSize) {
    }

    @Override
    public void onStopSending(Path from, long streamId, long code) {
    }

    @Override
    public void onMaxData(Path from, long max) {
    }

    @Override
    public void onMaxStreamData(Path from, long streamId, long max) {
    }

    @Override
    public void onMaxStreams(Path from, boolean bidi, long max) {
    }

    @Override
    public void onStream(Path from, long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) {
    }

    @Override
    public void onHello(Path from, Hello hello) {
    }

    @Override
    public void onHelloOk(Path from, HelloOk ok) {
    }

    @Override
    public void onAddPath(Path from, long pathId, String host, int port, byte[] ticket) {
    }

    @Override
    public void onAddPathFrom(Path from, long pathId, String clientInterface, String host, int port, byte[] ticket) {
    }

    @Override
    public void onInterfaces(Path from, String dialInterface, String dialHost, int dialPort, String[] ids, long[] flags) {
    }

    @Override
    public void onPathAdded(Path from, long pathId) {
    }

    @Override
    public void onPathFailed(Path from, long pathId, long code, String reason) {
    }

    @Override
    public void onRemovePath(Path from, long pathId) {
    }

    @Override
    public void onPathStatus(Path from, long pathId, long state, long code, long[] ranges) {
    }

    @Override
    public void onRaw(Path from, long pathId, ByteBuf data) {
    }

    @Override
    public void onClose(Path from, long code, long applicationCode, String reason) {
    }
}

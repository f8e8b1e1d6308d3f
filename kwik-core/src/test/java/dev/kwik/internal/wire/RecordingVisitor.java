package dev.kwik.internal.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Records every frame as a string, for round-trip assertions. */
final class RecordingVisitor implements FrameVisitor<Object> {
    final List<String> frames = new ArrayList<>();
    final List<Hello> hellos = new ArrayList<>();

    @Override
    public void onPing(Object from, long seq) {
        frames.add("PING " + seq);
    }

    @Override
    public void onPong(Object from, long seq) {
        frames.add("PONG " + seq);
    }

    @Override
    public void onAck(Object from, long[] ranges, int rangeCount) {
        frames.add("ACK " + Arrays.toString(Arrays.copyOf(ranges, 2 * rangeCount)));
    }

    @Override
    public void onResetStream(Object from, long streamId, long code, long finalSize) {
        frames.add("RESET_STREAM " + streamId + " " + code + " " + finalSize);
    }

    @Override
    public void onStopSending(Object from, long streamId, long code) {
        frames.add("STOP_SENDING " + streamId + " " + code);
    }

    @Override
    public void onMaxData(Object from, long max) {
        frames.add("MAX_DATA " + max);
    }

    @Override
    public void onMaxStreamData(Object from, long streamId, long max) {
        frames.add("MAX_STREAM_DATA " + streamId + " " + max);
    }

    @Override
    public void onMaxStreams(Object from, boolean bidi, long max) {
        frames.add("MAX_STREAMS " + bidi + " " + max);
    }

    @Override
    public void onStream(Object from, long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) {
        frames.add("STREAM " + streamId + " " + offset + " " + fin + " " + messageEnd + " " + ByteBufUtil.hexDump(data));
    }

    @Override
    public void onHello(Object from, Hello h) {
        hellos.add(h);
        frames.add("HELLO " + h.version() + " " + Arrays.toString(h.credentials()) + " " + Arrays.toString(h.sessionId()) + " " + Arrays.toString(h.ticket()) + " " + h.params());
    }

    @Override
    public void onHelloOk(Object from, HelloOk ok) {
        frames.add("HELLO_OK " + ok.version() + " " + Arrays.toString(ok.sessionId()) + " " + ok.pathId() + " " + ok.role() + " " + ok.params()
                + " " + Arrays.toString(ok.serverKey()));
    }

    @Override
    public void onAddPath(Object from, long pathId, String host, int port, byte[] ticket) {
        frames.add("ADD_PATH " + pathId + " " + host + " " + port + " " + Arrays.toString(ticket));
    }

    @Override
    public void onAddPathFrom(Object from, long pathId, String clientInterface, String host, int port, byte[] ticket) {
        frames.add("ADD_PATH_FROM " + pathId + " " + clientInterface + " " + host + " " + port + " " + Arrays.toString(ticket));
    }

    @Override
    public void onInterfaces(Object from, String dialInterface, String dialHost, int dialPort, String[] ids, long[] flags) {
        frames.add("INTERFACES " + dialInterface + " " + dialHost + ":" + dialPort + " " + Arrays.toString(ids) + " " + Arrays.toString(flags));
    }

    @Override
    public void onPathAdded(Object from, long pathId) {
        frames.add("PATH_ADDED " + pathId);
    }

    @Override
    public void onPathFailed(Object from, long pathId, long code, String reason) {
        frames.add("PATH_FAILED " + pathId + " " + code + " " + reason);
    }

    @Override
    public void onRemovePath(Object from, long pathId) {
        frames.add("REMOVE_PATH " + pathId);
    }

    @Override
    public void onPathStatus(Object from, long pathId, long state, long code, long[] ranges) {
        frames.add("PATH_STATUS " + pathId + " " + state + " " + code + " " + Arrays.toString(ranges));
    }

    @Override
    public void onRaw(Object from, long pathId, ByteBuf data) {
        frames.add("RAW " + pathId + " " + ByteBufUtil.hexDump(data));
    }

    @Override
    public void onClose(Object from, long code, long applicationCode, String reason) {
        frames.add("CLOSE " + code + " " + applicationCode + " " + reason);
    }
}

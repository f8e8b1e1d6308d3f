package dev.kwik.bench.micro;

import dev.kwik.internal.wire.FrameDecoder;
import dev.kwik.internal.wire.FrameVisitor;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-frame cost of the wire codec on the hot path: encoding a STREAM frame (1 KiB of payload) and an ACK, and
 * decoding a packet of each. Run with {@code -prof gc}: the hot frames should allocate nothing.
 */
@State(Scope.Thread)
public class FrameCodecBench {
    private final byte[] payload = new byte[1024];
    private final FrameDecoder decoder = new FrameDecoder();
    private final long[] ackRanges = {1000, 990, 980, 970, 960, 950, 940, 930};
    private ByteBuf out;
    private ByteBuf streamPacket;
    private ByteBuf ackPacket;
    private Sink sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        out = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
        streamPacket = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        Frames.stream(streamPacket, 4, 1 << 20, false, true, payload, 0, payload.length);
        ackPacket = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        Frames.ack(ackPacket, ackRanges, 4);
        sink = new Sink(bh);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        out.release();
        streamPacket.release();
        ackPacket.release();
    }

    @Benchmark
    public int encodeStream1KiB() {
        out.clear();
        Frames.stream(out, 4, 1 << 20, false, true, payload, 0, payload.length);
        return out.writerIndex();
    }

    @Benchmark
    public int encodeAck4Ranges() {
        out.clear();
        Frames.ack(out, ackRanges, 4);
        return out.writerIndex();
    }

    @Benchmark
    public boolean decodeStream1KiB() throws WireException {
        return decoder.decode(streamPacket.duplicate(), sink, null);
    }

    @Benchmark
    public boolean decodeAck4Ranges() throws WireException {
        return decoder.decode(ackPacket.duplicate(), sink, null);
    }

    /** Consumes what the decoder hands out, so that nothing is optimised away. */
    static final class Sink implements FrameVisitor<Object> {
        private final Blackhole bh;

        Sink(Blackhole bh) {
            this.bh = bh;
        }

        public void onPing(Object from, long seq) {
            bh.consume(seq);
        }

        public void onPong(Object from, long seq) {
            bh.consume(seq);
        }

        public void onAck(Object from, long[] ranges, int rangeCount) {
            bh.consume(ranges[2 * rangeCount - 1]);
        }

        public void onResetStream(Object from, long streamId, long code, long finalSize) {
            bh.consume(finalSize);
        }

        public void onStopSending(Object from, long streamId, long code) {
            bh.consume(code);
        }

        public void onMaxData(Object from, long max) {
            bh.consume(max);
        }

        public void onMaxStreamData(Object from, long streamId, long max) {
            bh.consume(max);
        }

        public void onMaxStreams(Object from, boolean bidi, long max) {
            bh.consume(max);
        }

        public void onStream(Object from, long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) {
            bh.consume(offset + data.readableBytes());
        }

        public void onHello(Object from, Hello h) {
            bh.consume(h);
        }

        public void onHelloOk(Object from, HelloOk ok) {
            bh.consume(ok);
        }

        public void onAddPath(Object from, long pathId, String host, int port, byte[] ticket) {
            bh.consume(pathId);
        }

        @Override
        public void onAddPathFrom(Object from, long pathId, String clientInterface, String host, int port, byte[] ticket) {
            bh.consume(pathId);
        }

        @Override
        public void onInterfaces(Object from, String dialInterface, String dialHost, int dialPort, String[] ids, long[] flags) {
            bh.consume(ids);
        }

        public void onPathAdded(Object from, long pathId) {
            bh.consume(pathId);
        }

        public void onPathFailed(Object from, long pathId, long code, String reason) {
            bh.consume(reason);
        }

        public void onRemovePath(Object from, long pathId) {
            bh.consume(pathId);
        }

        public void onPathStatus(Object from, long pathId, long state, long code, long[] ranges) {
            bh.consume(ranges);
        }

        public void onRaw(Object from, long pathId, ByteBuf data) {
            bh.consume(data.readableBytes());
        }

        public void onClose(Object from, long code, long applicationCode, String reason) {
            bh.consume(reason);
        }
    }
}

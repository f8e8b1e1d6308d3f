package dev.kwik.internal.wire;

import dev.kwik.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class FrameCodecTest {
    private final FrameDecoder decoder = new FrameDecoder();

    private List<String> roundTrip(Consumer<ByteBuf> encode) throws WireException {
        ByteBuf buf = Unpooled.buffer();
        try {
            encode.accept(buf);
            RecordingVisitor v = new RecordingVisitor();
            decoder.decode(buf, v, null);
            assertThat(buf.isReadable()).isFalse();
            return v.frames;
        } finally {
            buf.release();
        }
    }

    @Test
    void varintsRoundTripAtEveryLengthBoundary() throws WireException {
        long[] values = {0, 63, 64, 16383, 16384, 1073741823, 1073741824, VarInt.MAX};
        int[] sizes = {1, 1, 2, 2, 4, 4, 8, 8};
        for (int i = 0; i < values.length; i++) {
            ByteBuf b = Unpooled.buffer();
            VarInt.write(b, values[i]);
            assertThat(b.readableBytes()).isEqualTo(sizes[i]);
            assertThat(VarInt.peek(b)).isEqualTo(values[i]);
            assertThat(VarInt.read(b)).isEqualTo(values[i]);
            b.release();
        }
        assertThatThrownBy(() -> VarInt.size(VarInt.MAX + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyFrameRoundTrips() throws WireException {
        TransportParams params = new TransportParams(1 << 24, 1 << 21, 256, 100);
        byte[] sid = new byte[16];
        sid[0] = 7;
        assertThat(roundTrip(b -> Frames.ping(b, 5))).containsExactly("PING 5");
        assertThat(roundTrip(b -> Frames.pong(b, 5))).containsExactly("PONG 5");
        assertThat(roundTrip(b -> Frames.ack(b, new long[] {100, 90, 80, 80, 10, 0}, 3)))
                .containsExactly("ACK [100, 90, 80, 80, 10, 0]");
        assertThat(roundTrip(b -> Frames.resetStream(b, 4, 9, 1000))).containsExactly("RESET_STREAM 4 9 1000");
        assertThat(roundTrip(b -> Frames.stopSending(b, 4, 9))).containsExactly("STOP_SENDING 4 9");
        assertThat(roundTrip(b -> Frames.maxData(b, 1L << 40))).containsExactly("MAX_DATA " + (1L << 40));
        assertThat(roundTrip(b -> Frames.maxStreamData(b, 8, 77))).containsExactly("MAX_STREAM_DATA 8 77");
        assertThat(roundTrip(b -> Frames.maxStreams(b, true, 3))).containsExactly("MAX_STREAMS true 3");
        assertThat(roundTrip(b -> Frames.maxStreams(b, false, 4))).containsExactly("MAX_STREAMS false 4");
        for (int flags = 0; flags < 4; flags++) {
            boolean fin = (flags & 1) != 0;
            boolean end = (flags & 2) != 0;
            assertThat(roundTrip(b -> Frames.stream(b, 12, 1 << 20, fin, end, new byte[] {1, 2, 3}, 0, 3)))
                    .containsExactly("STREAM 12 1048576 " + fin + " " + end + " 010203");
        }
        assertThat(roundTrip(b -> Frames.stream(b, 0, 0, true, false, new byte[0], 0, 0)))
                .containsExactly("STREAM 0 0 true false ");
        assertThat(roundTrip(b -> Frames.hello(b, new Hello(1, new byte[] {9}, new byte[0], new byte[0], params))))
                .containsExactly("HELLO 1 [9] [] [] " + params);
        assertThat(roundTrip(b -> Frames.hello(b, new Hello(1, new byte[0], new byte[] {1, 2}, new byte[] {3}, params))))
                .containsExactly("HELLO 1 [] [1, 2] [3] " + params);
        assertThat(roundTrip(b -> Frames.helloOk(b, new HelloOk(1, sid, 0, 1, params, new byte[] {5, 6}))))
                .containsExactly("HELLO_OK 1 [7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] 0 1 " + params + " [5, 6]");
        assertThat(roundTrip(b -> Frames.addPath(b, 3, "höst", 4433, new byte[] {1, 2}))).containsExactly("ADD_PATH 3 höst 4433 [1, 2]");
        assertThat(roundTrip(b -> Frames.pathAdded(b, 3))).containsExactly("PATH_ADDED 3");
        assertThat(roundTrip(b -> Frames.pathFailed(b, 3, 20, "no route"))).containsExactly("PATH_FAILED 3 20 no route");
        assertThat(roundTrip(b -> Frames.removePath(b, 3))).containsExactly("REMOVE_PATH 3");
        assertThat(roundTrip(b -> Frames.pathStatus(b, 3, 2, 0, new long[0], 0))).containsExactly("PATH_STATUS 3 2 0 []");
        assertThat(roundTrip(b -> Frames.pathStatus(b, 3, 3, 0x42, new long[] {0, 65536, 65536, 4, 100, -1}, 2)))
                .containsExactly("PATH_STATUS 3 3 66 [0, 65536, 65536, 4, 100, -1]");
        assertThat(roundTrip(b -> Frames.raw(b, 2, new byte[] {(byte) 0xff}, 0, 1))).containsExactly("RAW 2 ff");
        assertThat(roundTrip(b -> Frames.close(b, 6, 0, "too much"))).containsExactly("CLOSE 6 0 too much");
        assertThat(roundTrip(b -> {
            Frames.maxData(b, 1);
            Frames.stream(b, 1, 0, false, true, new byte[] {5}, 0, 1);
            Frames.ping(b, 2);
        })).containsExactly("MAX_DATA 1", "STREAM 1 0 false true 05", "PING 2");
    }

    @Test
    void interfaceFramesRoundTripAndTheirLimitsHold() throws WireException {
        assertThat(roundTrip(b -> Frames.interfaces(b, "wifi", "kwik.example.com", 4433, List.of("wifi", "lte-2"), new long[] {0, Frames.INTERFACE_BACKUP})))
                .containsExactly("INTERFACES wifi kwik.example.com:4433 [wifi, lte-2] [0, 1]");
        assertThat(roundTrip(b -> Frames.addPathFrom(b, 3, "lte-2", "10.0.0.1", 4433, new byte[] {9})))
                .containsExactly("ADD_PATH_FROM 3 lte-2 10.0.0.1 4433 [9]");
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i <= FrameDecoder.MAX_INTERFACES; i++) {
            many.add("if" + i);
        }
        ByteBuf tooMany = Unpooled.buffer();
        Frames.interfaces(tooMany, "", "", 0, many, new long[many.size()]);
        assertThatThrownBy(() -> decoder.decode(tooMany, new RecordingVisitor(), null))
                .hasMessageContaining("at most 16").extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FRAME_ENCODING_ERROR);
        for (String bad : new String[] {"wi fi", "x".repeat(33), "caf\u00e9", ""}) {
            ByteBuf b = Unpooled.buffer();
            Frames.interfaces(b, "", "", 0, List.of(bad), new long[1]);
            assertThatThrownBy(() -> decoder.decode(b, new RecordingVisitor(), null)).as(bad)
                    .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FRAME_ENCODING_ERROR);
        }
    }

    @Test
    void truncatedFramesAreFrameEncodingErrors() {
        ByteBuf full = Unpooled.buffer();
        Frames.stream(full, 4, 100, false, true, new byte[10], 0, 10);
        for (int cut = 1; cut < full.readableBytes(); cut++) {
            ByteBuf part = full.slice(0, cut);
            Throwable t = catchThrowable(() -> decoder.decode(part, new RecordingVisitor(), null));
            assertThat(t).as("cut at %d", cut).isInstanceOf(WireException.class);
            assertThat(((WireException) t).code()).isEqualTo(ErrorCode.FRAME_ENCODING_ERROR);
        }
        full.release();
    }

    @Test
    void lengthPastThePacketIsRejectedBeforeAnySlice() {
        ByteBuf b = Unpooled.buffer();
        VarInt.write(b, FrameType.STREAM);
        VarInt.write(b, 0);
        VarInt.write(b, 0);
        VarInt.write(b, 1_000_000);
        b.writeBytes(new byte[10]);
        assertThatThrownBy(() -> decoder.decode(b, new RecordingVisitor(), null))
                .isInstanceOf(WireException.class).hasMessageContaining("exceeds")
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FRAME_ENCODING_ERROR);
        b.release();
    }

    @Test
    void unknownFrameTypeIsRejected() {
        ByteBuf b = Unpooled.buffer();
        VarInt.write(b, 0x3f);
        assertThatThrownBy(() -> decoder.decode(b, new RecordingVisitor(), null))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.UNKNOWN_FRAME);
        b.release();
    }

    @Test
    void oversizedFieldsAndAckRangeCountsAreRejected() {
        ByteBuf b = Unpooled.buffer();
        Frames.close(b, 0, 0, "x".repeat(FrameDecoder.MAX_STRING + 1));
        assertThatThrownBy(() -> decoder.decode(b, new RecordingVisitor(), null))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FRAME_ENCODING_ERROR);
        b.clear();
        VarInt.write(b, FrameType.ACK);
        VarInt.write(b, 1000);
        VarInt.write(b, FrameDecoder.MAX_ACK_RANGES);
        assertThatThrownBy(() -> decoder.decode(b, new RecordingVisitor(), null)).hasMessageContaining("ranges");
        b.clear();
        VarInt.write(b, FrameType.ACK);
        VarInt.write(b, 5);
        VarInt.write(b, 0);
        VarInt.write(b, 6);
        assertThatThrownBy(() -> decoder.decode(b, new RecordingVisitor(), null)).hasMessageContaining("below packet number 0");
        b.release();
    }

    @Test
    void emptyPacketIsRejected() {
        assertThatThrownBy(() -> decoder.decode(Unpooled.EMPTY_BUFFER, new RecordingVisitor(), null))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FRAME_ENCODING_ERROR);
    }

    /** Mutated valid packets: decoding either succeeds or fails with a WireException, never anything else. */
    @Test
    void mutatedPacketsNeverThrowAnythingButWireException() {
        Random r = new Random(42);
        TransportParams params = new TransportParams(1, 2, 3, 4);
        ByteBuf valid = Unpooled.buffer();
        Frames.stream(valid, 4, 77, true, true, new byte[] {1, 2, 3, 4, 5}, 0, 5);
        Frames.ack(valid, new long[] {50, 40, 30, 20}, 2);
        Frames.hello(valid, new Hello(1, new byte[] {1, 2}, new byte[] {4}, new byte[] {3}, params));
        Frames.addPath(valid, 1, "host", 99, new byte[] {7});
        Frames.close(valid, 2, 3, "reason");
        Frames.raw(valid, 1, new byte[] {1, 2, 3}, 0, 3);
        byte[] base = new byte[valid.readableBytes()];
        valid.readBytes(base);
        valid.release();
        int rejected = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] m = base.clone();
            int flips = 1 + r.nextInt(4);
            for (int f = 0; f < flips; f++) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            int len = r.nextInt(10) == 0 ? r.nextInt(m.length + 1) : m.length;
            ByteBuf b = Unpooled.wrappedBuffer(m, 0, len);
            try {
                decoder.decode(b, new RecordingVisitor(), null);
            } catch (WireException e) {
                rejected++;
            } catch (Throwable t) {
                throw new AssertionError("mutation " + i + " threw " + t, t);
            }
        }
        assertThat(rejected).isGreaterThan(1000);
    }
}

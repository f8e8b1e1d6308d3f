package dev.kwik.internal.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kwik.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for everything a peer's bytes reach before any state: the packet framer and the frame decoder
 * (HELLO included). The property is the decoder's contract: arbitrary input either decodes or fails with a
 * {@link WireException} carrying a decoding code, and nothing else ever leaves (no runtime exception, no
 * buffer leak, no allocation the input did not pay for).
 *
 * <p>In ordinary test runs each target replays its saved inputs under {@code src/test/resources}; fuzz with
 * {@code kwik-core/fuzz.sh} (see docs/SECURITY.md).
 */
class FrameDecoderFuzzTest {
    private static final Set<ErrorCode> DECODING_CODES = EnumSet.of(ErrorCode.FRAME_ENCODING_ERROR, ErrorCode.UNKNOWN_FRAME);

    @FuzzTest(maxDuration = "60s")
    void packetBodies(byte[] body) {
        ByteBuf packet = Unpooled.wrappedBuffer(body);
        RecordingVisitor frames = new RecordingVisitor();
        try {
            new FrameDecoder().decode(packet, frames, null);
            assertThat(packet.isReadable()).as("a decoded packet is consumed whole").isFalse();
        } catch (WireException e) {
            assertThat(e.code()).isIn(DECODING_CODES);
        }
    }

    /** A HELLO frame with fuzzed fields, as a server's first read of a new path sees it. */
    @FuzzTest(maxDuration = "60s")
    void helloFields(byte[] fields) {
        ByteBuf packet = Unpooled.buffer(fields.length + 1).writeByte(FrameType.HELLO).writeBytes(fields);
        RecordingVisitor frames = new RecordingVisitor();
        try {
            new FrameDecoder().decode(packet, frames, null);
            Hello h = frames.hellos.get(0);
            assertThat(h.credentials().length).isLessThanOrEqualTo(FrameDecoder.MAX_BLOB);
            assertThat(h.sessionId().length).isLessThanOrEqualTo(FrameDecoder.MAX_BLOB);
            assertThat(h.ticket().length).isLessThanOrEqualTo(FrameDecoder.MAX_BLOB);
            assertThat(h.params().maxData()).isBetween(0L, VarInt.MAX);
        } catch (WireException e) {
            assertThat(e.code()).isIn(DECODING_CODES);
        }
    }

    /**
     * A QUIC stream's bytes cut at fuzzed boundaries: every packet the framer emits is exactly the bytes its
     * length prefix announced, in order, and a bad prefix stops the stream with PACKET_TOO_LARGE or
     * FRAME_ENCODING_ERROR.
     */
    @FuzzTest(maxDuration = "60s")
    void streamSplitIntoPackets(FuzzedDataProvider data) {
        int maxPacket = data.consumeInt(1, Frames.MAX_PACKET_SIZE);
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFramer(maxPacket), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        });
        byte[] stream = data.consumeRemainingAsBytes();
        int at = 0;
        int cut = 1;
        while (at < stream.length) {
            cut = Math.min(stream.length - at, 1 + (stream[at] & 0x7f) * cut % 977);
            ch.writeInbound(Unpooled.wrappedBuffer(stream, at, cut));
            at += cut;
        }
        ByteBuf expected = Unpooled.wrappedBuffer(stream);
        ByteBuf packet;
        while ((packet = ch.readInbound()) != null) {
            try {
                long len = VarInt.read(expected);
                assertThat(len).isEqualTo(packet.readableBytes()).isBetween(1L, (long) maxPacket);
                assertThat(ByteBufUtil.equals(expected.readSlice((int) len), packet)).isTrue();
            } catch (WireException e) {
                throw new AssertionError("emitted a packet the stream does not frame", e);
            } finally {
                packet.release();
            }
        }
        for (Throwable t : errors) {
            assertThat(t).isInstanceOf(WireException.class);
            assertThat(((WireException) t).code()).isIn(ErrorCode.PACKET_TOO_LARGE, ErrorCode.FRAME_ENCODING_ERROR);
        }
        ch.finishAndReleaseAll();
    }
}

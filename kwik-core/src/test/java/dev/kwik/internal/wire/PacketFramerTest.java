package dev.kwik.internal.wire;

import dev.kwik.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Packets never depend on how QUIC split the bytes. */
class PacketFramerTest {
    @Test
    void packetsSurviveAnySplitOfTheByteStream() {
        ByteBuf wire = Unpooled.buffer();
        for (int i = 0; i < 50; i++) {
            byte[] body = new byte[i * 37 + 1];
            body[0] = (byte) i;
            VarInt.write(wire, body.length);
            wire.writeBytes(body);
        }
        byte[] all = new byte[wire.readableBytes()];
        wire.readBytes(all);
        wire.release();
        for (int chunk : new int[] {1, 2, 3, 7, 100, all.length}) {
            EmbeddedChannel ch = new EmbeddedChannel(new PacketFramer(65536));
            for (int at = 0; at < all.length; at += chunk) {
                ch.writeInbound(Unpooled.wrappedBuffer(all, at, Math.min(chunk, all.length - at)));
            }
            for (int i = 0; i < 50; i++) {
                ByteBuf p = ch.readInbound();
                assertThat(p.readableBytes()).as("chunk %d packet %d", chunk, i).isEqualTo(i * 37 + 1);
                assertThat(p.getByte(0)).isEqualTo((byte) i);
                p.release();
            }
            assertThat((Object) ch.readInbound()).isNull();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void lengthAboveTheLimitIsPacketTooLargeAndReadingStops() {
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel ch = framerKeepingErrors(1000, errors);
        ByteBuf b = Unpooled.buffer();
        VarInt.write(b, 1001);
        b.writeBytes(new byte[1001]);
        VarInt.write(b, 1);
        b.writeByte(0);
        ch.writeInbound(b);
        assertThat(errors).hasSize(1);
        assertThat(((WireException) errors.get(0)).code()).isEqualTo(ErrorCode.PACKET_TOO_LARGE);
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void aTooLargeLengthSplitAcrossReadsIsStillPacketTooLarge() {
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel ch = framerKeepingErrors(1000, errors);
        ByteBuf good = Unpooled.buffer();
        VarInt.write(good, 3);
        good.writeBytes(new byte[] {1, 2, 3});
        ByteBuf bad = Unpooled.buffer();
        VarInt.write(bad, 5000); // two bytes: the first ends this read, the second starts the next
        ch.writeInbound(Unpooled.wrappedBuffer(good, bad.readRetainedSlice(1)));
        ch.writeInbound(Unpooled.wrappedBuffer(bad, Unpooled.wrappedBuffer(new byte[100])));
        ByteBuf p = ch.readInbound();
        assertThat(p.readableBytes()).isEqualTo(3);
        p.release();
        assertThat(errors).hasSize(1);
        assertThat(((WireException) errors.get(0)).code()).isEqualTo(ErrorCode.PACKET_TOO_LARGE);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 0}));
        assertThat((Object) ch.readInbound()).as("nothing read after the error").isNull();
        ch.finishAndReleaseAll();
    }

    /** A framer for packets up to {@code maxPacket} bytes whose errors land in {@code errors}. */
    private static EmbeddedChannel framerKeepingErrors(int maxPacket, List<Throwable> errors) {
        return new EmbeddedChannel(new PacketFramer(maxPacket), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        });
    }
}

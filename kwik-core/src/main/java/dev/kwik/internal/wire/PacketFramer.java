package dev.kwik.internal.wire;

import dev.kwik.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits the byte stream of one QUIC stream into KWIK packets: {@code length (varint) | body}. Emits each
 * body (packet number and frames) as a retained slice, whatever the QUIC read boundaries were. A length above
 * {@code maxPacketSize} or of zero is fired as a {@link WireException} (PACKET_TOO_LARGE /
 * FRAME_ENCODING_ERROR) and the stream is not read further.
 */
public final class PacketFramer extends ByteToMessageDecoder {
    private final int maxPacketSize;
    private boolean failed;

    public PacketFramer(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed) {
            long len = VarInt.peek(in);
            if (len < 0) {
                return;
            }
            if (len > maxPacketSize) {
                fail(ctx, in, new WireException(ErrorCode.PACKET_TOO_LARGE,
                        "packet length " + len + " exceeds the limit of " + maxPacketSize + " bytes"));
                return;
            }
            if (len == 0) {
                fail(ctx, in, new WireException(ErrorCode.FRAME_ENCODING_ERROR, "empty packet"));
                return;
            }
            int prefix = VarInt.peekSize(in);
            if (in.readableBytes() < prefix + len) {
                return;
            }
            in.skipBytes(prefix);
            out.add(in.readRetainedSlice((int) len));
        }
        in.skipBytes(in.readableBytes());
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, WireException e) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(e);
    }
}

package dev.kwik.internal.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A pipeline handler around a {@link PacketAssembler}: fires each packet body of one QUIC stream's bytes down
 * the pipeline as a retained buffer (the next handler releases it), and a bad length as a {@link WireException}
 * (PACKET_TOO_LARGE / FRAME_ENCODING_ERROR), after which the stream is not read further. Test code: KWIK's own
 * paths feed their assembler directly ({@code PathHandlers.Inbound}); raw test peers are built from handlers.
 */
public final class PacketFramer extends ChannelInboundHandlerAdapter {
    private final PacketAssembler assembler;

    public PacketFramer(int maxPacketSize) {
        this.assembler = new PacketAssembler(maxPacketSize);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            assembler.feed(in, body -> ctx.fireChannelRead(body.retain()));
        } catch (WireException e) {
            ctx.fireExceptionCaught(e);
        } finally {
            in.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        assembler.release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        assembler.release();
    }
}

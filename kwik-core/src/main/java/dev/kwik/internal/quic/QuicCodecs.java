package dev.kwik.internal.quic;

import dev.kwik.internal.session.TransportConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * QUIC settings every KWIK path uses. KWIK's own flow control bounds memory, so QUIC's windows are set wide
 * enough never to be the limit; quiche's defaults (all zero) would allow no stream at all.
 */
public final class QuicCodecs {
    public static final int UDP_PAYLOAD = 1350;
    /**
     * Datagrams read per wake-up. An allocator passed as an option keeps its own default of one, not the 16 a
     * datagram channel gives the allocator it creates itself: with one, every data datagram cost a read-complete,
     * a quiche send and an ACK datagram back (ReceiveBatchingTest), and a path ran at about half its rate.
     */
    static final int DATAGRAMS_PER_READ = 16;
    private static final long QUIC_CONNECTION_WINDOW = 32L << 20;
    private static final long QUIC_STREAM_WINDOW = 16L << 20;

    private QuicCodecs() {
    }

    public static <B extends QuicCodecBuilder<B>> B configure(B b, TransportConfig c) {
        return b.maxIdleTimeout(c.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(QUIC_CONNECTION_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(QUIC_STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(QUIC_STREAM_WINDOW)
                .initialMaxStreamDataUnidirectional(QUIC_STREAM_WINDOW)
                .initialMaxStreamsBidirectional(1)
                .initialMaxStreamsUnidirectional(4096)
                .maxRecvUdpPayloadSize(UDP_PAYLOAD)
                .maxSendUdpPayloadSize(UDP_PAYLOAD);
    }

    public static EventLoopGroup group(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
    }

    public static Bootstrap udp(EventLoopGroup group) {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048).maxMessagesPerRead(DATAGRAMS_PER_READ))
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20);
    }
}

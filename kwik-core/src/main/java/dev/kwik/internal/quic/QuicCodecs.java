package dev.kwik.internal.quic;

import dev.kwik.internal.session.TransportConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelBootstrap;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * QUIC and UDP settings every KWIK path uses. KWIK's own flow control bounds memory, so QUIC's windows are set
 * wide enough never to be the limit; quiche's defaults (all zero) would allow no stream at all.
 *
 * <p>On Linux the sockets use Netty's epoll transport: several datagrams per {@code recvmmsg}, and UDP GSO, which
 * hands the kernel up to {@link #GSO_SEGMENTS} datagrams in one {@code sendmsg}. Measured with raw Netty QUIC on
 * loopback, medians of 5 (docs/BENCHMARKS.md): NIO 162 MB/s, epoll 180 MB/s, epoll with GSO 235 MB/s, and with
 * 32 datagrams per recvmmsg 245 MB/s. Elsewhere, or with
 * {@code -Dkwik.transport=nio}, NIO.
 */
public final class QuicCodecs {
    /** UDP payload sent unless configured otherwise: fits nearly every path's MTU. */
    public static final int DEFAULT_UDP_PAYLOAD = 1350;
    /** Largest UDP payload received (and allowed to be configured): IPv4 over an MTU of 1500. */
    public static final int MAX_UDP_PAYLOAD = 1472;
    /**
     * Bytes of the connection ids each end chooses for itself. Every short-header datagram carries the peer's:
     * quiche's default of 20 cost 12 bytes per datagram more than 8 (0.9% of a link; docs/BENCHMARKS.md). KWIK
     * routes nothing by connection id, and 8 random bytes keep collisions out of reach.
     */
    static final int CONNECTION_ID_LENGTH = 8;
    /**
     * Datagrams read per wake-up. An allocator passed as an option keeps its own default of one, not the 16 a
     * datagram channel gives the allocator it creates itself: with one, every data datagram cost a read-complete,
     * a quiche send and an ACK datagram back (ReceiveBatchingTest), and a path ran at about half its rate.
     */
    static final int DATAGRAMS_PER_READ = 16;
    /** With epoll, datagrams per {@code recvmmsg}: 32 measured best for raw Netty QUIC here (docs/BENCHMARKS.md). */
    static final int EPOLL_DATAGRAMS_PER_READ = 32;
    /** Datagrams per GSO send; quiche fills them from one connection's pending data. */
    static final int GSO_SEGMENTS = 16;
    private static final long QUIC_CONNECTION_WINDOW = 32L << 20;
    private static final long QUIC_STREAM_WINDOW = 16L << 20;
    private static final boolean EPOLL = !"nio".equals(System.getProperty("kwik.transport", "").toLowerCase(Locale.ROOT))
            && Epoll.isAvailable();

    private QuicCodecs() {
    }

    /** The socket transport in use: {@code epoll} or {@code nio}. */
    public static String transport() {
        return EPOLL ? "epoll" : "nio";
    }

    public static <B extends QuicCodecBuilder<B>> B configure(B b, TransportConfig c) {
        return b.maxIdleTimeout(c.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(QUIC_CONNECTION_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(QUIC_STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(QUIC_STREAM_WINDOW)
                .initialMaxStreamDataUnidirectional(QUIC_STREAM_WINDOW)
                .initialMaxStreamsBidirectional(1)
                .initialMaxStreamsUnidirectional(4096)
                .maxRecvUdpPayloadSize(MAX_UDP_PAYLOAD)
                .maxSendUdpPayloadSize(c.maxUdpPayload())
                .localConnectionIdLength(CONNECTION_ID_LENGTH);
    }

    /** A server codec builder with {@link #configure} applied and, with epoll, GSO on every accepted connection. */
    public static QuicServerCodecBuilder server(TransportConfig c) {
        QuicServerCodecBuilder b = configure(new QuicServerCodecBuilder(), c);
        return EPOLL ? b.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, gso()) : b;
    }

    /** A bootstrap for a client connection on {@code udp}, with GSO when the socket is epoll's. */
    public static QuicChannelBootstrap client(Channel udp) {
        QuicChannelBootstrap b = QuicChannel.newBootstrap(udp);
        return EPOLL ? b.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, gso()) : b;
    }

    /** Up to {@link #GSO_SEGMENTS} datagrams per send (Netty falls back to one per send where GSO is missing). */
    private static SegmentedDatagramPacketAllocator gso() {
        return EpollQuicUtils.newSegmentedAllocator(GSO_SEGMENTS);
    }

    public static EventLoopGroup group(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
                EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /**
     * A UDP socket bootstrap whose pipeline is {@link PathHandlers.ReadBatchEnd}, then {@code codec}: paths on the
     * socket act at the end of each read batch, before quiche sends, so what they write then leaves with quiche's
     * own acknowledgements.
     */
    public static Bootstrap udp(EventLoopGroup group, ChannelHandler codec) {
        return udp(group).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new PathHandlers.ReadBatchEnd(), codec);
            }
        });
    }

    private static Bootstrap udp(EventLoopGroup group) {
        Bootstrap b = new Bootstrap().group(group)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20);
        if (EPOLL) {
            // One recvmmsg takes up to EPOLL_DATAGRAMS_PER_READ datagrams: the read buffer must hold that many (with
            // Netty's 2048-byte default it holds one, and each datagram costs a system call). Not UDP_GRO: with Netty
            // 4.2.17 coalesced reads collapsed raw QUIC to about 10 MB/s here.
            return b.channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_UDP_PAYLOAD)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP_PAYLOAD * EPOLL_DATAGRAMS_PER_READ)
                            .maxMessagesPerRead(EPOLL_DATAGRAMS_PER_READ));
        }
        return b.channel(NioDatagramChannel.class)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048).maxMessagesPerRead(DATAGRAMS_PER_READ));
    }
}

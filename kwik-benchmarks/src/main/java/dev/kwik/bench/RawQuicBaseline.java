package dev.kwik.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelBootstrap;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Raw Netty QUIC, written against Netty alone: no class of KWIK, so that no KWIK setting (or mistake) can reach
 * the baseline KWIK is compared with. One connection, one bidirectional stream, FIN on the last write; the
 * sender copies each 64 KiB chunk from a heap {@code byte[]} and the receiver copies what arrives into one, the
 * work an application does at a byte-array API.
 *
 * <p>Settings are Netty's defaults except what a competent user must set: the QUIC windows and stream limits
 * (quiche's defaults of zero allow no stream), the UDP payload, and, per {@link Config}, the datagrams read per
 * wake-up and the transport (NIO, or epoll with GSO).
 */
final class RawQuicBaseline {
    static final int CHUNK = 64 * 1024;

    /**
     * One configuration of the baseline.
     *
     * @param epoll           Netty's epoll transport (recvmmsg; UDP GSO with {@code gsoSegments} per send), else NIO
     * @param payload         QUIC's maximum UDP payload, send and receive
     * @param messagesPerRead datagrams read per wake-up; 0 keeps Netty's default (16 for datagram channels). With
     *                        epoll, a positive value also sizes the read buffer for that many datagrams, so that
     *                        one {@code recvmmsg} takes them all (Netty's 2048-byte buffer holds one)
     * @param gsoSegments     datagrams per GSO send with epoll (0: no GSO)
     */
    record Config(boolean epoll, int payload, int messagesPerRead, int gsoSegments) {
        static final Config NETTY_DEFAULTS = new Config(false, 1350, 0, 0);

        boolean gso() {
            return epoll && gsoSegments > 0;
        }

        String describe() {
            return (epoll ? "epoll" + (gsoSegments > 0 ? " with UDP GSO (" + gsoSegments + " datagrams per send)" : "") : "NIO")
                    + ", " + payload + "-byte UDP payload, "
                    + (messagesPerRead == 0 ? "Netty's default datagrams per read (16)" : messagesPerRead + " datagrams per read"
                    + (epoll ? " (one recvmmsg)" : ""))
                    + ", QUIC windows 32 MiB connection / 16 MiB stream, Netty's default socket buffers";
        }

        String label() {
            return (epoll ? "epoll" + (gsoSegments > 0 ? "+gso" + gsoSegments : "") : "nio") + "/" + payload
                    + "/" + (messagesPerRead == 0 ? "default" : String.valueOf(messagesPerRead));
        }

        /** Parses {@link #label()}'s form: {@code nio|epoll[+gsoN]/payload/default|N}. */
        static Config parse(String s) {
            String[] p = s.split("/");
            boolean epoll = p[0].startsWith("epoll");
            int gso = p[0].contains("+gso") ? Integer.parseInt(p[0].substring(p[0].indexOf("+gso") + 4)) : 0;
            return new Config(epoll, Integer.parseInt(p[1]), p[2].equals("default") ? 0 : Integer.parseInt(p[2]), gso);
        }
    }

    /** What a run measured. */
    record Run(double megabytesPerSecond, long clientDatagramsSent, long clientDatagramsReceived) {
    }

    private RawQuicBaseline() {
    }

    static boolean available(Config c) {
        return !c.epoll || Epoll.isAvailable();
    }

    /**
     * Sends {@code total} bytes client → server over one stream in writes of {@code writeSize} bytes (each its
     * own buffer, copied from a byte[]); returns the rate and the client's datagram counts.
     */
    static Run run(Config c, File certificate, File privateKey, long total, int writeSize) throws Exception {
        return run(c, certificate, privateKey, total, writeSize, null);
    }

    /** As above; {@code cpu}, if given, is read before the event loops end. */
    static Run run(Config c, File certificate, File privateKey, long total, int writeSize, ThreadCpu cpu) throws Exception {
        EventLoopGroup serverGroup = group(c, "raw-server");
        EventLoopGroup clientGroup = group(c, "raw-client");
        CompletableFuture<Long> done = new CompletableFuture<>();
        try {
            QuicSslContext serverSsl = QuicSslContextBuilder.forServer(privateKey, null, certificate)
                    .applicationProtocols("bench").build();
            QuicServerCodecBuilder serverBuilder = windows(new QuicServerCodecBuilder(), c);
            if (c.gso()) {
                serverBuilder.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, EpollQuicUtils.newSegmentedAllocator(c.gsoSegments));
            }
            ChannelHandler serverCodec = serverBuilder
                    .sslContext(serverSsl).tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                    .handler(new ChannelInboundHandlerAdapter())
                    .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel ch) {
                            ch.pipeline().addLast(new Sink(done));
                        }
                    }).build();
            Channel server = udp(serverGroup, c).handler(serverCodec).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            QuicSslContext clientSsl = QuicSslContextBuilder.forClient().trustManager(certificate)
                    .applicationProtocols("bench").build();
            ChannelHandler clientCodec = windows(new QuicClientCodecBuilder(), c)
                    .sslEngineProvider(q -> clientSsl.newEngine(q.alloc(), "localhost", port)).build();
            Channel udp = udp(clientGroup, c).handler(clientCodec).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            QuicChannelBootstrap bootstrap = QuicChannel.newBootstrap(udp);
            if (c.gso()) {
                bootstrap.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, EpollQuicUtils.newSegmentedAllocator(c.gsoSegments));
            }
            QuicChannel quic = bootstrap.handler(new ChannelInboundHandlerAdapter())
                    .streamHandler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(server.localAddress()).connect().get(5, TimeUnit.SECONDS);
            Source source = new Source(total, writeSize);
            QuicStreamChannel stream = quic.createStream(QuicStreamType.BIDIRECTIONAL, source).get(5, TimeUnit.SECONDS);
            long end = done.get(120, TimeUnit.SECONDS);
            if (cpu != null) {
                cpu.stop();
            }
            QuicConnectionStats stats = quic.collectStats().get(5, TimeUnit.SECONDS);
            stream.close();
            quic.close().sync();
            udp.close().sync();
            server.close().sync();
            return new Run(total / ((end - source.start) / 1e9) / 1e6, stats.sent(), stats.recv());
        } finally {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static EventLoopGroup group(Config c, String name) {
        return new MultiThreadIoEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory(name),
                c.epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private static <B extends QuicCodecBuilder<B>> B windows(B b, Config c) {
        b.initialMaxData(32L << 20)
                .initialMaxStreamDataBidirectionalLocal(16L << 20)
                .initialMaxStreamDataBidirectionalRemote(16L << 20)
                .initialMaxStreamsBidirectional(16)
                .maxRecvUdpPayloadSize(c.payload)
                .maxSendUdpPayloadSize(c.payload)
                .maxIdleTimeout(30, TimeUnit.SECONDS);
        return b;
    }

    private static Bootstrap udp(EventLoopGroup group, Config c) {
        Bootstrap b = new Bootstrap().group(group).channel(c.epoll ? EpollDatagramChannel.class : NioDatagramChannel.class);
        if (c.epoll) {
            // recvmmsg when the read buffer holds several datagrams. Not UDP_GRO: with Netty 4.2.17 it collapsed the
            // rate to about 10 MB/s here (coalesced reads).
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, c.payload);
            if (c.messagesPerRead > 0) {
                b.option(io.netty.channel.ChannelOption.RCVBUF_ALLOCATOR,
                        new io.netty.channel.FixedRecvByteBufAllocator(c.payload * c.messagesPerRead).maxMessagesPerRead(c.messagesPerRead));
            }
        }
        if (c.messagesPerRead > 0) {
            b.option(io.netty.channel.ChannelOption.MAX_MESSAGES_PER_READ, c.messagesPerRead);
        }
        return b;
    }

    /** Writes chunks copied from a byte[] while the stream is writable; FIN rides on the last one. */
    private static final class Source extends ChannelInboundHandlerAdapter {
        private final long total;
        private final byte[] appChunk;
        private long sent;
        volatile long start;

        Source(long total, int writeSize) {
            this.total = total;
            this.appChunk = new byte[writeSize];
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            start = System.nanoTime();
            pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        private void pump(ChannelHandlerContext ctx) {
            while (ctx.channel().isWritable() && sent < total) {
                sent += appChunk.length;
                ByteBuf b = ctx.alloc().directBuffer(appChunk.length).writeBytes(appChunk);
                ctx.write(sent >= total ? new DefaultQuicStreamFrame(b, true) : b);
            }
            ctx.flush();
        }
    }

    /** Copies everything into a byte[]; completes {@code done} with the time the FIN arrived. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        private final byte[] sink = new byte[CHUNK];
        private final CompletableFuture<Long> done;

        Sink(CompletableFuture<Long> done) {
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            while (b.isReadable()) {
                b.readBytes(sink, 0, Math.min(sink.length, b.readableBytes()));
            }
            b.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                done.complete(System.nanoTime());
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}

package dev.kwik.bench;

import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.internal.quic.QuicCodecs;
import dev.kwik.internal.quic.Tls;
import dev.kwik.internal.session.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Single-path ceiling: raw Netty QUIC (one connection, one stream) against KWIK (one session, one stream),
 * both on 127.0.0.1 in this JVM, with the same TLS certificate, UDP payload size and QUIC settings
 * ({@link QuicCodecs}), and the same work at the application boundary: the sender copies each 64 KiB chunk
 * from a heap {@code byte[]}, the receiver copies what arrives into a heap {@code byte[]}. Runs alternate (raw, KWIK, raw, KWIK, ...) so drift hits both; prints every run,
 * the medians and the ratio KWIK / raw.
 *
 * <p>Run: {@code mvn -q -pl kwik-benchmarks -am package -DskipTests && java -cp "kwik-benchmarks/target/classes:$(cat kwik-benchmarks/target/classpath.txt)" dev.kwik.bench.SinglePathThroughput [MiB] [runs]}
 * (see docs/BENCHMARKS.md for the one-line form).
 */
public final class SinglePathThroughput {
    private static final int CHUNK = 64 * 1024;
    private static final int THREADS = Integer.getInteger("kwik.bench.threads", 1);

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long total = (long) mib << 20;
        SelfSignedCertificate cert = Tls.selfSigned();
        System.out.printf("single-path throughput: %d MiB per run, %d runs each, %d-byte UDP payloads, java %s, %d cpus%n",
                mib, runs, QuicCodecs.UDP_PAYLOAD, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        // Warm-up: two short runs of each, not counted.
        for (int i = 0; i < 2; i++) {
            raw(cert, Math.min(total, 64L << 20));
            kwik(cert, Math.min(total, 64L << 20));
        }
        List<Double> raw = new ArrayList<>();
        List<Double> kwik = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            double r = raw(cert, total);
            double k = kwik(cert, total);
            raw.add(r);
            kwik.add(k);
            System.out.printf("run %d: raw %.1f MB/s, kwik %.1f MB/s%n", i + 1, r, k);
        }
        double mr = Results.median(raw);
        double mk = Results.median(kwik);
        System.out.printf("raw netty quic : median %.1f MB/s (min %.1f, max %.1f)%n", mr, Collections.min(raw), Collections.max(raw));
        System.out.printf("kwik single path: median %.1f MB/s (min %.1f, max %.1f)%n", mk, Collections.min(kwik), Collections.max(kwik));
        System.out.printf("ratio kwik/raw  : %.3f%n", mk / mr);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ratios.add(kwik.get(i) / raw.get(i));
        }
        Results out = new Results("single-path");
        out.add("raw Netty QUIC, " + mib + " MiB", "MB/s", raw, null, 0);
        out.add("KWIK single path, " + mib + " MiB", "MB/s", kwik, null, 0);
        out.add("KWIK / raw (paired runs)", "", ratios, ">=", 0.95);
        out.print();
        out.write(java.nio.file.Path.of(System.getProperty("kwik.bench.out", "kwik-benchmarks/target/bench")));
        cert.delete();
    }

    /** KWIK: client writes {@code total} bytes in 64 KiB messages on one stream; server reads to EOF. MB/s. */
    static double kwik(SelfSignedCertificate cert, long total) throws Exception {
        try (KwikServer server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(cert.certificate(), cert.privateKey()).eventLoopThreads(THREADS).build().start();
             KwikClient client = KwikClient.builder().trustCertificate(cert.certificate()).eventLoopThreads(THREADS).build()) {
            KwikSession session = client.dial("localhost:" + server.localAddress().getPort());
            KwikServerSession accepted = server.accept(Duration.ofSeconds(5));
            CompletableFuture<Long> done = CompletableFuture.supplyAsync(() -> {
                KwikStream s = accepted.acceptStream(Duration.ofSeconds(10));
                byte[] buf = new byte[CHUNK];
                long got = 0;
                int n;
                while ((n = s.read(buf, 0, buf.length)) >= 0) {
                    got += n;
                }
                return System.nanoTime();
            });
            byte[] chunk = new byte[CHUNK];
            KwikStream s = session.openStream();
            long start = System.nanoTime();
            for (long sent = 0; sent < total; sent += CHUNK) {
                s.write(chunk);
            }
            s.close();
            long end = done.get(120, TimeUnit.SECONDS);
            return total / ((end - start) / 1e9) / 1e6;
        }
    }

    /** Raw Netty QUIC with the same settings: one connection, one bidirectional stream, FIN at the end. MB/s. */
    static double raw(SelfSignedCertificate cert, long total) throws Exception {
        TransportConfig cfg = new TransportConfig(0, 0, 0, 1, 0, 0, Duration.ofMillis(250), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(1), dev.kwik.PathScheduler::minRtt);
        EventLoopGroup serverGroup = QuicCodecs.group(1, "raw-server");
        EventLoopGroup clientGroup = QuicCodecs.group(1, "raw-client");
        CompletableFuture<Long> done = new CompletableFuture<>();
        try {
            QuicSslContext serverSsl = Tls.server(cert.certificate(), cert.privateKey());
            Channel server = QuicCodecs.udp(serverGroup).handler(QuicCodecs.configure(new QuicServerCodecBuilder(), cfg)
                    .sslContext(serverSsl).tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                    .handler(new ChannelInboundHandlerAdapter())
                    .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                final byte[] sink = new byte[CHUNK];

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    // Hand the bytes to the application, as a reader of a byte[] API would get them.
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
                                }
                            });
                        }
                    }).build()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            QuicSslContext clientSsl = Tls.client(cert.certificate(), null, false);
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            Channel udp = QuicCodecs.udp(clientGroup).handler(QuicCodecs.configure(new QuicClientCodecBuilder(), cfg)
                    .sslEngineProvider(q -> clientSsl.newEngine(q.alloc(), "localhost", port)).build())
                    .bind(0).sync().channel();
            QuicChannel quic = QuicChannel.newBootstrap(udp).handler(new ChannelInboundHandlerAdapter())
                    .streamHandler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(server.localAddress()).connect().get(5, TimeUnit.SECONDS);
            long[] start = new long[1];
            QuicStreamChannel stream = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter() {
                long sent;
                final byte[] appChunk = new byte[CHUNK];

                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    start[0] = System.nanoTime();
                    pump(ctx);
                }

                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                    pump(ctx);
                }

                private void pump(ChannelHandlerContext ctx) {
                    while (ctx.channel().isWritable() && sent < total) {
                        sent += CHUNK;
                        // Copy from the application's byte[], as KWIK's write(byte[]) must.
                        ByteBuf b = ctx.alloc().directBuffer(CHUNK).writeBytes(appChunk);
                        ctx.write(sent >= total ? new DefaultQuicStreamFrame(b, true) : b);
                    }
                    ctx.flush();
                }
            }).get(5, TimeUnit.SECONDS);
            long end = done.get(120, TimeUnit.SECONDS);
            stream.close();
            quic.close().sync();
            udp.close().sync();
            server.close().sync();
            return total / ((end - start[0]) / 1e9) / 1e6;
        } finally {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}

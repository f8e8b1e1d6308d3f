package dev.kwik.hostile;

import dev.kwik.ErrorCode;
import dev.kwik.internal.quic.Tls;
import dev.kwik.internal.wire.FrameDecoder;
import dev.kwik.internal.wire.FrameVisitor;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import dev.kwik.internal.wire.PacketFramer;
import dev.kwik.internal.wire.TransportParams;
import dev.kwik.internal.wire.VarInt;
import dev.kwik.internal.wire.WireException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One end of a KWIK path built directly on Netty QUIC, with none of kwik-core's session logic: a test decides
 * every byte it sends (well-formed frames through {@link Frames}, or anything at all) and sees every frame the
 * real KWIK peer answers with, and how the QUIC connection ended. {@link #client} dials a real
 * {@code KwikServer}; {@link #server} listens for a real {@code KwikClient}.
 */
public final class RawPeer implements AutoCloseable {
    /** What a test gives when it has no reason to restrict the real peer. */
    public static final TransportParams GENEROUS = new TransportParams(16L << 20, 2L << 20, 256, 256);

    /** One decoded frame the real peer sent: its name, its integer fields in wire order, and any bytes or text. */
    public record Frame(String type, long[] values, byte[] data, String text) {
        long value(int i) {
            return values[i];
        }

        @Override
        public String toString() {
            return type + java.util.Arrays.toString(values) + (text != null ? " \"" + text + "\"" : "")
                    + (data != null ? " " + data.length + " bytes" : "");
        }
    }

    private final EventLoopGroup group;
    private final Channel udp;
    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<QuicConnectionCloseEvent> closed = new CompletableFuture<>();
    private final CompletableFuture<QuicStreamChannel> control = new CompletableFuture<>();
    private volatile QuicChannel quic;
    private final java.util.concurrent.atomic.AtomicLong packetNumber = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastPacketNumber = -1;

    private RawPeer(EventLoopGroup group, Channel udp) {
        this.group = group;
        this.udp = udp;
    }

    /** Dials a KWIK server (trusting any certificate: this peer attacks, it is not attacked) and opens the control stream. */
    public static RawPeer client(InetSocketAddress server) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ChannelHandler codec = quicSettings(new QuicClientCodecBuilder())
                .sslContext(QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                        .applicationProtocols(Tls.ALPN).build())
                .build();
        Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec).bind(0).sync().channel();
        RawPeer peer = new RawPeer(group, udp);
        QuicChannel q = QuicChannel.newBootstrap(udp).handler(peer.connectionHandler())
                .streamHandler(peer.streamInitializer()).remoteAddress(server).connect().get(5, TimeUnit.SECONDS);
        peer.quic = q;
        QuicStreamChannel c = q.createStream(QuicStreamType.BIDIRECTIONAL, peer.streamInitializer()).get(5, TimeUnit.SECONDS);
        peer.control.complete(c);
        return peer;
    }

    /**
     * Listens on 127.0.0.1 with a self-signed certificate for {@code localhost}; the returned peer is the first
     * connection a client makes, its control stream the client's first bidirectional stream.
     */
    public static RawPeer server(SelfSignedCertificate cert) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        RawPeer[] self = new RawPeer[1];
        ChannelHandler codec = quicSettings(new QuicServerCodecBuilder())
                .sslContext(QuicSslContextBuilder.forServer(cert.privateKey(), null, cert.certificate())
                        .applicationProtocols(Tls.ALPN).build())
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        if (self[0].quic != null) {
                            ch.close();
                            return;
                        }
                        self[0].quic = ch;
                        ch.pipeline().addLast(self[0].connectionHandler());
                    }
                })
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        self[0].installDecoder(ch);
                        if (ch.type() == QuicStreamType.BIDIRECTIONAL) {
                            self[0].control.complete(ch);
                        }
                    }
                })
                .build();
        Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        self[0] = new RawPeer(group, udp);
        return self[0];
    }

    private static <B extends QuicCodecBuilder<B>> B quicSettings(B b) {
        return b.maxIdleTimeout(30, TimeUnit.SECONDS).initialMaxData(32L << 20)
                .initialMaxStreamDataBidirectionalLocal(16L << 20).initialMaxStreamDataBidirectionalRemote(16L << 20)
                .initialMaxStreamDataUnidirectional(16L << 20).initialMaxStreamsBidirectional(4)
                .initialMaxStreamsUnidirectional(4096);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) udp.localAddress();
    }

    // ------------------------------------------------------------------ sending

    /** Sends one well-formed packet (next packet number) holding the frames {@code frames} writes, on the control stream. */
    public void send(Consumer<ByteBuf> frames) {
        sendOn(control(), frames);
    }

    /** Same, on a new unidirectional stream (a data channel), which stays open. */
    public QuicStreamChannel sendOnNewChannel(Consumer<ByteBuf> frames) throws Exception {
        QuicStreamChannel ch = quic.createStream(QuicStreamType.UNIDIRECTIONAL, new ChannelInboundHandlerAdapter())
                .get(5, TimeUnit.SECONDS);
        sendOn(ch, frames);
        return ch;
    }

    public void sendOn(QuicStreamChannel ch, Consumer<ByteBuf> frames) {
        ByteBuf body = Unpooled.buffer();
        VarInt.write(body, packetNumber.getAndIncrement());
        frames.accept(body);
        ByteBuf packet = Unpooled.buffer(body.readableBytes() + 8);
        VarInt.write(packet, body.readableBytes());
        packet.writeBytes(body);
        body.release();
        ch.writeAndFlush(packet).addListener(f -> {
            if (!f.isSuccess()) {
                received.add(new Frame("WRITE_FAILED", new long[0], null, String.valueOf(f.cause())));
            }
        });
    }

    /** Writes {@code bytes} on the control stream as they are: no length prefix, no packet number. */
    public void sendRawBytes(byte[] bytes) {
        control().writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    /** HELLO as a first path would send it, then the server's answer. */
    public HelloOk hello(TransportParams params) throws Exception {
        send(b -> Frames.hello(b, new Hello(1, new byte[0], new byte[0], new byte[0], params)));
        Frame ok = await("HELLO_OK", Duration.ofSeconds(5));
        return new HelloOk(ok.value(0), ok.data(), ok.value(1), ok.value(2), params, new byte[] {1});
    }

    /** As a server: waits for the client's HELLO and accepts it with a fixed session id. */
    public Frame acceptHello(byte[] sessionId, TransportParams params) throws Exception {
        Frame hello = await("HELLO", Duration.ofSeconds(5));
        send(b -> Frames.helloOk(b, new HelloOk(1, sessionId, 0, 0, params, new byte[] {1})));
        return hello;
    }

    private QuicStreamChannel control() {
        return control.join();
    }

    // ------------------------------------------------------------------ receiving

    /** The next frame of type {@code type} the real peer sent (other frames are skipped), or a failed assertion. */
    public Frame await(String type, Duration timeout) throws InterruptedException {
        return await(f -> f.type().equals(type), type, timeout);
    }

    public Frame await(Predicate<Frame> match, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            Frame f = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (f == null) {
                throw new AssertionError("no " + what + " from the KWIK peer within " + timeout.toMillis() + " ms");
            }
            if (match.test(f)) {
                return f;
            }
        }
    }

    /** Frames received and not yet consumed by {@link #await}. */
    public List<Frame> drain() {
        List<Frame> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }

    /**
     * How the real peer ended the path: the code of its CLOSE frame, or the QUIC application close code when
     * the connection closed first (KWIK sends both).
     */
    public ErrorCode awaitClose(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            Frame f = received.poll(10, TimeUnit.MILLISECONDS);
            if (f != null && f.type().equals("CLOSE")) {
                return ErrorCode.fromWire(f.value(0));
            }
            if (f == null && closed.isDone()) {
                QuicConnectionCloseEvent e = closed.get();
                return e == null ? null : ErrorCode.fromWire(e.error());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the KWIK peer did not close the path within " + timeout.toMillis() + " ms");
            }
        }
    }

    /** The highest packet number received from the real peer (any stream), or -1. */
    public long lastPacketNumber() {
        return lastPacketNumber;
    }

    /** Whether the real peer has closed the QUIC connection (its CONNECTION_CLOSE arrived), or it went away. */
    public boolean quicClosedByPeer() {
        return closed.isDone();
    }

    /** Whether the QUIC connection is still up. */
    public boolean isOpen() {
        return quic != null && quic.isActive();
    }

    private ChannelHandler connectionHandler() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof QuicConnectionCloseEvent e) {
                    closed.complete(e);
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                closed.complete(null);
                ctx.fireChannelInactive();
            }
        };
    }

    private ChannelInitializer<QuicStreamChannel> streamInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
                installDecoder(ch);
            }
        };
    }

    private void installDecoder(QuicStreamChannel ch) {
                ch.pipeline().addLast(new PacketFramer(Frames.MAX_PACKET_SIZE), new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf packet) throws WireException {
                        lastPacketNumber = Math.max(lastPacketNumber, VarInt.read(packet));
                        new FrameDecoder().decode(packet, recorder, null);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        received.add(new Frame("UNDECODABLE", new long[0], null, cause.toString()));
                    }
                });
    }

    private final FrameVisitor<Object> recorder = new FrameVisitor<>() {
        private void add(String type, byte[] data, String text, long... values) {
            received.add(new Frame(type, values, data, text));
        }

        public void onPing(Object from, long seq) {
            // Answer heartbeats, so that the real peer keeps the path alive while a test takes its time.
            send(b -> Frames.pong(b, seq));
            add("PING", null, null, seq);
        }

        public void onPong(Object from, long seq) {
            add("PONG", null, null, seq);
        }

        public void onAck(Object from, long[] ranges, int rangeCount) {
            add("ACK", null, null, java.util.Arrays.copyOf(ranges, 2 * rangeCount));
        }

        public void onResetStream(Object from, long streamId, long code, long finalSize) {
            add("RESET_STREAM", null, null, streamId, code, finalSize);
        }

        public void onStopSending(Object from, long streamId, long code) {
            add("STOP_SENDING", null, null, streamId, code);
        }

        public void onMaxData(Object from, long max) {
            add("MAX_DATA", null, null, max);
        }

        public void onMaxStreamData(Object from, long streamId, long max) {
            add("MAX_STREAM_DATA", null, null, streamId, max);
        }

        public void onMaxStreams(Object from, boolean bidi, long max) {
            add(bidi ? "MAX_STREAMS_BIDI" : "MAX_STREAMS_UNI", null, null, max);
        }

        public void onStream(Object from, long streamId, long offset, boolean fin, boolean messageEnd, ByteBuf data) {
            add("STREAM", ByteBufUtil.getBytes(data), null, streamId, offset, fin ? 1 : 0, messageEnd ? 1 : 0);
        }

        public void onHello(Object from, Hello h) {
            add("HELLO", h.ticket(), null, h.version(), h.sessionId().length);
        }

        public void onHelloOk(Object from, HelloOk ok) {
            add("HELLO_OK", ok.sessionId(), null, ok.version(), ok.pathId(), ok.role());
        }

        public void onAddPath(Object from, long pathId, String host, int port, byte[] ticket) {
            add("ADD_PATH", ticket, host, pathId, port);
        }

        @Override
        public void onAddPathFrom(Object from, long pathId, String clientInterface, String host, int port, byte[] ticket) {
            add("ADD_PATH_FROM", ticket, clientInterface + " " + host, pathId, port);
        }

        @Override
        public void onInterfaces(Object from, String dialInterface, String dialHost, int dialPort, String[] ids, long[] flags) {
            add("INTERFACES", null, dialInterface, (long) ids.length);
        }

        public void onPathAdded(Object from, long pathId) {
            add("PATH_ADDED", null, null, pathId);
        }

        public void onPathFailed(Object from, long pathId, long code, String reason) {
            add("PATH_FAILED", null, reason, pathId, code);
        }

        public void onRemovePath(Object from, long pathId) {
            add("REMOVE_PATH", null, null, pathId);
        }

        public void onPathStatus(Object from, long pathId, long state, long code, long[] ranges) {
            add("PATH_STATUS", null, null, pathId, state, code);
        }

        public void onRaw(Object from, long pathId, ByteBuf data) {
            add("RAW", ByteBufUtil.getBytes(data), null, pathId);
        }

        public void onClose(Object from, long code, long applicationCode, String reason) {
            add("CLOSE", null, reason, code, applicationCode);
        }
    };

    @Override
    public void close() {
        if (quic != null) {
            quic.close();
        }
        udp.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

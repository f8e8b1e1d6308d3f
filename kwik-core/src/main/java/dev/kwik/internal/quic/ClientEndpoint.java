package dev.kwik.internal.quic;

import dev.kwik.ClientInterface;
import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.KwikTimeoutException;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.path.PathOwner;
import dev.kwik.internal.session.ClientHandshake;
import dev.kwik.internal.session.ClientInterfaces;
import dev.kwik.internal.session.ClientSession;
import dev.kwik.internal.session.JoinHandshake;
import dev.kwik.internal.session.PathJoiner;
import dev.kwik.internal.session.TransportConfig;
import dev.kwik.internal.wire.Frames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Dials paths: one UDP socket and one QUIC connection per path, then HELLO on the control stream. Owns the
 * client's event loops.
 */
public final class ClientEndpoint implements PathJoiner {
    private final TransportConfig config;
    private volatile QuicSslContext ssl;
    private final byte[] credentials;
    private final EventLoopGroup group;
    private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
    /** Host lookups for ADD_PATH: one thread, started on demand, gone after a minute idle. */
    private final ThreadPoolExecutor resolver = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "kwik-client-resolver");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private final ClientInterfaces interfaces;
    /** Checks the client's interfaces against the OS every {@link #INTERFACE_POLL_MS} (only when it has some). */
    private final ScheduledExecutorService interfacePoll;
    static final long INTERFACE_POLL_MS = 250;

    public ClientEndpoint(TransportConfig config, QuicSslContext ssl, byte[] credentials, int threads, List<ClientInterface> interfaces,
                          boolean allInterfaces) {
        this.config = config;
        this.ssl = ssl;
        this.credentials = credentials.clone();
        this.interfaces = new ClientInterfaces(interfaces, allInterfaces);
        if (this.interfaces.isEmpty()) {
            this.interfacePoll = null;
        } else {
            this.interfacePoll = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kwik-client-interfaces");
                t.setDaemon(true);
                return t;
            });
            interfacePoll.scheduleWithFixedDelay(this.interfaces::poll, 0, INTERFACE_POLL_MS, TimeUnit.MILLISECONDS);
        }
        this.group = QuicCodecs.group(threads, "kwik-client");
    }

    /** New connections (dials and joining paths) use this TLS context from now on; open ones keep theirs. */
    public void ssl(QuicSslContext ssl) {
        this.ssl = ssl;
    }

    public CompletableFuture<ClientSession> dial(InetSocketAddress remote) {
        if (closed) {
            return CompletableFuture.failedFuture(new KwikException(ErrorCode.SESSION_CLOSED, "the KwikClient is closed"));
        }
        String target = remote.getHostString() + ":" + remote.getPort();
        if (remote.isUnresolved()) {
            return CompletableFuture.failedFuture(new KwikException(ErrorCode.CONNECTION_LOST, "cannot resolve " + target));
        }
        String dialInterface = interfaces.dialInterface();
        InetAddress local = null;
        if (dialInterface != null) {
            local = interfaces.localAddress(dialInterface, remote.getAddress());
            if (local == null) {
                return CompletableFuture.failedFuture(new KwikException(ErrorCode.INTERFACE_DOWN, "client interface '"
                        + dialInterface + "' has no address to dial " + target + " from"));
            }
        }
        ClientHandshake hs = new ClientHandshake(config, credentials, target, this);
        openPath(remote, local, target, hs, hs.result(), hs::start);
        return hs.result().thenApply(s -> {
            sessions.add(s);
            s.terminated().thenRun(() -> sessions.remove(s));
            s.startInterfaces(dialInterface, remote);
            return s;
        });
    }

    @Override
    public CompletableFuture<Path> join(InetSocketAddress remote, InetAddress local, byte[] sessionId, byte[] ticket, Consumer<Path> joined) {
        if (closed) {
            return CompletableFuture.failedFuture(new KwikException(ErrorCode.SESSION_CLOSED, "the KwikClient is closed"));
        }
        String target = remote.getHostString() + ":" + remote.getPort();
        JoinHandshake hs = new JoinHandshake(config, sessionId, ticket, target, joined);
        openPath(remote, local, target, hs, hs.result(), hs::start);
        return hs.result();
    }

    @Override
    public ClientInterfaces interfaces() {
        return interfaces;
    }

    @Override
    public CompletableFuture<InetSocketAddress> resolve(String host, int port) {
        try {
            return CompletableFuture.supplyAsync(() -> new InetSocketAddress(host, port), resolver);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new KwikException(ErrorCode.SESSION_CLOSED, "the KwikClient is closed"));
        }
    }

    /**
     * One UDP socket (bound to {@code local}, a client interface's address, or to any address if null) and one
     * QUIC connection to {@code remote}, a control stream, then {@code start} sends the handshake's HELLO.
     * {@code result} fails on any error or after the connect timeout; the socket closes with the QUIC connection
     * or on failure.
     */
    private void openPath(InetSocketAddress remote, InetAddress local, String target, PathOwner handshake,
                          CompletableFuture<?> result, Consumer<Path> start) {
        ChannelHandler codec = QuicCodecs.configure(new QuicClientCodecBuilder(), config)
                .sslEngineProvider(q -> ssl.newEngine(q.alloc(), remote.getHostString(), remote.getPort()))
                .build();
        QuicCodecs.udp(group, codec).bind(local == null ? new InetSocketAddress(0) : new InetSocketAddress(local, 0))
                .addListener((ChannelFuture bf) -> {
            if (!bf.isSuccess()) {
                result.completeExceptionally(local == null
                        ? new KwikException(ErrorCode.CONNECTION_LOST, "could not open a UDP socket to dial " + target + ": " + bf.cause(), bf.cause())
                        : new KwikException(ErrorCode.INTERFACE_DOWN, "could not bind a UDP socket to " + local.getHostAddress()
                                + " to dial " + target + " from: " + bf.cause(), bf.cause()));
                return;
            }
            Channel udp = bf.channel();
            result.whenComplete((s, e) -> {
                if (e != null) {
                    closeLater(udp);
                }
            });
            Future<?> timeout = udp.eventLoop().schedule(() -> {
                result.completeExceptionally(new KwikTimeoutException(ErrorCode.CONNECT_TIMEOUT, "no KWIK handshake with "
                        + target + " within " + config.connectTimeout().toMillis() + " ms; is a KWIK server listening there?"));
            }, config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            // The timer holds the result, and so the session: cancel it once the handshake is decided.
            result.whenComplete((s, e) -> timeout.cancel(false));
            QuicCodecs.client(udp)
                    .handler(new PathHandlers.Connection())
                    .streamHandler(PathHandlers.streamInitializer(maxPacket()))
                    .remoteAddress(remote)
                    .connect()
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            result.completeExceptionally(connectFailure(target, f.cause()));
                            return;
                        }
                        QuicChannel q = (QuicChannel) f.getNow();
                        q.closeFuture().addListener(x -> closeLater(udp));
                        if (result.isDone()) {
                            q.close();
                            return;
                        }
                        QuicPathConnection conn = new QuicPathConnection(q);
                        conn.ownsSocket();
                        Path path = new Path(0, conn, handshake, config.streamsPerChannel());
                        path.bufferEarlyData();
                        conn.path(path);
                        q.createStream(QuicStreamType.BIDIRECTIONAL, null).addListener(sf -> {
                            if (!sf.isSuccess()) {
                                result.completeExceptionally(new KwikException(ErrorCode.CONNECTION_LOST,
                                        "could not open the control stream to " + target + ": " + sf.cause(), sf.cause()));
                                q.close();
                                return;
                            }
                            QuicStreamChannel control = (QuicStreamChannel) sf.getNow();
                            conn.control(control);
                            PathHandlers.install(control, maxPacket());
                            start.accept(path);
                        });
                    });
        });
    }

    /**
     * Closes a path's UDP socket from a task of its event loop, never inside its read loop: that loop may call
     * close (a QUIC close during a read batch), and with epoll it then reads the closed descriptor again, whose
     * number another socket may already have taken (a blocking one hung an event loop in the chaos soak).
     */
    private static void closeLater(Channel udp) {
        udp.eventLoop().execute(udp::close);
    }

    private static int maxPacket() {
        return Frames.MAX_PACKET_SIZE;
    }

    private static KwikException connectFailure(String target, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return new KwikException(ErrorCode.TLS_HANDSHAKE_FAILED, "TLS handshake with " + target
                        + " failed: " + t.getMessage() + "; check the server certificate and the client's trust settings", cause);
            }
        }
        return new KwikException(ErrorCode.CONNECTION_LOST, "QUIC connection to " + target + " failed: " + cause, cause);
    }

    /** Closes every session (each lingers) and the event loops. */
    public void close() {
        closed = true;
        for (ClientSession s : new ArrayList<>(sessions)) {
            s.close();
        }
        resolver.shutdownNow();
        if (interfacePoll != null) {
            interfacePoll.shutdownNow();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    public Set<ClientSession> sessions() {
        return sessions;
    }
}

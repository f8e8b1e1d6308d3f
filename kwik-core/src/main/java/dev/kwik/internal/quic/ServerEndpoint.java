package dev.kwik.internal.quic;

import dev.kwik.ErrorCode;
import dev.kwik.KwikAuthenticator;
import dev.kwik.KwikException;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.session.JoinTicket;
import dev.kwik.internal.session.ReplayCache;
import dev.kwik.internal.session.ServerContext;
import dev.kwik.internal.session.ServerHandshake;
import dev.kwik.internal.session.ServerSession;
import dev.kwik.internal.session.SessionRegistry;
import dev.kwik.internal.session.TransportConfig;
import dev.kwik.internal.wire.Frames;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Listens on one UDP address, runs the server side of HELLO and holds the sessions it admitted. */
public final class ServerEndpoint implements SessionRegistry {
    private static final Logger log = LoggerFactory.getLogger(ServerEndpoint.class);

    private final TransportConfig config;
    private volatile QuicSslContext ssl;
    private final KwikAuthenticator authenticator;
    private final int maxSessions;
    private final EventLoopGroup group;
    private final ThreadPoolExecutor workers;
    private final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, ServerSession> byId = new ConcurrentHashMap<>();
    private final ServerContext context;
    private final ReplayCache replays = new ReplayCache(100_000);
    private final AcceptQueue<ServerSession> accepts = new AcceptQueue<>();
    private final List<Channel> udps = new CopyOnWriteArrayList<>();
    private volatile Channel udp;
    private volatile boolean closing;

    public ServerEndpoint(TransportConfig config, ServerContext context, ServerCredentials credentials, KwikAuthenticator authenticator,
                          int maxSessions, int threads) {
        this.config = config;
        this.context = context;
        this.ssl = credentials.context();
        this.authenticator = authenticator;
        this.maxSessions = maxSessions;
        this.group = QuicCodecs.group(threads, "kwik-server");
        this.workers = new ThreadPoolExecutor(1, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024),
                new DefaultThreadFactory("kwik-server-worker", true));
        this.workers.allowCoreThreadTimeOut(true);
    }

    /** Binds every address (one UDP socket and QUIC codec each); returns the first bound address. */
    public InetSocketAddress start(List<InetSocketAddress> binds) {
        InetSocketAddress first = null;
        try {
            for (InetSocketAddress b : binds) {
                InetSocketAddress a = bindOne(b);
                if (first == null) {
                    first = a;
                }
            }
        } catch (KwikException e) {
            udps.forEach(Channel::close);
            shutdownThreads();
            throw e;
        }
        udp = udps.get(0);
        return first;
    }

    private InetSocketAddress bindOne(InetSocketAddress bind) {
        ChannelHandler codec = QuicCodecs.server(config)
                // Per connection, from the current context: a certificate update applies to new connections.
                .sslEngineProvider(q -> ssl.newEngine(q.alloc()))
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel q) {
                        q.pipeline().addLast(new PathHandlers.Connection());
                        QuicPathConnection conn = new QuicPathConnection(q);
                        ServerHandshake hs = new ServerHandshake(config, authenticator, workers, ServerEndpoint.this);
                        Path path = new Path(0, conn, hs, config.streamsPerChannel());
                        conn.path(path);
                        hs.start(path);
                    }
                })
                .streamHandler(PathHandlers.streamInitializer(Frames.MAX_PACKET_SIZE))
                .build();
        Channel ch;
        try {
            ch = QuicCodecs.udp(group, codec).bind(bind).sync().channel();
        } catch (Exception e) {
            throw bindFailure(bind, e);
        }
        udps.add(ch);
        log.debug("event=listening address={}", ch.localAddress());
        return (InetSocketAddress) ch.localAddress();
    }

    /** ADDRESS_IN_USE when another socket holds the address (Netty's epoll and NIO say so differently), else BIND_FAILED. */
    private static KwikException bindFailure(InetSocketAddress bind, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("Address already in use") || (t instanceof BindException && m.contains("in use"))) {
                return new KwikException(ErrorCode.ADDRESS_IN_USE, "could not bind a KWIK server to UDP " + bind
                        + ": the address is already in use by another socket", e);
            }
        }
        return new KwikException(ErrorCode.BIND_FAILED, "could not bind a KWIK server to UDP " + bind + ": " + e.getMessage(), e);
    }

    /**
     * New connections (sessions and joining paths) present these credentials from now on; established ones keep
     * the certificate they were opened with.
     */
    public void credentials(ServerCredentials credentials) {
        this.ssl = credentials.context();
    }

    /** Every bound address, in bind order. */
    public List<InetSocketAddress> localAddresses() {
        return udps.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    @Override
    public String admit(ServerSession session) {
        if (closing) {
            return "server is shutting down";
        }
        if (sessions.size() >= maxSessions) {
            return "server holds its maximum of " + maxSessions + " sessions";
        }
        sessions.add(session);
        byId.put(session.id(), session);
        session.terminated().thenRun(() -> {
            sessions.remove(session);
            byId.remove(session.id(), session);
        });
        return null;
    }

    @Override
    public String admitSecondary(ServerSession session) {
        return admit(session);
    }

    @Override
    public ServerContext context() {
        return context;
    }

    @Override
    public int useTicket(JoinTicket ticket) {
        return replays.use(ticket.nonce(), ticket.expiresAtMillis(), System.currentTimeMillis());
    }

    @Override
    public ServerSession find(byte[] sessionId) {
        return byId.get(ByteBufUtil.hexDump(sessionId));
    }

    @Override
    public void publish(ServerSession session) {
        if (!accepts.offer(session)) {
            session.close(0, "server is shutting down");
        }
    }

    public CompletableFuture<ServerSession> accept() {
        return accepts.take();
    }

    public InetSocketAddress localAddress() {
        Channel c = udp;
        return c == null ? null : (InetSocketAddress) c.localAddress();
    }

    public boolean isListening() {
        Channel c = udp;
        return c != null && c.isActive() && !closing;
    }

    public Set<ServerSession> sessions() {
        return sessions;
    }

    /** Graceful: refuses new sessions, closes each session (each lingers for its data), then the socket. */
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        KwikException cause = new KwikException(ErrorCode.SESSION_CLOSED, "the KwikServer is closed");
        List<ServerSession> pending = accepts.close(cause);
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (ServerSession s : sessions) {
            closes.add(CompletableFuture.runAsync(() -> s.close(0, "server shutting down")));
        }
        for (ServerSession s : pending) {
            s.close(0, "server shutting down");
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
                    .get(config.linger().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("event=close-linger-incomplete", e);
        }
        for (Channel c : udps) {
            c.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        shutdownThreads();
    }

    private void shutdownThreads() {
        workers.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

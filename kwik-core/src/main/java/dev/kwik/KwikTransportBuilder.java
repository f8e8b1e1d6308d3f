package dev.kwik;

import dev.kwik.internal.quic.QuicCodecs;
import dev.kwik.internal.session.TransportConfig;
import dev.kwik.internal.wire.Frames;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Settings common to {@link KwikClient.Builder} and {@link KwikServer.Builder}: windows, stream limits,
 * multiplexing and timeouts. Every setter checks its argument when called.
 *
 * @param <B> the concrete builder
 */
public abstract class KwikTransportBuilder<B extends KwikTransportBuilder<B>> {
    long streamWindow = 2L << 20;
    long sessionWindow = 16L << 20;
    long maxConcurrentStreams = 256;
    int streamsPerChannel = 4;
    int maxFramePayload = 32 << 10;
    int maxUdpPayload = QuicCodecs.DEFAULT_UDP_PAYLOAD;
    Duration heartbeatInterval = Duration.ofMillis(250);
    Duration linger = Duration.ofSeconds(2);
    Duration idleTimeout = Duration.ofSeconds(30);
    Duration connectTimeout = Duration.ofSeconds(5);
    Duration deadAfter = Duration.ofSeconds(1);
    Supplier<PathScheduler> scheduler = PathSchedulers::earliestArrival;
    String schedulerName = "earliest-arrival";
    int eventLoopThreads = Math.max(1, Runtime.getRuntime().availableProcessors());

    KwikTransportBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Receive credit per stream: how far past the reader the peer may send. Default 2 MiB; at least 1 KiB. */
    public B streamWindow(long bytes) {
        this.streamWindow = checkRange("streamWindow", bytes, 1024, 1L << 40);
        return self();
    }

    /**
     * Receive credit per session, bounding what one session buffers whatever the number of streams or
     * senders. Default 16 MiB; at least 1 KiB.
     */
    public B sessionWindow(long bytes) {
        this.sessionWindow = checkRange("sessionWindow", bytes, 1024, 1L << 40);
        return self();
    }

    /** Streams of each type (bidirectional, unidirectional) the peer may have open at once. Default 256. */
    public B maxConcurrentStreams(long streams) {
        this.maxConcurrentStreams = checkRange("maxConcurrentStreams", streams, 1, 1L << 30);
        return self();
    }

    /** Logical streams sharing one QUIC stream (1 = one QUIC stream each). Default 4. */
    public B streamsPerChannel(int streams) {
        this.streamsPerChannel = (int) checkRange("streamsPerChannel", streams, 1, 1024);
        return self();
    }

    /** Largest STREAM frame payload in bytes. Default 32 KiB; 1 KiB to 65,472 bytes. */
    public B maxFramePayload(int bytes) {
        this.maxFramePayload = (int) checkRange("maxFramePayload", bytes, 1024, Frames.MAX_FRAME_PAYLOAD);
        return self();
    }

    /**
     * Largest UDP payload this end sends, in bytes: 1200 to 1472. Default 1350, which fits the MTU of nearly every
     * path (tunnels, PPPoE, VPNs). Where every path has an MTU of 1500 (a data centre, a LAN, these benchmarks'
     * links), 1452 carries about 1.3% more per link (docs/BENCHMARKS.md); too large a value for a path's MTU
     * loses every full-size datagram after the handshake, so the path dies. Always received up to 1472.
     */
    public B maxUdpPayload(int bytes) {
        this.maxUdpPayload = (int) checkRange("maxUdpPayload", bytes, 1200, QuicCodecs.MAX_UDP_PAYLOAD);
        return self();
    }

    /** PING interval on each path's control stream. Default 250 ms. */
    public B heartbeatInterval(Duration interval) {
        this.heartbeatInterval = checkDuration("heartbeatInterval", interval);
        return self();
    }

    /** How long {@link KwikSession#close()} waits for the peer to acknowledge what was written. Default 2 s. */
    public B linger(Duration linger) {
        this.linger = checkDuration("linger", linger);
        return self();
    }

    /** QUIC idle timeout of each path. Default 30 s. */
    public B idleTimeout(Duration timeout) {
        this.idleTimeout = checkDuration("idleTimeout", timeout);
        return self();
    }

    /** Time allowed for a dial (QUIC and TLS handshakes plus HELLO), and for a client to send HELLO. Default 5 s. */
    public B connectTimeout(Duration timeout) {
        this.connectTimeout = checkDuration("connectTimeout", timeout);
        return self();
    }

    /** A path that receives nothing (not even heartbeats) for this long is declared DEAD. Default 1 s. */
    public B deadAfter(Duration deadAfter) {
        this.deadAfter = checkDuration("deadAfter", deadAfter);
        return self();
    }

    /**
     * How each session picks a path per packet, by name: {@code earliest-arrival} (default), {@code min-rtt},
     * {@code round-robin},
     * {@code weighted}, {@code redundant}.
     */
    public B scheduler(String name) {
        PathSchedulers.named(name);
        this.scheduler = () -> PathSchedulers.named(name);
        this.schedulerName = name;
        return self();
    }

    /** A custom scheduler; the supplier is called once per session (schedulers may keep per-session state). */
    public B scheduler(Supplier<PathScheduler> factory) {
        this.scheduler = Objects.requireNonNull(factory, "factory");
        this.schedulerName = "custom";
        return self();
    }

    /** Netty event-loop threads. Default: the number of processors. */
    public B eventLoopThreads(int threads) {
        this.eventLoopThreads = (int) checkRange("eventLoopThreads", threads, 1, 1024);
        return self();
    }

    /** The transport settings, one {@code key=value} each, for logs and diagnostics (no secrets). */
    String transportSettings() {
        return "scheduler=" + schedulerName + ", streamWindow=" + streamWindow + ", sessionWindow=" + sessionWindow
                + ", maxConcurrentStreams=" + maxConcurrentStreams + ", streamsPerChannel=" + streamsPerChannel
                + ", maxFramePayload=" + maxFramePayload + ", maxUdpPayload=" + maxUdpPayload + ", heartbeatInterval=" + heartbeatInterval.toMillis()
                + "ms, deadAfter=" + deadAfter.toMillis() + "ms, linger=" + linger.toMillis() + "ms, idleTimeout="
                + idleTimeout.toMillis() + "ms, connectTimeout=" + connectTimeout.toMillis() + "ms, eventLoopThreads="
                + eventLoopThreads;
    }

    TransportConfig config() {
        return new TransportConfig(streamWindow, sessionWindow, maxConcurrentStreams, streamsPerChannel, maxFramePayload,
                Frames.MAX_PACKET_SIZE, maxUdpPayload, heartbeatInterval, linger, idleTimeout, connectTimeout, deadAfter,
                scheduler);
    }

    static long checkRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
        }
        return value;
    }

    static Duration checkDuration(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }
}

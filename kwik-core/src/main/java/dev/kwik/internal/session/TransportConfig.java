package dev.kwik.internal.session;

import dev.kwik.PathScheduler;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Transport settings shared by clients and servers, validated by the public builders.
 *
 * @param streamWindow         receive credit per stream, bytes
 * @param sessionWindow        receive credit per session, bytes (bounds what one session buffers)
 * @param maxConcurrentStreams streams of each type the peer may have open at once
 * @param streamsPerChannel    logical streams per QUIC data stream (1 = one QUIC stream each)
 * @param maxFramePayload      largest STREAM frame payload, bytes
 * @param maxPacketSize        largest packet accepted, bytes
 * @param maxUdpPayload        largest UDP payload sent, bytes
 * @param heartbeatInterval    PING interval per path
 * @param linger               how long close() waits for the peer to acknowledge what was written
 * @param idleTimeout          QUIC idle timeout
 * @param connectTimeout       dial (and path join) timeout
 * @param deadAfter            a path that receives nothing for this long is DEAD
 * @param schedulerFactory     makes each session's path scheduler
 */
public record TransportConfig(long streamWindow, long sessionWindow, long maxConcurrentStreams, int streamsPerChannel,
                              int maxFramePayload, int maxPacketSize, int maxUdpPayload, Duration heartbeatInterval, Duration linger,
                              Duration idleTimeout, Duration connectTimeout, Duration deadAfter,
                              Supplier<PathScheduler> schedulerFactory) {
    public static final long VERSION = 1;

    public PathScheduler scheduler() {
        return schedulerFactory.get();
    }
}

package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikTransportBuilder;

/** Applies the settings client and server share (scheduler, paths, streams, flow control, idle timeout). */
final class KwikTransportSettings {
    private KwikTransportSettings() {
    }

    static void apply(KwikProperties p, KwikTransportBuilder<?> b) {
        b.scheduler(p.getScheduler().getPolicy().schedulerName())
                .heartbeatInterval(p.getPaths().getHeartbeatInterval())
                .deadAfter(p.getPaths().getDeadAfter())
                .streamsPerChannel(p.getStreams().getPerChannel())
                .maxConcurrentStreams(p.getStreams().getMaxConcurrent())
                .streamWindow(p.getFlowControl().getStreamWindow().toBytes())
                .sessionWindow(p.getFlowControl().getSessionWindow().toBytes())
                .idleTimeout(p.getIdleTimeout())
                .maxUdpPayload(p.getMaxUdpPayload())
                .connectTimeout(p.getClient().getConnectTimeout());
    }
}

package dev.kwik;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A server sees its session's one path: primary, default, alive with an RTT, then closed with its history. */
class ServerPathViewTest {
    private static final Duration T = Duration.ofSeconds(10);

    @Test
    void primaryPathIsActiveMeasuredAndKeptInHistoryAfterClose() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        try (Loopback lo = new Loopback(s -> s.heartbeatInterval(Duration.ofMillis(20)), c -> { })) {
            Loopback.Pair p = lo.connect();
            KwikStream c = p.client().openStream();
            c.write(new byte[10_000]);
            assertThat(p.server().acceptStream(T).readMessage(T)).hasSize(10_000);

            assertThat(p.server().role()).isEqualTo(Role.PRIMARY);
            assertThat(p.server().activePaths()).hasSize(1);
            PathInfo path = p.server().activePaths().get(0);
            assertThat(path.pathId()).isZero();
            assertThat(path.isDefault()).isTrue();
            assertThat(path.role()).isEqualTo(Role.PRIMARY);
            assertThat(path.state()).isEqualTo(PathState.ACTIVE);
            assertThat(path.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
            assertThat(path.createdAt()).isAfter(before);
            assertThat(path.closedAt()).isNull();
            assertThat(path.bytesReceived()).isGreaterThan(10_000);
            assertThat(path.packetsReceived()).isPositive();
            assertThat(path.packetsSent()).isPositive();
            Conditions.waitUntil(() -> !p.server().activePaths().get(0).smoothedRtt().isZero());
            assertThat(p.server().deadPaths()).isEmpty();
            assertThat(path.weight()).isEqualTo(1);
            assertThat(path.isBackup()).isFalse();
            p.server().pathPreferences(0, 5, true);
            assertThat(p.server().activePaths().get(0).weight()).isEqualTo(5);
            assertThat(p.server().activePaths().get(0).isBackup()).isTrue();
            p.server().pathPreferences(0, 1, false);

            p.client().close(0, "done");
            Conditions.waitUntil(() -> p.server().activePaths().isEmpty());
            assertThat(p.server().allPaths()).hasSize(1);
            PathInfo closed = p.server().allPaths().get(0);
            assertThat(closed.state()).isEqualTo(PathState.CLOSED);
            assertThat(closed.closedAt()).isNotNull();
            assertThat(closed.closeReason()).isNotBlank();
            assertThat(p.server().isOpen()).isFalse();
        }
    }

    @Test
    void quicLossRecoveryFiguresAreSampledWithTheHeartbeat() throws Exception {
        try (Loopback lo = new Loopback(s -> s.heartbeatInterval(Duration.ofMillis(20)), c -> { })) {
            Loopback.Pair p = lo.connect();
            KwikStream c = p.client().openStream();
            c.write(new byte[200_000]);
            assertThat(p.server().acceptStream(T).readMessage(T)).hasSize(200_000);
            Conditions.waitUntil(() -> p.server().activePaths().get(0).congestionWindow() > 0);
            PathInfo path = p.server().activePaths().get(0);
            assertThat(path.packetsRetransmitted()).isNotNegative();
            assertThat(path.packetsLost()).isNotNegative();
        }
    }

    @Test
    void clientSeesItsSessionsAndTheirPathsReadOnly() throws Exception {
        try (Loopback lo = new Loopback(s -> s.heartbeatInterval(Duration.ofMillis(20)), c -> { })) {
            Loopback.Pair p = lo.connect();
            assertThat(lo.client.sessions()).containsExactly(p.client());
            Conditions.waitUntil(() -> lo.client.paths(p.client()).get(0).congestionWindow() > 0);
            PathInfo path = lo.client.paths(p.client()).get(0);
            assertThat(path.role()).isEqualTo(Role.PRIMARY);
            assertThat(path.isDefault()).isTrue();
            assertThat(path.state()).isEqualTo(PathState.ACTIVE);
            assertThat(path.remoteAddress().getPort()).isEqualTo(lo.server.localAddress().getPort());

            try (Loopback other = new Loopback()) {
                KwikSession foreign = other.connect().client();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> lo.client.paths(foreign))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong");
            }
            p.client().close();
            Conditions.waitUntil(() -> lo.client.sessions().isEmpty());
        }
    }
}

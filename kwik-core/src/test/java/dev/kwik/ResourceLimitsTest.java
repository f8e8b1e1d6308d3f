package dev.kwik;

import dev.kwik.internal.session.SessionCore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Limits a server holds against many or greedy peers: each refusal is a clear error with its code, memory stays
 * within what the limits allow, and it returns once the peers leave. (Paths per session, streams, raw message
 * size and the piece budget have their own tests: SameServerPathTest, StreamSemanticsTest, SecondaryServerTest,
 * HostileClientTest.)
 */
class ResourceLimitsTest {
    static final Duration T = Duration.ofSeconds(10);

    @Test
    void sessionsBeyondMaxSessionsAreRefusedWithServerBusyUntilOneLeaves() {
        try (Loopback lo = new Loopback(s -> s.maxSessions(3), c -> { })) {
            List<KwikSession> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                open.add(lo.client.dial(lo.address()));
            }
            assertThatThrownBy(() -> lo.client.dial(lo.address()))
                    .isInstanceOf(KwikException.class)
                    .hasMessageContaining("3")
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.SERVER_BUSY);
            open.get(0).close();
            Conditions.waitUntil(() -> lo.server.sessions().size() < 3);
            assertThat(lo.client.dial(lo.address()).isOpen()).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void peersFillingTheirWindowsHoldNoMoreThanTheWindowsAndGiveItAllBackWhenTheyLeave() throws Exception {
        int window = 1 << 20;
        int peers = 16;
        try (Loopback lo = new Loopback(s -> s.sessionWindow(window).streamWindow(window / 4), c -> { })) {
            lo.connect().client().close();
            long baseline = LeakTest.Snapshot.directInBuffers();
            List<SessionCore> greedy = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                KwikSession c = lo.client.dial(lo.address());
                SessionCore onServer = (SessionCore) lo.server.accept(T);
                // Four streams each up to its window: the whole session window, which the server never reads.
                for (int s = 0; s < 4; s++) {
                    c.openUniStream().write(new byte[window / 4]);
                }
                greedy.add(onServer);
            }
            Conditions.waitUntil(() -> greedy.stream().allMatch(s -> s.bufferedBytes() == window));
            long held = LeakTest.Snapshot.directInBuffers() - baseline;
            System.out.printf("%d sessions with full 1 MiB windows hold %d KiB of direct memory%n", peers, held >> 10);
            assertThat(held).as("direct memory for %d full windows of %d bytes", peers, window)
                    .isLessThanOrEqualTo(peers * (long) window * 3 / 2);
            lo.client.sessions().forEach(s -> s.close(0, "leaving"));
            Conditions.waitUntil(() -> lo.server.sessions().isEmpty());
            assertThat(LeakTest.Snapshot.directInBuffers()).as("direct memory once the peers left")
                    .isLessThanOrEqualTo(baseline + (4L << 20));
        }
    }
}

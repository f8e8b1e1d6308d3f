package dev.kwik;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An accept that gave up (timed out, or cancelled) must not take the next session with it. */
class AcceptTest {
    static final Duration T = Duration.ofSeconds(10);
    final Loopback lo = new Loopback();

    @AfterEach
    void tearDown() {
        lo.close();
    }

    @Test
    void timedOutAcceptsDoNotSwallowLaterSessions() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> lo.server.accept(Duration.ofMillis(20))).isInstanceOf(KwikTimeoutException.class);
        }
        KwikSession c = lo.client.dial(lo.address());
        assertThat(lo.server.accept(T).id()).isEqualTo(c.id());
    }

    @Test
    void cancelledAsyncAcceptsDoNotSwallowLaterSessions() {
        CompletableFuture<KwikServerSession> given = lo.server.acceptAsync();
        assertThat(given.cancel(false)).isTrue();
        KwikSession c = lo.client.dial(lo.address());
        assertThat(lo.server.accept(T).id()).isEqualTo(c.id());
    }
}

package dev.kwik;

import dev.kwik.internal.path.Path;
import dev.kwik.internal.session.SessionCore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Small writes queued together for one stream leave as one KWIK packet of several STREAM frames (fewer headers,
 * packet numbers and acknowledgements), and the reader still gets each write as its own message.
 */
class SmallWriteMergeTest {
    private static final Duration T = Duration.ofSeconds(10);

    @Test
    void writesQueuedTogetherShareOnePacketAndStaySeparateMessages() throws Exception {
        try (Loopback lo = new Loopback()) {
            Loopback.Pair p = lo.connect();
            KwikStream out = p.client().openStream();
            out.write(new byte[] {0}); // opens the stream on the wire
            KwikStream in = p.server().acceptStream(T);
            assertThat(in.readMessage(T)).containsExactly(0);
            long before = p.server().allPaths().get(0).packetsReceived();

            // Hold the client path's event loop so that the writes queue up before it drains them.
            Path path = ((SessionCore) p.client()).paths().get(0);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            path.connection().eventLoop().execute(() -> {
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                byte[] m = new byte[100 * i];
                java.util.Arrays.fill(m, (byte) i);
                sent.add(m);
                out.write(m);
            }
            release.countDown();

            for (byte[] m : sent) {
                assertThat(in.readMessage(T)).isEqualTo(m);
            }
            long packets = p.server().allPaths().get(0).packetsReceived() - before;
            // The ten writes in one packet; a control packet or two (an ACK, a PING) may come with them.
            assertThat(packets).as("packets the server received for ten queued writes").isBetween(1L, 4L);
        }
    }
}

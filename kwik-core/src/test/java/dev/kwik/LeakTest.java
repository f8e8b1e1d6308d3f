package dev.kwik;

import dev.kwik.internal.session.SessionCore;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Churn leaves nothing behind: after 10,000 streams on one session, and after 1,000 sessions, the live streams,
 * sessions, paths, threads and the direct memory in buffers are back where they started. Netty's leak detector
 * (paranoid in every test run, {@link LeakGuard}) checks each buffer was released; this checks the totals.
 */
class LeakTest {
    static final Duration T = Duration.ofSeconds(30);
    Loopback lo;

    @BeforeEach
    void setUp() {
        lo = new Loopback();
    }

    @AfterEach
    void tearDown() {
        lo.close();
    }

    @Test
    void tenThousandStreamsOpenedAndClosedLeaveNoStreamAndNoBuffer() throws Exception {
        Loopback.Pair p = lo.connect();
        ExecutorService readers = Executors.newFixedThreadPool(4);
        try {
            churnStreams(p, 200, readers);
            Snapshot before = Snapshot.take();
            churnStreams(p, 10_000, readers);
            Conditions.waitUntil(() -> live(p.client()) == 0 && live(p.server()) == 0);
            Snapshot after = Snapshot.take();
            System.out.printf("10,000 streams: before %s, after %s%n", before, after);
            after.assertBackTo(before);
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void aThousandSessionsOpenedAndClosedLeaveNoSessionPathThreadOrBuffer() throws Exception {
        churnSessions(20);
        Snapshot before = Snapshot.take();
        churnSessions(1_000);
        Conditions.waitUntil(() -> lo.server.sessions().isEmpty() && lo.client.openSessions() == 0);
        Snapshot after = Snapshot.take();
        System.out.printf("1,000 sessions: before %s, after %s%n", before, after);
        after.assertBackTo(before);
    }

    /**
     * An ended session is released once its QUIC connections have drained (a few PTOs: milliseconds on loopback),
     * not after an idle timeout: 300 sessions dialled and closed, client and server objects both unreachable
     * within 5 s. A busy server otherwise holds sessions-per-second times that delay of dead sessions.
     */
    @Test
    void endedSessionsAreReleasedOnceTheirConnectionsDrained() throws Exception {
        List<java.lang.ref.WeakReference<Object>> ended = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            KwikSession s = lo.client.dial(lo.address());
            KwikServerSession ss = lo.server.accept(T);
            ended.add(new java.lang.ref.WeakReference<>(s));
            ended.add(new java.lang.ref.WeakReference<>(ss));
            s.close();
        }
        long start = System.nanoTime();
        Conditions.waitUntil(Duration.ofSeconds(5), () -> {
            System.gc();
            return ended.stream().allMatch(r -> r.get() == null);
        });
        System.out.printf("300 ended sessions released after %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    /** {@code count} bidirectional streams, 50 at a time: 1 KiB each way, both sides close. */
    private static void churnStreams(Loopback.Pair p, int count, ExecutorService readers) throws Exception {
        byte[] payload = new byte[1024];
        for (int done = 0; done < count; done += 50) {
            List<CompletableFuture<Void>> echoes = new ArrayList<>();
            List<KwikStream> opened = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                KwikStream s = p.client().openStreamSync(T);
                s.write(payload);
                s.close();
                opened.add(s);
                echoes.add(CompletableFuture.runAsync(() -> {
                    KwikStream in = p.server().acceptStream(T);
                    byte[] m = in.readMessage(T);
                    assertThat(in.read(new byte[1], 0, 1, T)).isEqualTo(-1);
                    in.write(m);
                    in.close();
                }, readers));
            }
            for (KwikStream s : opened) {
                assertThat(s.readMessage(T)).hasSize(payload.length);
                assertThat(s.read(new byte[1], 0, 1, T)).isEqualTo(-1);
            }
            CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
    }

    /** {@code count} sessions, 50 at a time: dial, one message, close from the client. */
    private void churnSessions(int count) throws Exception {
        for (int done = 0; done < count; done += 50) {
            List<CompletableFuture<KwikSession>> dials = new ArrayList<>();
            for (int i = 0; i < Math.min(50, count - done); i++) {
                dials.add(lo.client.dialAsync(lo.address()));
            }
            java.util.Map<String, KwikServerSession> accepted = new java.util.HashMap<>();
            for (CompletableFuture<KwikSession> d : dials) {
                KwikSession s = d.get(30, TimeUnit.SECONDS);
                KwikStream out = s.openUniStream();
                out.write(new byte[] {1});
                out.close();
                while (!accepted.containsKey(s.id())) {
                    KwikServerSession ss = lo.server.accept(T);
                    accepted.put(ss.id(), ss);
                }
                KwikStream in = accepted.get(s.id()).acceptStream(T);
                assertThat(in.readMessage(T)).containsExactly(1);
                s.close();
            }
        }
    }

    private static int live(KwikSession s) {
        return ((SessionCore) s).liveStreams();
    }

    /** Totals that must return to where they were: threads and direct memory held by buffers. */
    record Snapshot(int threads, long directBytes) {
        static Snapshot take() throws InterruptedException {
            System.gc();
            return new Snapshot(ManagementFactory.getThreadMXBean().getThreadCount(), directInBuffers());
        }

        /** Direct memory in live buffers of Netty's pooled allocator (KWIK's) and its default one (Netty QUIC's). */
        static long directInBuffers() {
            long pinned = PooledByteBufAllocator.DEFAULT.pinnedDirectMemory();
            if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT
                    && ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider m) {
                pinned += m.metric().usedDirectMemory();
            }
            return pinned;
        }

        void assertBackTo(Snapshot before) throws InterruptedException {
            // Threads: Netty's event loops are fixed; the server's worker pool may keep its idle threads (at most 4).
            assertThat(threads).as("threads").isLessThanOrEqualTo(before.threads + 4);
            // Buffers: what the allocators' caches and arenas keep is not a leak; what buffers hold must be back.
            assertThat(directBytes).as("direct memory in buffers").isLessThanOrEqualTo(before.directBytes + (8L << 20));
        }
    }
}

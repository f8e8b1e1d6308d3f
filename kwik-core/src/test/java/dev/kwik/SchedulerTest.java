package dev.kwik;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the server's sending spreads over two paths to itself, per scheduler and path preferences. */
class SchedulerTest {
    private static final int SIZE = 8 << 20;
    private Loopback lo;
    private Loopback.Pair p;

    @BeforeEach
    void setUp() throws Exception {
        lo = new Loopback(s -> s.alsoBind(new InetSocketAddress("127.0.0.1", 0)), c -> { });
        p = lo.connect();
        p.server().addPath(new InetSocketAddress("localhost", lo.server.localAddresses().get(1).getPort())).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() {
        lo.close();
    }

    private long[] sentPerPath() {
        List<PathInfo> paths = p.server().allPaths();
        return new long[] {paths.get(0).bytesSent(), paths.get(1).bytesSent()};
    }

    private long[] transferAndMeasure() throws Exception {
        long[] before = sentPerPath();
        SameServerPathTest.transfer(p, SIZE, null);
        long[] after = sentPerPath();
        return new long[] {after[0] - before[0], after[1] - before[1]};
    }

    @Test
    void weightedSchedulerSplitsBytesByWeight() throws Exception {
        p.server().scheduler(PathSchedulers.weighted());
        p.server().pathPreferences(0, 3, false);
        p.server().pathPreferences(1, 1, false);
        long[] sent = transferAndMeasure();
        double ratio = (double) sent[0] / sent[1];
        assertThat(ratio).as("path 0 / path 1 bytes %s", java.util.Arrays.toString(sent)).isBetween(2.5, 3.5);
    }

    @Test
    void backupPathCarriesNothingWhileAnotherPathLives() throws Exception {
        p.server().scheduler(PathSchedulers.roundRobin());
        p.server().pathPreferences(1, 1, true);
        long[] sent = transferAndMeasure();
        assertThat(sent[1]).as("backup path bytes %s", java.util.Arrays.toString(sent)).isLessThan(SIZE / 50);
        assertThatThrownBy(() -> p.server().pathPreferences(9, 1, false)).hasMessageContaining("no live path 9")
                .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.PATH_NOT_FOUND);
    }

    @Test
    void redundantSchedulerSendsEverythingOnEveryPathAndTheReaderGetsItOnce() throws Exception {
        p.server().scheduler(PathSchedulers.redundant());
        long[] sent = transferAndMeasure();
        assertThat(sent[0]).isGreaterThan(SIZE);
        assertThat(sent[1]).isGreaterThan(SIZE);
    }

    @Test
    void aCustomSchedulerReturningSomethingElseThanACandidateDoesNotBreakSending() throws Exception {
        SchedulablePath stranger = new SchedulablePath() {
            @Override
            public long pathId() {
                return 99;
            }

            @Override
            public long smoothedRttNanos() {
                return 0;
            }

            @Override
            public long minRttNanos() {
                return 0;
            }

            @Override
            public long bytesInFlight() {
                return 0;
            }

            @Override
            public boolean hasCapacity() {
                return true;
            }

            @Override
            public int weight() {
                return 1;
            }
        };
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        p.server().scheduler((candidates, bytes) -> {
            calls.incrementAndGet();
            return stranger;
        });
        long[] sent = transferAndMeasure();
        assertThat(calls.get()).as("the scheduler was asked").isPositive();
        assertThat(sent[0]).as("the first candidate carried it all %s", java.util.Arrays.toString(sent)).isGreaterThan(SIZE);
    }

    @Test
    void schedulerCanBeSwitchedOnALiveSession() throws Exception {
        // Start pinned to path 0 with a custom scheduler, then switch to round-robin.
        p.server().scheduler((candidates, bytes) -> {
            for (SchedulablePath c : candidates) {
                if (c.pathId() == 0) {
                    return c;
                }
            }
            return candidates.get(0);
        });
        long[] pinned = transferAndMeasure();
        assertThat(pinned[1]).isLessThan(SIZE / 50);
        p.server().scheduler(PathSchedulers.roundRobin());
        long[] spread = transferAndMeasure();
        assertThat(spread[1]).isGreaterThan(SIZE / 5);
        assertThat(spread[0]).isGreaterThan(SIZE / 5);
    }
}

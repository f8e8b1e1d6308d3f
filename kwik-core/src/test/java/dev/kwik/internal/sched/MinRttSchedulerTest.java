package dev.kwik.internal.sched;

import dev.kwik.SchedulablePath;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** min-rtt: the fastest path with room first, then the next; equal paths share by bytes in flight. */
class MinRttSchedulerTest {
    private final MinRttScheduler s = new MinRttScheduler();

    record P(long pathId, long minRttNanos, long bytesInFlight, boolean hasCapacity) implements SchedulablePath {
        @Override
        public long smoothedRttNanos() {
            return minRttNanos;
        }

        @Override
        public int weight() {
            return 1;
        }
    }

    private static final long MS = 1_000_000;

    @Test
    void fastestPathWithRoomWins() {
        P fast = new P(0, 10 * MS, 500_000, true);
        P slow = new P(1, 100 * MS, 0, true);
        assertThat(s.select(List.of(slow, fast), 1350)).isSameAs(fast);
    }

    @Test
    void aFullFastPathOverflowsToTheSlowerOneWithRoom() {
        P fast = new P(0, 10 * MS, 900_000, false);
        P slow = new P(1, 100 * MS, 10_000, true);
        assertThat(s.select(List.of(fast, slow), 1350)).isSameAs(slow);
        assertThat(s.select(List.of(slow, fast), 1350)).isSameAs(slow);
    }

    @Test
    void whenNoPathHasRoomTheFastestTakesTheQueue() {
        P fast = new P(0, 10 * MS, 9_000_000, false);
        P slow = new P(1, 100 * MS, 100_000, false);
        assertThat(s.select(List.of(slow, fast), 1350)).isSameAs(fast);
    }

    @Test
    void similarRttsShareByBytesInFlight() {
        P a = new P(0, 10 * MS, 300_000, true);
        P b = new P(1, 10 * MS + MS / 2, 100_000, true);
        assertThat(s.select(List.of(a, b), 1350)).isSameAs(b);
    }
}

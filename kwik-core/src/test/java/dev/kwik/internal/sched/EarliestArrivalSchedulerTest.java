package dev.kwik.internal.sched;

import dev.kwik.SchedulablePath;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * earliest-arrival: each packet where it arrives first, from bytes in flight, delivery rate and minimum RTT; the
 * split a saturated sender gets matches the paths' rates, and a slow path only takes what it delivers in time.
 */
class EarliestArrivalSchedulerTest {
    private final EarliestArrivalScheduler s = new EarliestArrivalScheduler();
    private static final long MS = 1_000_000;
    /** 50 Mbit/s and 20 Mbit/s, in bytes per second. */
    private static final long FAST_RATE = 6_250_000;
    private static final long SLOW_RATE = 2_500_000;

    /** A path the test moves by hand: what it was given and has not delivered. */
    static final class P implements SchedulablePath {
        final long id;
        final long minRtt;
        final long rate;
        long inFlight;

        P(long id, long minRtt, long rate, long inFlight) {
            this.id = id;
            this.minRtt = minRtt;
            this.rate = rate;
            this.inFlight = inFlight;
        }

        @Override
        public long pathId() {
            return id;
        }

        @Override
        public long smoothedRttNanos() {
            return minRtt;
        }

        @Override
        public long minRttNanos() {
            return minRtt;
        }

        @Override
        public long bytesInFlight() {
            return inFlight;
        }

        @Override
        public boolean hasCapacity() {
            return true;
        }

        @Override
        public long deliveryRateBytesPerSecond() {
            return rate;
        }

        @Override
        public int weight() {
            return 1;
        }
    }

    @Test
    void withEmptyQueuesTheLowerRttWins() {
        P fast = new P(0, 10 * MS, FAST_RATE, 0);
        P slow = new P(1, 100 * MS, SLOW_RATE, 0);
        assertThat(s.select(List.of(slow, fast), 1350)).isSameAs(fast);
    }

    @Test
    void theSlowPathTakesAPacketOnlyOnceTheFastPathsQueueWouldDeliverItLater() {
        P slow = new P(1, 100 * MS, SLOW_RATE, 0);
        // The fast path's queue drains in (inFlight / rate - minRtt): 50 ms of it still beats the slow path's
        // 50 ms one-way delay with its own queue empty...
        P fast = new P(0, 10 * MS, FAST_RATE, FAST_RATE * 50 / 1000);
        assertThat(s.select(List.of(slow, fast), 1350)).isSameAs(fast);
        // ...but a queue of 100 ms does not.
        fast.inFlight = FAST_RATE * 110 / 1000;
        assertThat(s.select(List.of(slow, fast), 1350)).isSameAs(slow);
    }

    @Test
    void aSaturatedSenderSplitsInProportionToTheRatesAndBothFinishTogether() {
        P fast = new P(0, 10 * MS, FAST_RATE, 0);
        P slow = new P(1, 100 * MS, SLOW_RATE, 0);
        List<P> paths = List.of(fast, slow);
        long[] given = new long[2];
        // 4 MiB handed out in 1350-byte packets with nothing acknowledged meanwhile: what a flow-control
        // window's worth of writes looks like to the scheduler.
        for (long sent = 0; sent < 4 << 20; sent += 1350) {
            P p = (P) s.select(paths, 1350);
            p.inFlight += 1350;
            given[(int) p.id] += 1350;
        }
        double fastShare = (double) given[0] / (given[0] + given[1]);
        // Equal arrival times T: q_f / r_f - 5 ms = q_s / r_s - 50 ms with q_f + q_s = 4 MiB gives T = 462 ms,
        // q_f = 2.92 MB, q_s = 1.28 MB: the rates' 71:29, less the slow path's longer pipe, which holds more.
        assertThat(fastShare).isBetween(0.685, 0.705);
        long fastDone = EarliestArrivalScheduler.arrivalNanos(fast, 0);
        long slowDone = EarliestArrivalScheduler.arrivalNanos(slow, 0);
        assertThat(Math.abs(fastDone - slowDone)).isLessThan(2 * MS);
    }

    @Test
    void equalPathsShareByBytesInFlight() {
        P a = new P(0, 10 * MS, FAST_RATE, 300_000);
        P b = new P(1, 10 * MS, FAST_RATE, 100_000);
        assertThat(s.select(List.of(a, b), 1350)).isSameAs(b);
    }

    @Test
    void untilEveryPathHasARateMinRttDecides() {
        P known = new P(0, 100 * MS, SLOW_RATE, 0);
        P fresh = new P(1, 10 * MS, 0, 0);
        assertThat(EarliestArrivalScheduler.arrivalNanos(fresh, 1350)).isEqualTo(-1);
        assertThat(s.select(new ArrayList<>(List.of(known, fresh)), 1350)).isSameAs(fresh);
    }
}

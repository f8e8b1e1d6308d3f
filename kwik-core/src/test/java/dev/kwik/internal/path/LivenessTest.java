package dev.kwik.internal.path;

import dev.kwik.internal.path.Liveness.Verdict;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** DEGRADED/DEAD timing and the PING schedule, on a clock the test moves by hand. */
class LivenessTest {
    private long now = 1_000_000_000L;
    private final RttEstimator rtt = new RttEstimator();
    private final Liveness liveness = new Liveness(() -> now, rtt);

    private void advanceMillis(long ms) {
        now += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void silenceMakesAnActivePathSuspectAfterTwoHeartbeatsAndDeadAfterDeadAfter() {
        liveness.start(100, 1000);
        advanceMillis(200);
        assertThat(liveness.verdict(true)).as("exactly two intervals: not yet").isEqualTo(Verdict.ALIVE);
        advanceMillis(1);
        assertThat(liveness.verdict(true)).isEqualTo(Verdict.SUSPECT);
        assertThat(liveness.verdict(false)).as("already DEGRADED: not suspected again").isEqualTo(Verdict.ALIVE);
        advanceMillis(799);
        assertThat(liveness.verdict(false)).isEqualTo(Verdict.ALIVE);
        advanceMillis(1);
        assertThat(liveness.verdict(false)).isEqualTo(Verdict.DEAD);
        assertThat(liveness.verdict(true)).isEqualTo(Verdict.DEAD);
    }

    @Test
    void anythingHeardResetsTheSilence() {
        liveness.start(100, 1000);
        advanceMillis(900);
        liveness.heard();
        advanceMillis(900);
        assertThat(liveness.verdict(false)).isEqualTo(Verdict.ALIVE);
        assertThat(liveness.silentMillis()).isEqualTo(900);
    }

    @Test
    void aLongRoundTripDelaysSuspicionButNeverPastThreeQuartersOfDeadAfter() {
        liveness.start(100, 1000);
        assertThat(liveness.suspectAfterMillis()).isEqualTo(200);
        rtt.onSample(TimeUnit.MILLISECONDS.toNanos(150));
        assertThat(liveness.suspectAfterMillis()).as("one interval plus two round trips").isEqualTo(400);
        rtt.onSample(TimeUnit.MILLISECONDS.toNanos(2000));
        assertThat(liveness.suspectAfterMillis()).isEqualTo(750);
    }

    @Test
    void theProbeTimeoutIsFourRoundTripsBetweenItsFloorAndTheSuspicionDelay() {
        liveness.start(250, 1000);
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        assertThat(liveness.probeTimeoutNanos(0)).as("no RTT yet: the floor").isEqualTo(Liveness.PROBE_FLOOR_MILLIS * ms);
        assertThat(liveness.probeTimeoutNanos(60 * ms)).as("QUIC's RTT counts").isEqualTo(240 * ms);
        rtt.onSample(80 * ms);
        assertThat(liveness.probeTimeoutNanos(60 * ms)).as("the larger of the two RTTs").isEqualTo(320 * ms);
        assertThat(liveness.probeTimeoutNanos(400 * ms)).as("never later than the heartbeat's suspicion")
                .isEqualTo(liveness.suspectAfterMillis() * ms);
    }

    @Test
    void onePingOutstandingAtATimeAndItsPongIsAnRttSample() {
        liveness.start(100, 1000);
        long first = liveness.nextPing();
        assertThat(first).isZero();
        advanceMillis(30);
        assertThat(liveness.nextPing()).as("unanswered: no second PING").isEqualTo(-1);
        liveness.onPong(first + 7);
        assertThat(rtt.smoothedNanos()).as("a PONG for another PING is no sample").isZero();
        liveness.onPong(first);
        assertThat(rtt.smoothedNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        liveness.onPong(first);
        assertThat(liveness.nextPing()).isEqualTo(1);
    }
}

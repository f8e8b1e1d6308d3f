package dev.kwik.internal.path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RttEstimatorTest {
    private final RttEstimator rtt = new RttEstimator();

    @Test
    void theFirstSampleIsTheEstimateThenEachMovesItByAnEighth() {
        assertThat(rtt.smoothedNanos()).isZero();
        assertThat(rtt.minNanos()).isZero();
        rtt.onSample(800);
        assertThat(rtt.smoothedNanos()).isEqualTo(800);
        rtt.onSample(1600);
        assertThat(rtt.smoothedNanos()).isEqualTo(900);
        assertThat(rtt.minNanos()).isEqualTo(800);
    }

    @Test
    void theMinimumOfAnOldRouteAgesOutAfterTwoWindows() {
        rtt.onSample(100);
        for (int i = 1; i < RttEstimator.MIN_RTT_WINDOW; i++) {
            rtt.onSample(500);
        }
        assertThat(rtt.minNanos()).as("end of the first window").isEqualTo(100);
        for (int i = 0; i < RttEstimator.MIN_RTT_WINDOW - 1; i++) {
            rtt.onSample(500);
        }
        assertThat(rtt.minNanos()).as("the previous window still counts").isEqualTo(100);
        rtt.onSample(500);
        assertThat(rtt.minNanos()).isEqualTo(500);
        rtt.onSample(300);
        assertThat(rtt.minNanos()).isEqualTo(300);
    }
}

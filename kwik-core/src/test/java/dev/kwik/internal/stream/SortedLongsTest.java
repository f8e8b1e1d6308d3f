package dev.kwik.internal.stream;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class SortedLongsTest {
    @Test
    void behavesLikeASortedSetUnderRandomOperations() {
        Random random = new Random(42);
        SortedLongs set = new SortedLongs();
        TreeSet<Long> model = new TreeSet<>();
        long floor = 0;
        for (int i = 0; i < 200_000; i++) {
            int op = random.nextInt(10);
            long v = floor + random.nextInt(400);
            if (op < 6) {
                // Mostly increasing, as message ends arrive; sometimes below the last one (reordered frames).
                assertThat(set.add(v)).isEqualTo(model.add(v));
            } else if (op < 8) {
                floor += random.nextInt(50);
                int before = model.size();
                model.headSet(floor, true).clear();
                assertThat(set.removeAtOrBelow(floor)).isEqualTo(before - model.size());
            } else if (op < 9) {
                int before = model.size();
                model.tailSet(v, false).clear();
                assertThat(set.removeAbove(v)).isEqualTo(before - model.size());
            } else {
                Long h = model.higher(v);
                assertThat(set.higher(v)).isEqualTo(h == null ? -1 : h);
            }
            assertThat(set.size()).isEqualTo(model.size());
            assertThat(set.contains(v)).isEqualTo(model.contains(v));
        }
    }
}

package dev.kwik.internal.session;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A session whose paths come and go keeps the live ones and only the most recent ended ones. */
class PathHistoryTest {
    record Entry(int id, boolean ended) {
    }

    @Test
    void oldestEndedEntriesBeyondTheHistoryAreForgottenAndLiveOnesNever() {
        List<Entry> entries = new CopyOnWriteArrayList<>();
        entries.add(new Entry(0, false));
        for (int i = 1; i <= 200; i++) {
            entries.add(new Entry(i, i % 10 != 0));
            SessionCore.trimHistory(entries, Entry::ended);
        }
        List<Entry> ended = new ArrayList<>(entries.stream().filter(Entry::ended).toList());
        assertThat(ended).hasSize(SessionCore.PATH_HISTORY);
        assertThat(ended.get(0).id()).as("the oldest kept").isGreaterThan(200 - SessionCore.PATH_HISTORY - 10);
        assertThat(ended.get(ended.size() - 1).id()).isEqualTo(199);
        assertThat(entries.stream().filter(e -> !e.ended()).map(Entry::id))
                .as("live entries are all kept").containsExactly(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130,
                        140, 150, 160, 170, 180, 190, 200);
    }
}

package dev.kwik;

import dev.kwik.internal.path.Path;
import dev.kwik.internal.session.SessionCore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Logical streams share QUIC streams, streamsPerChannel at a time; the pool follows the active streams. */
class ChannelPoolTest {
    private static final Duration T = Duration.ofSeconds(10);

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void poolGrowsWithActiveStreamsAndShrinksWhenTheyFinish(int perChannel) throws Exception {
        try (Loopback lo = new Loopback(s -> { }, c -> c.streamsPerChannel(perChannel))) {
            Loopback.Pair p = lo.connect();
            Path clientPath = ((SessionCore) p.client()).paths().get(0);
            List<KwikStream> mine = new ArrayList<>();
            List<KwikStream> theirs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                KwikStream s = p.client().openStream();
                s.write(new byte[] {(byte) i});
                mine.add(s);
                KwikStream t = p.server().acceptStream(T);
                assertThat(t.readMessage(T)).containsExactly((byte) i);
                theirs.add(t);
            }
            int expected = 20 / perChannel;
            Conditions.waitUntil(() -> clientPath.dataChannels() == expected);
            for (int i = 0; i < 20; i++) {
                mine.get(i).close();
                theirs.get(i).close();
                assertThat(theirs.get(i).readMessage(T)).isNull();
                assertThat(mine.get(i).readMessage(T)).isNull();
            }
            Conditions.waitUntil(() -> clientPath.dataChannels() == 1);
            // The remaining channel still carries new streams.
            KwikStream again = p.client().openStream();
            again.write("more".getBytes());
            assertThat(p.server().acceptStream(T).readMessage(T)).isEqualTo("more".getBytes());
        }
    }
}

package dev.kwik;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** writePosition lets a writer place messages at offsets; the receiver reassembles, dedupes and polices them. */
class OffsetWriteTest {
    private static final Duration T = Duration.ofSeconds(10);
    private Loopback lo;
    private Loopback.Pair p;

    @BeforeEach
    void setUp() {
        lo = new Loopback();
        p = lo.connect();
    }

    @AfterEach
    void tearDown() {
        lo.close();
    }

    @Test
    void messagesWrittenOutOfOrderAreReadInOffsetOrder() {
        KwikStream c = p.client().openStream();
        c.writePosition(8);
        c.write("CCCC".getBytes());
        c.writePosition(0);
        c.write("AAAA".getBytes());
        assertThat(c.writePosition()).isEqualTo(4);
        c.write("BBBB".getBytes());
        c.writePosition(12);
        c.close();
        KwikStream s = p.server().acceptStream(T);
        assertThat(s.readMessage(T)).isEqualTo("AAAA".getBytes());
        assertThat(s.readMessage(T)).isEqualTo("BBBB".getBytes());
        assertThat(s.readMessage(T)).isEqualTo("CCCC".getBytes());
        assertThat(s.readMessage(T)).isNull();
    }

    @Test
    void sameBytesAtTheSameOffsetAreDeliveredOnce() {
        KwikStream c = p.client().openStream();
        c.write("abcd".getBytes());
        c.writePosition(0);
        c.write("abcd".getBytes());
        c.write("efgh".getBytes());
        c.close();
        KwikStream s = p.server().acceptStream(T);
        assertThat(s.readMessage(T)).isEqualTo("abcd".getBytes());
        assertThat(s.readMessage(T)).isEqualTo("efgh".getBytes());
        assertThat(s.readMessage(T)).isNull();
    }

    @Test
    void differentBytesAtAnOffsetAlreadyHeldCloseTheSessionWithProtocolViolation() throws Exception {
        KwikStream c = p.client().openStream();
        c.write("abcd".getBytes());
        c.writePosition(0);
        c.write("abXd".getBytes());
        KwikException onClient = ((dev.kwik.internal.session.SessionCore) p.client()).terminated().get(10, TimeUnit.SECONDS);
        assertThat(onClient.code()).isEqualTo(ErrorCode.PROTOCOL_VIOLATION);
        assertThat(onClient.getMessage()).contains("conflicting bytes");
        KwikException onServer = ((dev.kwik.internal.session.SessionCore) p.server()).terminated().get(10, TimeUnit.SECONDS);
        assertThat(onServer.code()).isEqualTo(ErrorCode.PROTOCOL_VIOLATION);
    }

    /**
     * A writer ends a stream far past the reader's credit (8 MiB against a 2 MiB window) before anyone reads, as a
     * primary does whose secondaries write the rest: the FIN carries no data, so close returns at once (it used to
     * wait for credit the reader would only grant near the end), and the reader learns the final size.
     */
    @Test
    void closeAtAFinalSizePastTheCreditNeverWaitsForTheReader() throws Exception {
        int size = 8 << 20;
        KwikStream c = p.client().openStream();
        c.write(new byte[1024]);
        java.util.concurrent.CompletableFuture.runAsync(() -> c.close(size)).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> c.write(new byte[1])).isInstanceOf(KwikException.class)
                .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.STREAM_CLOSED);
        KwikStream s = p.server().acceptStream(T);
        assertThat(s.readMessage(T)).hasSize(1024);
        dev.kwik.internal.stream.LogicalStream ls = (dev.kwik.internal.stream.LogicalStream) s;
        Conditions.waitUntil(() -> ls.finalSize() == size);
        assertThat(ls.missingRanges()).singleElement().satisfies(r -> assertThat(r).containsExactly(1024, size - 1024));
        assertThat(p.client().isOpen()).isTrue();
    }

    @Test
    void closeBelowWhatWasWrittenIsRefusedAndTheStreamStaysOpen() {
        KwikStream c = p.client().openStream();
        c.write(new byte[100]);
        assertThatThrownBy(() -> c.close(50)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100 bytes");
        c.close(100);
        KwikStream s = p.server().acceptStream(T);
        assertThat(s.readMessage(T)).hasSize(100);
        assertThat(s.readMessage(T)).isNull();
    }
}

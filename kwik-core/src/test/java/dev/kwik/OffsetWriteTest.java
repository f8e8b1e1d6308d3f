package dev.kwik;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

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
}

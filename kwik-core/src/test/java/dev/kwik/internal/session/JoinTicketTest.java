package dev.kwik.internal.session;

import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.WireException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JoinTicketTest {
    private static final byte[] SECRET = "a cluster secret of 32 bytes....".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SID = new byte[16];

    @Test
    void mintedTicketVerifiesWithItsFields() throws WireException {
        SID[3] = 9;
        byte[] t = JoinTicket.mint(SECRET, SID, 3, "primary-1", 10_000);
        JoinTicket j = JoinTicket.verify(SECRET, t, 9_999);
        assertThat(j.sessionId()).isEqualTo(SID);
        assertThat(j.pathId()).isEqualTo(3);
        assertThat(j.issuer()).isEqualTo("primary-1");
        assertThat(j.expiresAtMillis()).isEqualTo(10_000);
    }

    @Test
    void anyFlippedBitOrOtherSecretIsForged() {
        byte[] t = JoinTicket.mint(SECRET, SID, 3, "primary-1", 10_000);
        for (int i = 0; i < t.length; i++) {
            byte[] f = t.clone();
            f[i] ^= 0x01;
            assertThatThrownBy(() -> JoinTicket.verify(SECRET, f, 0)).as("bit flip at %d", i)
                    .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.TICKET_FORGED);
        }
        byte[] other = "another secret, also long enough".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> JoinTicket.verify(other, t, 0))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.TICKET_FORGED);
        assertThatThrownBy(() -> JoinTicket.verify(SECRET, new byte[5], 0))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.TICKET_FORGED);
    }

    @Test
    void expiredTicketIsRefused() {
        byte[] t = JoinTicket.mint(SECRET, SID, 1, "p", 10_000);
        assertThatThrownBy(() -> JoinTicket.verify(SECRET, t, 10_001))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.TICKET_EXPIRED);
    }

    @Test
    void replayCacheSeesEachNonceOnceUntilExpiryAndIsBounded() {
        ReplayCache c = new ReplayCache(2);
        assertThat(c.use(1, 100, 0)).isEqualTo(1);
        assertThat(c.use(1, 100, 50)).isZero();
        assertThat(c.use(2, 100, 50)).isEqualTo(1);
        assertThat(c.use(3, 100, 50)).isEqualTo(-1);
        assertThat(c.use(3, 300, 101)).isEqualTo(1);
        assertThat(c.use(1, 300, 101)).isEqualTo(1);
    }
}

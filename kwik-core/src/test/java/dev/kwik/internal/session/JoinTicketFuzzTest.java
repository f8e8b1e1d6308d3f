package dev.kwik.internal.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.WireException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzz targets for the join-ticket verifier, the one parser a stranger reaches on a secondary server. Arbitrary
 * bytes must be refused as forged; bytes signed with the cluster secret (what only a cluster member can
 * produce) must still parse without anything but TICKET_FORGED or TICKET_EXPIRED leaving the verifier.
 */
class JoinTicketFuzzTest {
    private static final byte[] SECRET = "fuzz-cluster-secret-32-bytes-ok!".getBytes(StandardCharsets.US_ASCII);
    private static final long NOW = 1_800_000_000_000L;

    @FuzzTest(maxDuration = "60s")
    void unsignedBytesAreForged(byte[] ticket) {
        try {
            JoinTicket.verify(SECRET, ticket, NOW);
            fail("accepted a ticket nobody signed: " + Arrays.toString(ticket));
        } catch (WireException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.TICKET_FORGED);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void signedBodiesParseOrAreRefused(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        mac.update(body);
        byte[] ticket = Arrays.copyOf(body, body.length + 32);
        System.arraycopy(mac.doFinal(), 0, ticket, body.length, 32);
        try {
            JoinTicket t = JoinTicket.verify(SECRET, ticket, NOW);
            assertThat(t.sessionId()).hasSize(16);
            assertThat(t.expiresAtMillis()).isGreaterThanOrEqualTo(NOW);
            assertThat(t.pathId()).isNotNegative();
        } catch (WireException e) {
            assertThat(e.code()).isIn(ErrorCode.TICKET_FORGED, ErrorCode.TICKET_EXPIRED);
        }
    }
}

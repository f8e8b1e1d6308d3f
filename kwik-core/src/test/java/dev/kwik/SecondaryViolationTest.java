package dev.kwik;

import dev.kwik.internal.session.SessionCore;
import dev.kwik.internal.stream.LogicalStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secondary that writes bytes conflicting with what the client holds, writes past the final size, or tries to
 * reset the client's stream gets the protocol error back and loses its path; the client's session and the
 * primary's data are untouched.
 */
class SecondaryViolationTest extends TwoServers {
    private static final Duration T = Duration.ofSeconds(10);
    @ParameterizedTest
    @ValueSource(strings = {"conflicting", "past-final-size", "reset", "never-told"})
    void badBytesFromASecondaryAreRefusedToItAndNotMerged(String kind) throws Exception {
        byte[] good = new byte[1000];
        Arrays.fill(good, (byte) 'A');
        boolean pastEnd = kind.equals("past-final-size");
        CompletableFuture<Void> clientHasPrimaryBytes = new CompletableFuture<>();
        CompletableFuture<CompletableFuture<List<MissingRange>>> lost = new CompletableFuture<>();
        CompletableFuture<Void> primarySide = CompletableFuture.runAsync(() -> {
            KwikServerSession ps = primary.accept(T);
            KwikStream s = TwoServers.acceptRequest(ps, lost);
            PathInfo sec = SecondaryServerTest.join(ps.addPath(SecondaryServerTest.address(secondary)));
            s.write(0, good, 0, good.length);
            if (pastEnd) {
                s.close();
            }
            SecondaryServerTest.join2(clientHasPrimaryBytes);
            ps.sendRaw(sec.pathId(), ("stream=" + s.id()).getBytes(StandardCharsets.UTF_8));
        });
        CompletableFuture<KwikException> secondaryFate = CompletableFuture.supplyAsync(() -> {
            KwikServerSession ss = secondary.accept(T);
            KwikStream w = SecondaryServerTest.attachAsCommanded(ss);
            if (kind.equals("never-told")) {
                // A client-initiated stream the client never opened (nor was the secondary told of it).
                w = ss.attachStream(w.id() + 400);
                w.write(new byte[] {'B'});
            } else if (kind.equals("reset")) {
                w.reset(7);
            } else {
                byte[] bad = new byte[100];
                Arrays.fill(bad, (byte) 'B');
                w.write(pastEnd ? 1000 : 500, bad, 0, bad.length);
            }
            return SecondaryServerTest.join2(((SessionCore) ss).terminated());
        });

        KwikSession session = client.dial(SecondaryServerTest.address(primary));
        KwikStream s = session.openStream();
        s.write("GET".getBytes(StandardCharsets.UTF_8));
        LogicalStream ls = (LogicalStream) s;
        // Hold the primary's bytes unread (and, for the final-size case, know the final size) before the secondary writes.
        Conditions.waitUntil(() -> ls.bufferedBytes() == good.length && (!pastEnd || ls.missingRanges().isEmpty()));
        clientHasPrimaryBytes.complete(null);

        KwikException fate = secondaryFate.get(15, TimeUnit.SECONDS);
        ErrorCode expected = switch (kind) {
            case "past-final-size" -> ErrorCode.FINAL_SIZE_ERROR;
            case "never-told" -> ErrorCode.STREAM_STATE_ERROR;
            default -> ErrorCode.PROTOCOL_VIOLATION;
        };
        assertThat(fate.code()).isEqualTo(expected);
        assertThat(fate.getMessage()).contains(switch (kind) {
            case "past-final-size" -> "final size";
            case "reset" -> "cannot reset";
            case "never-told" -> "has not opened";
            default -> "conflicting bytes";
        });
        lost.get(15, TimeUnit.SECONDS).get(15, TimeUnit.SECONDS);
        primarySide.get(15, TimeUnit.SECONDS);
        assertThat(session.isOpen()).isTrue();
        assertThat(s.readMessage(T)).isEqualTo(good);
        if (pastEnd) {
            assertThat(s.readMessage(T)).isNull();
        }
    }
}

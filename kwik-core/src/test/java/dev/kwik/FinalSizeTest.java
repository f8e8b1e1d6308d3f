package dev.kwik;

import dev.kwik.internal.session.SessionCore;
import dev.kwik.internal.stream.LogicalStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The primary's final size is the stream's, whatever order frames arrive in: bytes a secondary wrote past it cost
 * that secondary its path (FINAL_SIZE_ERROR), never the session nor the stream's good bytes; and a final size,
 * once known, still binds after the reader reached EOF (RFC 9000 §4.5).
 */
class FinalSizeTest extends TwoServers {
    private static final Duration T = Duration.ofSeconds(15);
    private static final int END = 256 * 1024;
    enum Order {
        /** The secondary's bytes past the final size are held by the client, then the primary's FIN arrives. */
        SECONDARY_BYTES_THEN_FIN,
        /** The primary's FIN arrives, then the secondary writes past it. */
        FIN_THEN_SECONDARY_BYTES,
        /** The secondary's bytes are held, then the primary resets the stream. */
        SECONDARY_BYTES_THEN_RESET,
        /** The reader consumed EOF (its own side still open), then the secondary writes past the final size. */
        AFTER_EOF,
        /** Both sides finished and the stream was forgotten, then the secondary writes past its final size. */
        AFTER_STREAM_FORGOTTEN
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void bytesASecondaryWrotePastThePrimarysFinalSizeCostItsPathNotTheSession(Order order) throws Exception {
        byte[] good = new byte[END];
        Arrays.fill(good, (byte) 'P');
        byte[] past = new byte[1000];
        Arrays.fill(past, (byte) 'S');
        boolean secondaryFirst = order == Order.SECONDARY_BYTES_THEN_FIN || order == Order.SECONDARY_BYTES_THEN_RESET;
        CompletableFuture<Void> clientHoldsSecondaryBytes = new CompletableFuture<>();
        CompletableFuture<Void> clientKnowsTheEnd = new CompletableFuture<>();
        CompletableFuture<CompletableFuture<List<MissingRange>>> lost = new CompletableFuture<>();
        CompletableFuture<KwikServerSession> primarySession = new CompletableFuture<>();

        CompletableFuture<Void> primarySide = CompletableFuture.runAsync(() -> {
            KwikServerSession ps = primary.accept(T);
            primarySession.complete(ps);
            KwikStream s = TwoServers.acceptRequest(ps, lost);
            PathInfo sec = SecondaryServerTest.join(ps.addPath(SecondaryServerTest.address(secondary)));
            ps.sendRaw(sec.pathId(), ("stream=" + s.id()).getBytes(StandardCharsets.UTF_8));
            if (secondaryFirst) {
                SecondaryServerTest.join2(clientHoldsSecondaryBytes);
            }
            if (order == Order.SECONDARY_BYTES_THEN_RESET) {
                s.reset(9);
                return;
            }
            s.write(good);
            s.close();
            if (!secondaryFirst) {
                SecondaryServerTest.join2(clientKnowsTheEnd);
                ps.sendRaw(sec.pathId(), "write now".getBytes(StandardCharsets.UTF_8));
            }
        });
        CompletableFuture<KwikException> secondaryFate = CompletableFuture.supplyAsync(() -> {
            KwikServerSession ss = secondary.accept(T);
            KwikStream w = SecondaryServerTest.attachAsCommanded(ss);
            if (!secondaryFirst) {
                ss.receiveRaw(T);
            }
            w.write(END, past, 0, past.length);
            return SecondaryServerTest.join2(((SessionCore) ss).terminated());
        });

        KwikSession session = client.dial(SecondaryServerTest.address(primary));
        KwikStream s = session.openStream();
        s.write("GET".getBytes(StandardCharsets.UTF_8));
        LogicalStream ls = (LogicalStream) s;
        if (secondaryFirst) {
            Conditions.waitUntil(() -> ls.bufferedBytes() == past.length);
            clientHoldsSecondaryBytes.complete(null);
        } else {
            // The primary's bytes and FIN are all here: nothing is missing.
            Conditions.waitUntil(() -> ls.missingRanges().isEmpty() && ls.bufferedBytes() == END);
            if (order != Order.FIN_THEN_SECONDARY_BYTES) {
                assertThat(readAll(s)).isEqualTo(good);
                if (order == Order.AFTER_STREAM_FORGOTTEN) {
                    s.close();
                    Conditions.waitUntil(() -> ((SessionCore) session).streamTable().peek(s.id()) == null);
                }
            }
            clientKnowsTheEnd.complete(null);
        }

        KwikException fate = secondaryFate.get(20, TimeUnit.SECONDS);
        assertThat(fate.code()).isEqualTo(ErrorCode.FINAL_SIZE_ERROR);
        assertThat(fate.getMessage()).contains("final size");
        lost.get(20, TimeUnit.SECONDS).get(20, TimeUnit.SECONDS);
        primarySide.get(20, TimeUnit.SECONDS);
        assertThat(session.isOpen()).isTrue();
        if (order == Order.SECONDARY_BYTES_THEN_RESET) {
            assertThatThrownBy(() -> s.readMessage(T)).isInstanceOf(KwikStreamException.class)
                    .extracting(e -> ((KwikStreamException) e).applicationCode()).isEqualTo(9L);
        } else if (order == Order.SECONDARY_BYTES_THEN_FIN || order == Order.FIN_THEN_SECONDARY_BYTES) {
            assertThat(readAll(s)).isEqualTo(good);
        }
        // The session still carries new streams both ways.
        KwikStream again = session.openStream();
        again.write("again".getBytes(StandardCharsets.UTF_8));
        KwikStream there = primarySession.get(5, TimeUnit.SECONDS).acceptStream(T);
        assertThat(there.readMessage(T)).isEqualTo("again".getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] readAll(KwikStream s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] m;
        while ((m = s.readMessage(T)) != null) {
            out.writeBytes(m);
        }
        return out.toByteArray();
    }
}

package dev.kwik;

import dev.kwik.internal.session.SessionCore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Once a session (or a secondary's part of it) is gone, every path of it reads CLOSED or DEAD, on every server. */
class PathStateAfterCloseTest extends TwoServers {
    private static final Duration T = Duration.ofSeconds(10);
    @ParameterizedTest
    @ValueSource(strings = {"client-closes", "primary-closes", "secondary-closes"})
    void everyPathIsFinalOnceItsSessionIsGone(String who) throws Exception {
        CompletableFuture<KwikServerSession> secondarySession = CompletableFuture.supplyAsync(() -> secondary.accept(T));
        KwikSession session = client.dial(SecondaryServerTest.address(primary));
        KwikServerSession ps = primary.accept(T);
        PathInfo sec = SecondaryServerTest.join(ps.addPath(SecondaryServerTest.address(secondary)));
        KwikServerSession ss = secondarySession.get(10, TimeUnit.SECONDS);
        assertThat(ps.activePaths()).hasSize(2);
        switch (who) {
            case "client-closes" -> session.close();
            case "primary-closes" -> ps.close();
            default -> ss.close();
        }
        Conditions.waitUntil(() -> ss.allPaths().stream().allMatch(p -> p.state().isFinal()));
        if (who.equals("secondary-closes")) {
            Conditions.waitUntil(() -> ps.allPaths().stream().filter(p -> p.pathId() == sec.pathId()).allMatch(p -> p.state().isFinal()));
            assertThat(ps.isOpen()).isTrue();
            assertThat(session.isOpen()).isTrue();
        } else {
            Conditions.waitUntil(() -> !ps.isOpen() && !ss.isOpen());
            Conditions.waitUntil(() -> ps.allPaths().stream().allMatch(p -> p.state().isFinal()));
            assertThat(ps.activePaths()).isEmpty();
        }
        assertThat(ss.activePaths()).isEmpty();
        // Misuse after the end gets the session's own closed exception, with the code it closed with.
        KwikServerSession gone = who.equals("secondary-closes") ? ss : ps;
        assertThatThrownBy(() -> gone.sendRaw(0, new byte[1])).isInstanceOf(KwikSessionClosedException.class);
        assertThatThrownBy(() -> gone.receiveRaw(Duration.ofMillis(1))).isInstanceOf(KwikSessionClosedException.class);
        assertThatThrownBy(() -> ss.addPath(SecondaryServerTest.address(primary)).get(5, TimeUnit.SECONDS))
                .extracting(e -> ((KwikException) e.getCause()).code())
                .isIn(ErrorCode.NOT_PRIMARY, ErrorCode.SESSION_CLOSED);
    }
}

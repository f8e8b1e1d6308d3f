package dev.kwik;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A primary and a secondary server that share a cluster secret, and a client trusting both: the fixture of the
 * tests where a secondary writes into the client's streams. JUnit makes a new instance per test, so each test
 * gets its own, closed after it.
 */
abstract class TwoServers {
    final KwikServer primary = SecondaryServerTest.server("primary");
    final KwikServer secondary = SecondaryServerTest.server("secondary");
    final KwikClient client = KwikClient.builder().trustCertificate(Loopback.certificate()).build();

    /** Completes with the missing ranges of the first path {@code session} reports lost. */
    static CompletableFuture<List<MissingRange>> firstLoss(KwikServerSession session) {
        CompletableFuture<List<MissingRange>> lost = new CompletableFuture<>();
        session.addPathListener(new PathListener() {
            @Override
            public void pathLost(KwikServerSession s, PathInfo path, List<MissingRange> missing) {
                lost.complete(missing);
            }
        });
        return lost;
    }

    /**
     * The primary's first moves in these tests: watch for the first lost path (into {@code lost}), accept the
     * client's stream and read its request. Returns that stream.
     */
    static KwikStream acceptRequest(KwikServerSession primarySession,
                                    CompletableFuture<CompletableFuture<List<MissingRange>>> lost) {
        lost.complete(firstLoss(primarySession));
        KwikStream s = primarySession.acceptStream(java.time.Duration.ofSeconds(10));
        s.readMessage(java.time.Duration.ofSeconds(10));
        return s;
    }

    @org.junit.jupiter.api.AfterEach
    void closeServers() {
        client.close();
        secondary.close();
        primary.close();
    }
}

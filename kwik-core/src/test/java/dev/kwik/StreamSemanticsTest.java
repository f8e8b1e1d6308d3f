package dev.kwik;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 9000 stream semantics over a real path: ids, FIN, reset, stop-sending, limits, session close. */
class StreamSemanticsTest {
    private static final Duration T = Duration.ofSeconds(10);
    private Loopback lo;

    @AfterEach
    void tearDown() {
        if (lo != null) {
            lo.close();
        }
    }

    private Loopback.Pair connect() {
        lo = new Loopback();
        return lo.connect();
    }

    @Test
    void streamIdsFollowRfc9000OnBothSides() {
        Loopback.Pair p = connect();
        assertThat(p.client().openStream().id()).isEqualTo(0);
        assertThat(p.client().openStream().id()).isEqualTo(4);
        assertThat(p.client().openUniStream().id()).isEqualTo(2);
        assertThat(p.client().openUniStream().id()).isEqualTo(6);
        assertThat(p.server().openStream().id()).isEqualTo(1);
        assertThat(p.server().openStream().id()).isEqualTo(5);
        assertThat(p.server().openUniStream().id()).isEqualTo(3);
        assertThat(p.server().openUniStream().id()).isEqualTo(7);
    }

    @Test
    void firstFrameOnAHigherIdOpensEveryLowerIdImplicitly() {
        Loopback.Pair p = connect();
        KwikStream s0 = p.client().openStream();
        KwikStream s4 = p.client().openStream();
        KwikStream s8 = p.client().openStream();
        s8.write(new byte[] {8});
        KwikStream a = p.server().acceptStream(T);
        KwikStream b = p.server().acceptStream(T);
        KwikStream c = p.server().acceptStream(T);
        assertThat(new long[] {a.id(), b.id(), c.id()}).containsExactly(0, 4, 8);
        assertThat(c.readMessage(T)).containsExactly(8);
        s0.write(new byte[] {0});
        assertThat(a.readMessage(T)).containsExactly(0);
        s4.close();
        assertThat(b.readMessage(T)).isNull();
    }

    @Test
    void uniStreamCarriesDataOneWayOnly() {
        Loopback.Pair p = connect();
        KwikStream u = p.server().openUniStream();
        u.write("down".getBytes());
        u.close();
        KwikStream in = p.client().acceptStream(T);
        assertThat(in.id()).isEqualTo(3);
        assertThat(in.isBidirectional()).isFalse();
        assertThat(in.readMessage(T)).isEqualTo("down".getBytes());
        assertThat(in.readMessage(T)).isNull();
        assertThatThrownBy(() -> in.write(new byte[1])).isInstanceOf(KwikException.class)
                .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.STREAM_STATE_ERROR);
        assertThatThrownBy(() -> u.read(new byte[1], 0, 1)).isInstanceOf(KwikException.class);
    }

    @Test
    void finSetsFinalSizeAndReaderSeesEndOfStream() {
        Loopback.Pair p = connect();
        KwikStream c = p.client().openStream();
        c.write(new byte[300]);
        c.close();
        c.close(); // idempotent
        assertThatThrownBy(() -> c.write(new byte[1])).extracting(e -> ((KwikException) e).code())
                .isEqualTo(ErrorCode.STREAM_CLOSED);
        KwikStream s = p.server().acceptStream(T);
        byte[] buf = new byte[1000];
        int total = 0;
        int n;
        while ((n = s.read(buf, 0, buf.length, T)) >= 0) {
            total += n;
        }
        assertThat(total).isEqualTo(300);
        assertThat(s.read(buf, 0, 1, T)).isEqualTo(-1);
        // The server can still answer on its half of the bidirectional stream.
        s.write("ok".getBytes());
        assertThat(c.readMessage(T)).isEqualTo("ok".getBytes());
    }

    @Test
    void resetCodeReachesThePeersReader() throws Exception {
        Loopback.Pair p = connect();
        KwikStream c = p.client().openStream();
        c.write(new byte[10]);
        KwikStream s = p.server().acceptStream(T);
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                s.readMessage(T);
                s.readMessage(T);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        c.reset(77);
        Throwable t = blocked.get(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(KwikStreamException.class);
        assertThat(((KwikStreamException) t).code()).isEqualTo(ErrorCode.STREAM_RESET);
        assertThat(((KwikStreamException) t).applicationCode()).isEqualTo(77);
        assertThatThrownBy(() -> c.write(new byte[1])).extracting(e -> ((KwikException) e).code())
                .isEqualTo(ErrorCode.STREAM_CLOSED);
    }

    @Test
    void stopSendingCodeReachesThePeersWriter() throws Exception {
        Loopback.Pair p = connect();
        KwikStream c = p.client().openStream();
        c.write(new byte[10]);
        KwikStream s = p.server().acceptStream(T);
        s.stopSending(42);
        // Writes keep succeeding until STOP_SENDING arrives; then they fail with the peer's code.
        Throwable t = CompletableFuture.supplyAsync(() -> {
            try {
                for (;;) {
                    c.write(new byte[1000]);
                }
            } catch (Throwable e) {
                return e;
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(KwikStreamException.class);
        assertThat(((KwikStreamException) t).code()).isEqualTo(ErrorCode.STREAM_STOPPED);
        assertThat(((KwikStreamException) t).applicationCode()).isEqualTo(42);
        assertThatThrownBy(() -> s.read(new byte[1], 0, 1)).extracting(e -> ((KwikException) e).code())
                .isEqualTo(ErrorCode.STREAM_CLOSED);
    }

    @Test
    void closingASessionFailsPendingReadsAndWritesOnBothSides() throws Exception {
        lo = new Loopback(s -> s.streamWindow(4096).sessionWindow(8192), c -> { });
        Loopback.Pair p = lo.connect();
        // Stream q: both sides read, nobody writes. Stream w: the client writes until the 4 KiB window is used up.
        KwikStream q = p.client().openStream();
        q.write(new byte[1]);
        KwikStream sq = p.server().acceptStream(T);
        sq.readMessage(T);
        KwikStream w = p.client().openStream();
        CompletableFuture<Throwable> reader = failureOf(() -> sq.readMessage());
        CompletableFuture<Throwable> writer = failureOf(() -> {
            for (;;) {
                w.write(new byte[1024]);
            }
        });
        CompletableFuture<Throwable> clientReader = failureOf(() -> q.readMessage());
        KwikStream sw = p.server().acceptStream(T);
        Conditions.waitUntil(() -> ((dev.kwik.internal.stream.LogicalStream) sw).bufferedBytes() == 4096);
        CompletableFuture<Throwable> accepter = failureOf(() -> p.server().acceptStream());
        p.client().close(9, "bye");
        assertThat(p.client().isOpen()).isFalse();
        for (CompletableFuture<Throwable> f : java.util.List.of(writer, clientReader)) {
            Throwable t = f.get(5, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(KwikSessionClosedException.class);
            assertThat(((KwikException) t).code()).isEqualTo(ErrorCode.SESSION_CLOSED);
            assertThat(((KwikSessionClosedException) t).closedByPeer()).isFalse();
        }
        for (CompletableFuture<Throwable> f : java.util.List.of(reader, accepter)) {
            Throwable t = f.get(5, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(KwikSessionClosedException.class);
            KwikSessionClosedException e = (KwikSessionClosedException) t;
            assertThat(e.closedByPeer()).isTrue();
            assertThat(e.applicationCode()).isEqualTo(9);
            assertThat(e.getMessage()).contains("bye");
        }
        assertThat(p.server().isOpen()).isFalse();
        assertThatThrownBy(() -> p.client().openStream()).isInstanceOf(KwikSessionClosedException.class);
    }

    @Test
    void openStreamFailsFastAtThePeersLimitAndOpenStreamSyncWaitsForCredit() throws Exception {
        lo = new Loopback(s -> s.maxConcurrentStreams(2), c -> { });
        Loopback.Pair p = lo.connect();
        KwikStream a = p.client().openStream();
        KwikStream b = p.client().openStream();
        assertThatThrownBy(() -> p.client().openStream()).extracting(e -> ((KwikException) e).code())
                .isEqualTo(ErrorCode.STREAM_LIMIT_REACHED);
        assertThatThrownBy(() -> p.client().openStreamSync(Duration.ofMillis(200)))
                .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.TIMEOUT);
        CompletableFuture<KwikStream> waiting = CompletableFuture.supplyAsync(() -> p.client().openStreamSync(T));
        // Finish stream a in both directions; the server retires it and grants one more stream.
        a.close();
        KwikStream sa = p.server().acceptStream(T);
        assertThat(sa.readMessage(T)).isNull();
        sa.close();
        assertThat(a.readMessage(T)).isNull();
        assertThat(waiting.get(10, TimeUnit.SECONDS).id()).isEqualTo(8);
        b.close();
    }

    @Test
    void acceptStreamReturnsNullAfterAnOrderlyCloseOnceEveryStreamWasAccepted() throws Exception {
        Loopback.Pair p = connect();
        for (int i = 0; i < 3; i++) {
            KwikStream s = p.client().openStream();
            s.write(new byte[] {(byte) i});
            s.close();
        }
        p.client().close(); // lingers until the server acknowledged the three streams
        Conditions.waitUntil(() -> !p.server().isOpen());
        // The natural handler loop: every stream the peer opened, then null.
        int served = 0;
        KwikStream s;
        while ((s = p.server().acceptStream(T)) != null) {
            assertThat(s.readMessage(T)).containsExactly((byte) served);
            served++;
        }
        assertThat(served).isEqualTo(3);
        assertThat(p.server().acceptStream()).as("and null again").isNull();
        assertThat(p.client().acceptStream(T)).as("on the closing side too").isNull();
    }

    @Test
    void acceptStreamStillThrowsAfterACloseWithAnApplicationCode() throws Exception {
        Loopback.Pair p = connect();
        p.client().close(7, "done with code");
        Conditions.waitUntil(() -> !p.server().isOpen());
        assertThatThrownBy(() -> p.server().acceptStream(T)).isInstanceOf(KwikSessionClosedException.class)
                .extracting(e -> ((KwikSessionClosedException) e).applicationCode()).isEqualTo(7L);
    }

    @Test
    void blockingCallsOnAnEventLoopThrowInsteadOfDeadlocking() throws Exception {
        Loopback.Pair p = connect();
        KwikStream c = p.client().openStream();
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            Throwable t = loop.submit(() -> {
                try {
                    c.read(new byte[1], 0, 1);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            }).get(5, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(KwikException.class);
            assertThat(((KwikException) t).code()).isEqualTo(ErrorCode.BLOCKING_ON_EVENT_LOOP);
            Throwable a = loop.submit(() -> {
                try {
                    p.client().acceptStream();
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            }).get(5, TimeUnit.SECONDS);
            assertThat(((KwikException) a).code()).isEqualTo(ErrorCode.BLOCKING_ON_EVENT_LOOP);
            InetSocketAddress server = lo.server.localAddress();
            for (java.util.concurrent.Callable<Object> blocking : List.<java.util.concurrent.Callable<Object>>of(
                    () -> lo.client.dial(server), () -> lo.client.dial("127.0.0.1:" + server.getPort()),
                    () -> lo.server.accept(Duration.ofSeconds(1)))) {
                Throwable d = loop.submit(() -> {
                    try {
                        blocking.call();
                        return null;
                    } catch (Throwable e) {
                        return e;
                    }
                }).get(5, TimeUnit.SECONDS);
                assertThat(d).isInstanceOf(KwikException.class).hasMessageContaining("event-loop thread");
                assertThat(((KwikException) d).code()).isEqualTo(ErrorCode.BLOCKING_ON_EVENT_LOOP);
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static CompletableFuture<Throwable> failureOf(Runnable r) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                r.run();
                return new AssertionError("did not fail: " + r);
            } catch (Throwable t) {
                return t;
            }
        }, runnable -> new Thread(runnable).start());
    }

    @Test
    void whatArrivedBeforeAGracefulCloseStaysReadableAfterIt() throws Exception {
        Loopback.Pair p = connect();
        KwikStream c = p.client().openStream();
        c.write(new byte[]{1});
        KwikStream s = p.server().acceptStream(T);
        s.readMessage(T);
        s.write(new byte[]{10});
        s.write(new byte[300_000]);
        s.close();
        KwikStream unfinished = p.server().openStream();
        unfinished.write(new byte[]{42});
        p.server().close(); // lingers until the client acknowledged both streams' bytes
        Conditions.waitUntil(() -> !p.client().isOpen());

        assertThat(c.readMessage(T)).containsExactly(10);
        assertThat(c.readMessage(T)).hasSize(300_000);
        assertThat(c.readMessage(T)).as("FIN arrived before the close: a clean end").isNull();
        KwikStream u = p.client().acceptStream(T);
        assertThat(u.readMessage(T)).containsExactly(42);
        assertThatThrownBy(() -> u.readMessage(T)).as("no FIN: past the kept bytes the close is reported")
                .isInstanceOf(KwikSessionClosedException.class);
        assertThatThrownBy(() -> c.write(new byte[1])).isInstanceOf(KwikSessionClosedException.class);
    }
}

package dev.kwik;

import dev.kwik.internal.EventLoops;
import dev.kwik.internal.stream.LogicalStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Push-style reading ({@link KwikStream#receive}) over a real path: order, boundaries, back-pressure, endings. */
class StreamReceiverTest {
    private static final Duration T = Duration.ofSeconds(10);

    private Loopback lo;

    @AfterEach
    void tearDown() {
        if (lo != null) {
            lo.close();
        }
    }

    /**
     * Collects whole messages from its onData calls and records how the calls were made: on an event loop, never
     * two at once, and exactly one last call.
     */
    static class Collector implements StreamReceiver {
        final List<byte[]> messages = java.util.Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<KwikException> ended = new CompletableFuture<>();
        final AtomicInteger dataCalls = new AtomicInteger();
        final AtomicInteger lastCalls = new AtomicInteger();
        final List<String> misuse = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger inside = new AtomicInteger();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public void onData(KwikStream stream, ByteBuffer data, boolean messageEnd) {
            enter("onData");
            if (ended.isDone()) {
                misuse.add("onData after the last call");
            }
            if (!data.isReadOnly()) {
                misuse.add("writable view");
            }
            dataCalls.incrementAndGet();
            byte[] b = new byte[data.remaining()];
            data.get(b);
            current.write(b, 0, b.length);
            if (messageEnd) {
                messages.add(current.toByteArray());
                current.reset();
            }
            try {
                took(stream, b.length, messageEnd);
            } finally {
                inside.decrementAndGet();
            }
        }

        /** Hook for tests that act inside a call. */
        void took(KwikStream stream, int bytes, boolean messageEnd) {
        }

        @Override
        public void onEnd(KwikStream stream) {
            enter("onEnd");
            lastCalls.incrementAndGet();
            ended.complete(null);
            inside.decrementAndGet();
        }

        @Override
        public void onError(KwikStream stream, KwikException error) {
            enter("onError");
            lastCalls.incrementAndGet();
            ended.complete(error);
            inside.decrementAndGet();
        }

        private void enter(String call) {
            if (inside.incrementAndGet() != 1) {
                misuse.add(call + " overlapping another call");
            }
            if (!EventLoops.onEventLoop()) {
                misuse.add(call + " on " + Thread.currentThread().getName() + ", not an event loop");
            }
        }

        KwikException awaitEnd() throws Exception {
            return ended.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void messagesOfEverySizeArriveWholeAndInOrderOnTheEventLoop() throws Exception {
        // A 16 KiB stream window: the 100 KiB message can only arrive in parts, handed over as they come.
        lo = new Loopback(s -> s.streamWindow(16 * 1024), c -> { });
        Loopback.Pair p = lo.connect();
        Random random = new Random(5);
        List<byte[]> sent = new ArrayList<>();
        for (int size : new int[] {1, 1000, 70_000, 5, 100_000, 3, 16 * 1024, 2}) {
            byte[] m = new byte[size];
            random.nextBytes(m);
            sent.add(m);
        }
        KwikStream c = p.client().openStream();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (byte[] m : sent) {
                c.write(m);
            }
            c.close();
        });
        Collector r = new Collector();
        p.server().acceptStream(T).receive(r);

        assertThat(lastCall(r)).isNull();
        writer.get(10, TimeUnit.SECONDS);
        assertThat(r.messages).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(r.messages.get(i)).as("message %d", i).isEqualTo(sent.get(i));
        }
        assertThat(r.dataCalls.get()).as("the 100 KiB message in several calls").isGreaterThan(sent.size());
    }

    @Test
    void bytesAlreadyReadStayReadAndBytesAlreadyHereAreHandedOverFirst() throws Exception {
        lo = new Loopback();
        Loopback.Pair p = lo.connect();
        KwikStream c = p.client().openStream();
        for (String m : List.of("one", "two", "three")) {
            c.write(m.getBytes());
        }
        c.close();
        KwikStream s = p.server().acceptStream(T);
        assertThat(s.readMessage(T)).isEqualTo("one".getBytes());
        Collector r = new Collector();
        s.receive(r);

        assertThat(lastCall(r)).isNull();
        assertThat(r.messages).extracting(String::new).containsExactly("two", "three");
    }

    @Test
    void blockingReadsAreRefusedOnceAReceiverIsSetAndSoIsASecondReceiver() throws Exception {
        lo = new Loopback();
        Loopback.Pair p = lo.connect();
        KwikStream c = p.client().openStream();
        c.write(new byte[1]);
        KwikStream s = p.server().acceptStream(T);
        s.receive(new Collector());

        assertThatThrownBy(() -> s.read(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::readMessage).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.inputStream().read()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.receive(new Collector())).isInstanceOf(IllegalStateException.class);
        KwikStream uni = p.client().openUniStream();
        assertThatThrownBy(() -> uni.receive(new Collector())).extracting(e -> ((KwikException) e).code())
                .isEqualTo(ErrorCode.STREAM_STATE_ERROR);
    }

    @Test
    void aReaderWaitingWhenTheReceiverIsSetFailsAndTheReceiverGetsTheBytes() throws Exception {
        lo = new Loopback();
        Loopback.Pair p = lo.connect();
        KwikStream c = p.client().openStream();
        c.write("first".getBytes());
        KwikStream s = p.server().acceptStream(T);
        assertThat(s.readMessage(T)).isEqualTo("first".getBytes());
        CompletableFuture<Throwable> readerFailure = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                s.readMessage();
                readerFailure.complete(null);
            } catch (Throwable t) {
                readerFailure.complete(t);
            }
        });
        reader.start();
        Conditions.waitUntil(() -> reader.getState() == Thread.State.WAITING);
        Collector r = new Collector();
        s.receive(r);
        c.write("second".getBytes());
        c.close();

        assertThat(readerFailure.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        assertThat(lastCall(r)).isNull();
        assertThat(r.messages).extracting(String::new).containsExactly("second");
    }

    @Test
    void pausingHoldsTheBytesAndTheCreditUntilResumed() throws Exception {
        int window = 4096;
        lo = new Loopback(s -> s.streamWindow(window), c -> { });
        Loopback.Pair p = lo.connect();
        KwikStream c = p.client().openStream();
        int count = 40;
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < count; i++) {
                byte[] m = new byte[1024];
                m[0] = (byte) i;
                c.write(m);
            }
            c.close();
        });
        AtomicInteger delivered = new AtomicInteger();
        Collector r = new Collector() {
            @Override
            void took(KwikStream stream, int bytes, boolean messageEnd) {
                delivered.addAndGet(bytes);
                stream.pauseReceiving();
            }
        };
        LogicalStream s = (LogicalStream) p.server().acceptStream(T);
        s.receive(r);

        // Paused after its first call: the rest of the window fills, nothing more is handed over, the writer waits.
        Conditions.waitUntil(() -> delivered.get() > 0 && delivered.get() + s.bufferedBytes() == window);
        assertThatThrownBy(() -> writer.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(delivered.get()).isEqualTo(1024);
        for (int resumed = 1; !r.ended.isDone(); resumed++) {
            int before = delivered.get();
            s.resumeReceiving();
            Conditions.waitUntil(() -> delivered.get() > before || r.ended.isDone());
            assertThat(resumed).isLessThanOrEqualTo(count + 1);
        }

        assertThat(lastCall(r)).isNull();
        writer.get(10, TimeUnit.SECONDS);
        assertThat(r.messages).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(r.messages.get(i)).hasSize(1024);
            assertThat(r.messages.get(i)[0]).isEqualTo((byte) i);
        }
    }

    /** A session whose server stream's {@link Collector} has taken one 10-byte message from the client. */
    private record Receiving(Loopback.Pair pair, KwikStream client, Collector receiver) {
    }

    private Receiving receivingAfterOneMessage() throws InterruptedException {
        lo = new Loopback();
        Loopback.Pair p = lo.connect();
        KwikStream c = p.client().openStream();
        c.write(new byte[10]);
        Collector r = new Collector();
        p.server().acceptStream(T).receive(r);
        Conditions.waitUntil(() -> r.messages.size() == 1);
        return new Receiving(p, c, r);
    }

    /** The receiver's last call (null for onEnd), checked to be its only one and every call to have been right. */
    private static KwikException lastCall(Collector r) throws Exception {
        KwikException e = r.awaitEnd();
        assertThat(r.lastCalls.get()).isEqualTo(1);
        assertThat(r.misuse).isEmpty();
        return e;
    }

    @Test
    void aResetByThePeerIsTheReceiversLastCallWithItsCode() throws Exception {
        Receiving x = receivingAfterOneMessage();
        x.client().reset(77);

        KwikException e = lastCall(x.receiver());
        assertThat(e).isInstanceOf(KwikStreamException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.STREAM_RESET);
        assertThat(((KwikStreamException) e).applicationCode()).isEqualTo(77);
    }

    @Test
    void theSessionClosingIsTheReceiversLastCall() throws Exception {
        Receiving x = receivingAfterOneMessage();
        x.pair().client().close(9, "bye");

        KwikException e = lastCall(x.receiver());
        assertThat(e).isInstanceOf(KwikSessionClosedException.class);
        assertThat(((KwikSessionClosedException) e).applicationCode()).isEqualTo(9);
    }

    @Test
    void closingTheSessionOnTheReceiversSideIsItsLastCallToo() throws Exception {
        Receiving x = receivingAfterOneMessage();
        x.pair().server().close(4, "done");

        KwikException e = lastCall(x.receiver());
        assertThat(e).isInstanceOf(KwikSessionClosedException.class);
        assertThat(((KwikSessionClosedException) e).closedByPeer()).isFalse();
    }

    @Test
    void closingTheClientEndsTheReceiversOfItsSessions() throws Exception {
        lo = new Loopback();
        Loopback.Pair p = lo.connect();
        KwikStream c = p.client().openStream();
        c.write(new byte[1]);
        KwikStream s = p.server().acceptStream(T);
        s.write(new byte[10]);
        Collector r = new Collector();
        c.receive(r);
        Conditions.waitUntil(() -> r.messages.size() == 1);
        lo.client.close();

        assertThat(r.awaitEnd()).isInstanceOf(KwikSessionClosedException.class);
        assertThat(r.lastCalls.get()).isEqualTo(1);
    }

    @Test
    void aReceiverThatThrowsStopsTheStreamAndIsToldWhy() throws Exception {
        lo = new Loopback();
        Loopback.Pair p = lo.connect();
        KwikStream c = p.client().openStream();
        c.write(new byte[10]);
        IllegalArgumentException bug = new IllegalArgumentException("application bug");
        Collector r = new Collector() {
            @Override
            void took(KwikStream stream, int bytes, boolean messageEnd) {
                throw bug;
            }
        };
        p.server().acceptStream(T).receive(r);

        KwikException e = lastCall(r);
        assertThat(e.code()).isEqualTo(ErrorCode.STREAM_CLOSED);
        assertThat(e.getCause()).isSameAs(bug);
        // The writer learns it through STOP_SENDING, as after stopSending(0).
        Throwable t = CompletableFuture.supplyAsync(() -> {
            try {
                for (;;) {
                    c.write(new byte[1000]);
                }
            } catch (Throwable x) {
                return x;
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(((KwikException) t).code()).isEqualTo(ErrorCode.STREAM_STOPPED);
        assertThat(((KwikStreamException) t).applicationCode()).isZero();
    }

    @Test
    void stopSendingFromInsideTheReceiverEndsItWithoutAnotherDataCall() throws Exception {
        lo = new Loopback();
        Loopback.Pair p = lo.connect();
        KwikStream c = p.client().openStream();
        for (int i = 0; i < 5; i++) {
            c.write(new byte[100]);
        }
        Collector r = new Collector() {
            @Override
            void took(KwikStream stream, int bytes, boolean messageEnd) {
                stream.stopSending(3);
            }
        };
        p.server().acceptStream(T).receive(r);

        assertThat(lastCall(r).code()).isEqualTo(ErrorCode.STREAM_CLOSED);
        assertThat(r.dataCalls.get()).isEqualTo(1);
    }
}

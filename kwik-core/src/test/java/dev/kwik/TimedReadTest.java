package dev.kwik;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A read that gives up (timeout, interrupt) leaves the stream exactly as it found it: the next call returns the
 * whole message, or the bytes in order. A 10 MiB message cannot fit the 2 MiB stream window, so the reader drains
 * it as it arrives and a 2 ms readMessage times out part-way through it.
 */
class TimedReadTest {
    private static final int SIZE = 10 << 20;
    private static final Duration T = Duration.ofSeconds(30);
    private Loopback lo;
    private Loopback.Pair p;
    private byte[] message;

    @BeforeEach
    void setUp() {
        lo = new Loopback();
        p = lo.connect();
        message = new byte[SIZE];
        new Random(13).nextBytes(message);
    }

    @AfterEach
    void tearDown() {
        lo.close();
    }

    private KwikStream sendOneBigMessageThenASmallOne() throws Exception {
        KwikStream out = p.server().openStream();
        out.write(new byte[] {1});
        KwikStream in = p.client().acceptStream(T);
        assertThat(in.readMessage(T)).containsExactly(1);
        CompletableFuture.runAsync(() -> {
            out.write(message);
            out.write(new byte[] {2});
        });
        return in;
    }

    @Test
    void aReadMessageThatTimesOutMidMessageLosesNothing() throws Exception {
        KwikStream in = sendOneBigMessageThenASmallOne();
        int timeouts = 0;
        byte[] got = null;
        while (got == null) {
            try {
                got = in.readMessage(Duration.ofMillis(2));
            } catch (KwikTimeoutException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                timeouts++;
            }
        }
        assertThat(timeouts).as("timed-out calls").isPositive();
        assertThat(got).hasSize(SIZE).isEqualTo(message);
        assertThat(in.readMessage(T)).containsExactly(2);
    }

    @Test
    void afterATimedOutReadMessagePlainReadsReturnTheSameBytesInOrder() throws Exception {
        KwikStream in = sendOneBigMessageThenASmallOne();
        // Part of the message is here: the timed call takes it, then gives up waiting for the rest.
        Conditions.waitUntil(() -> ((dev.kwik.internal.stream.LogicalStream) in).bufferedBytes() > 0);
        assertThatThrownBy(() -> in.readMessage(Duration.ofMillis(2))).isInstanceOf(KwikTimeoutException.class);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] buf = new byte[100_000];
        while (rest.size() < SIZE) {
            int n = in.read(buf, 0, buf.length, T);
            assertThat(n).isPositive();
            rest.write(buf, 0, n);
        }
        assertThat(rest.toByteArray()).isEqualTo(message);
        assertThat(in.readMessage(T)).containsExactly(2);
    }

    @Test
    void anInterruptedReadMessageKeepsItsBytesAndTheInterruptFlag() throws Exception {
        KwikStream in = sendOneBigMessageThenASmallOne();
        Conditions.waitUntil(() -> ((dev.kwik.internal.stream.LogicalStream) in).bufferedBytes() > 0);
        CompletableFuture<byte[]> reader = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            KwikException first = null;
            try {
                in.readMessage(T);
            } catch (KwikException e) {
                first = e;
            }
            boolean flag = Thread.interrupted();
            if (first == null || first.code() != ErrorCode.INTERRUPTED || !flag) {
                reader.completeExceptionally(new AssertionError("expected an interrupted read with the flag set: " + first + ", " + flag));
                return;
            }
            reader.complete(in.readMessage(T));
        });
        t.start();
        Conditions.waitUntil(() -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(message);
    }
}

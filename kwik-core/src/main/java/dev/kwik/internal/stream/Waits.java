package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.KwikTimeoutException;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/** One timed wait on a condition, the way every blocking KWIK call waits. */
final class Waits {
    private Waits() {
    }

    /**
     * Waits once on {@code c} (whose lock the caller holds).
     *
     * @param timeoutNanos negative to wait without limit
     * @param deadline     {@code System.nanoTime()} at which the wait gives up
     * @param what         the operation, for the timeout message ("read on stream 4")
     * @throws KwikTimeoutException past the deadline
     */
    static void await(Condition c, long timeoutNanos, long deadline, String what) {
        try {
            if (timeoutNanos < 0) {
                c.await();
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new KwikTimeoutException(ErrorCode.TIMEOUT,
                        what + " timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
            c.awaitNanos(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KwikException(ErrorCode.INTERRUPTED, what + " was interrupted");
        }
    }
}

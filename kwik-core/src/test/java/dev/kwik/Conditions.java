package dev.kwik;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition in tests (never a fixed sleep): polls until it holds, fails after a deadline. */
public final class Conditions {
    private Conditions() {
    }

    /** Waits up to 10 s. */
    public static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        waitUntil(Duration.ofSeconds(10), condition);
    }

    public static void waitUntil(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout.toMillis() + " ms");
            }
            Thread.sleep(1);
        }
    }
}

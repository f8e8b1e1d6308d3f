package dev.kwik.spring.autoconfigure;

import java.util.function.BooleanSupplier;

/** Waits on a condition with a deadline instead of sleeping for a guessed time. */
public final class Awaits {
    private Awaits() {
    }

    public static void until(BooleanSupplier condition) {
        until(condition, 10_000);
    }

    public static void until(BooleanSupplier condition, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeoutMillis + " ms");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}

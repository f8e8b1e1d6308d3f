package dev.kwik.internal.quic;

import dev.kwik.KwikException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Sessions ready to be accepted, and the callers waiting for them. Thread-safe. */
final class AcceptQueue<T> {
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<T>> waiters = new ArrayDeque<>();
    private KwikException closed;

    /** @return false if the queue is closed (the caller disposes of {@code item}) */
    synchronized boolean offer(T item) {
        if (closed != null) {
            return false;
        }
        CompletableFuture<T> w;
        while ((w = waiters.poll()) != null) {
            if (w.complete(item)) {
                return true;
            }
        }
        items.add(item);
        return true;
    }

    synchronized CompletableFuture<T> take() {
        T item = items.poll();
        if (item != null) {
            return CompletableFuture.completedFuture(item);
        }
        if (closed != null) {
            return CompletableFuture.failedFuture(closed);
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        waiters.add(f);
        return f;
    }

    /** Fails the waiters; returns items nobody accepted. */
    synchronized List<T> close(KwikException cause) {
        closed = cause;
        waiters.forEach(w -> w.completeExceptionally(cause));
        waiters.clear();
        List<T> left = new ArrayList<>(items);
        items.clear();
        return left;
    }
}

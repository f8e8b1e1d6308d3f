package dev.kwik.sample;

import java.util.concurrent.CompletableFuture;

/** How the client's transfer ended: true when every byte arrived and the SHA-256 matched. */
final class DemoResult {
    final CompletableFuture<Boolean> ok = new CompletableFuture<>();
}

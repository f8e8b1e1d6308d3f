package dev.kwik.internal.session;

import dev.kwik.internal.path.Path;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** How a client session opens an added path (implemented by the QUIC layer). */
public interface PathJoiner {
    /**
     * Dials {@code address} and presents the ticket. {@code joined} runs on the new path's event loop right when
     * HELLO_OK arrives, before any later packet of that path is handled, so the session can take the path over.
     * The future fails with a KwikException carrying the server's refusal code.
     */
    CompletableFuture<Path> join(InetSocketAddress address, byte[] sessionId, byte[] ticket, Consumer<Path> joined);
}

package dev.kwik.internal.session;

import dev.kwik.internal.path.Path;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** How a client session opens an added path (implemented by the QUIC layer). */
public interface PathJoiner {
    /**
     * Dials {@code address} and presents the ticket. {@code joined} runs on the new path's event loop right when
     * HELLO_OK arrives, before any later packet of that path is handled, so the session can take the path over.
     * The future fails with a KwikException carrying the server's refusal code. {@code local}: the address the
     * path's socket binds to (a client interface's), or null for any.
     */
    CompletableFuture<Path> join(InetSocketAddress address, InetAddress local, byte[] sessionId, byte[] ticket, Consumer<Path> joined);

    /** The client's interfaces: which may carry paths, and from which local address ({@code local} above). */
    ClientInterfaces interfaces();

    /**
     * Resolves the host an ADD_PATH names, off the event loops (a lookup blocks) and off shared pools: on the
     * client's own resolver thread. The result may be unresolved (the caller refuses the path then).
     */
    CompletableFuture<InetSocketAddress> resolve(String host, int port);
}

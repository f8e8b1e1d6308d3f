package dev.kwik;

import java.net.InetSocketAddress;

/**
 * Decides whether a client may open a session. Called once per dial with the credentials the client's
 * builder was given, on a server worker thread (never the event loop), so it may block briefly, for
 * example on a token lookup. Must not throw; an exception refuses the client.
 */
@FunctionalInterface
public interface KwikAuthenticator {
    /** Accepts everyone. The default. */
    KwikAuthenticator ACCEPT_ALL = (peer, credentials) -> null;

    /**
     * @param peer        the client's UDP address
     * @param credentials the bytes the client presented (empty when none)
     * @return null to accept, or the reason for refusing, which the client's {@code dial} reports with
     *         {@link ErrorCode#AUTH_REFUSED}
     */
    String authenticate(InetSocketAddress peer, byte[] credentials);
}

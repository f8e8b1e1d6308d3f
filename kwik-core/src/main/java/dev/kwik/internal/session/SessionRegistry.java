package dev.kwik.internal.session;

/** Where a server puts sessions that completed their handshake. */
public interface SessionRegistry {
    /**
     * Admits a new session.
     *
     * @return null if admitted, else why not (the client is refused with SERVER_BUSY)
     */
    String admit(ServerSession session);

    /** Hands an admitted session to the application (after HELLO_OK is on its way). */
    void publish(ServerSession session);
}

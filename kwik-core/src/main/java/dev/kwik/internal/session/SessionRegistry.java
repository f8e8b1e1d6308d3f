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

    /** This server's identity, secret and limits. */
    ServerContext context();

    /** Remembers a ticket's nonce: 1 new, 0 replayed, -1 cache full. */
    int useTicket(JoinTicket ticket);

    /** The session this server holds under that id (primary or secondary), or null. */
    ServerSession find(byte[] sessionId);

    /**
     * Opens a SECONDARY session bound to a session another server owns, with {@code first} as its first path.
     *
     * @return null if admitted, else why not
     */
    String admitSecondary(ServerSession session);
}

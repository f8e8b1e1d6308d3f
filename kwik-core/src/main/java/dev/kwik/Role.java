package dev.kwik;

/** The part a server plays in a client's session. */
public enum Role {
    /** The server the client dialled: it owns the session and its control plane. */
    PRIMARY,
    /** A server the primary brought in: it writes into the client's streams at offsets it is told. */
    SECONDARY
}

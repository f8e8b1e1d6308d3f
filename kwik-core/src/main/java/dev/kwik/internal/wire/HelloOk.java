package dev.kwik.internal.wire;

/**
 * HELLO_OK, the server's acceptance of a HELLO.
 *
 * @param version   wire version the server chose
 * @param sessionId random 128-bit session id
 * @param pathId    id the server assigned to this path (0 on the primary path)
 * @param role      0 primary, 1 secondary
 * @param params    what the server grants the client
 * @param serverKey opaque and stable per server (equal on every address it binds): how the client knows that two
 *                  paths lead to one server; 1 to {@value #MAX_SERVER_KEY} bytes
 */
public record HelloOk(long version, byte[] sessionId, long pathId, long role, TransportParams params, byte[] serverKey) {
    public static final int SESSION_ID_LENGTH = 16;
    public static final int MAX_SERVER_KEY = 32;
}

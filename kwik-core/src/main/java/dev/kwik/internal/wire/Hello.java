package dev.kwik.internal.wire;

/**
 * HELLO, the first frame on every path's control stream, client to server.
 *
 * @param version     KWIK wire version the client speaks
 * @param credentials opaque bytes for the server's authenticator (empty when none)
 * @param sessionId   the session an added path joins (16 bytes); empty on the first path
 * @param ticket      join ticket for an added path; empty on the first (primary) path
 * @param params      what the client grants the server
 */
public record Hello(long version, byte[] credentials, byte[] sessionId, byte[] ticket, TransportParams params) {
}

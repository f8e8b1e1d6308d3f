package dev.kwik.internal.session;

/**
 * What a server's sessions need from their server: identity and cluster secret (for tickets), limits.
 *
 * @param serverId          this server's id, written into the tickets it mints
 * @param clusterSecret     HMAC key shared by every server of the cluster
 * @param ticketLifetimeMs  how long a minted ticket stays valid
 * @param maxPaths          most paths one session may have alive at once
 * @param maxRawBytes       largest raw relay message
 */
public record ServerContext(String serverId, byte[] clusterSecret, long ticketLifetimeMs, int maxPaths, int maxRawBytes) {
}

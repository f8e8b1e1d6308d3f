package dev.kwik.internal.session;

import dev.kwik.PathPolicy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * What a server's sessions need from their server: identity and cluster secret (for tickets), limits.
 *
 * @param serverId          this server's id, written into the tickets it mints
 * @param clusterSecret     HMAC key shared by every server of the cluster
 * @param ticketLifetimeMs  how long a minted ticket stays valid
 * @param maxPaths          most paths one session may have alive at once
 * @param maxRawBytes       largest raw relay message
 * @param serverKey         what HELLO_OK tells clients about this server (see {@link #of})
 * @param pathPolicy        what the primary does when a client announces its interfaces
 */
public record ServerContext(String serverId, byte[] clusterSecret, long ticketLifetimeMs, int maxPaths, int maxRawBytes,
                            byte[] serverKey, PathPolicy pathPolicy) {
    /**
     * The context of a server with id {@code serverId}. Its server key is the first 8 bytes of SHA-256 of the id:
     * equal on every address the server binds, so a client knows which of its paths lead to one server, without
     * learning the id. Computed once here, not per handshake.
     */
    public static ServerContext of(String serverId, byte[] clusterSecret, long ticketLifetimeMs, int maxPaths, int maxRawBytes,
                                   PathPolicy pathPolicy) {
        try {
            byte[] key = Arrays.copyOf(MessageDigest.getInstance("SHA-256")
                    .digest(serverId.getBytes(StandardCharsets.UTF_8)), 8);
            return new ServerContext(serverId, clusterSecret, ticketLifetimeMs, maxPaths, maxRawBytes, key, pathPolicy);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

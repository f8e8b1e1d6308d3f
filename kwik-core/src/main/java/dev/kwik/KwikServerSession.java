package dev.kwik;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A session as a server holds it. Besides streams, a server sees and manages the session's paths: the
 * primary adds paths (to another of its own addresses, or to a secondary server), removes them, relays raw
 * bytes to the other servers through the client; a secondary writes into the client's streams with
 * {@link #attachStream(long)}.
 */
public interface KwikServerSession extends KwikSession {
    /** Whether this server is the session's primary or a secondary brought in by the primary. */
    Role role();

    /**
     * Asks the client to open a path to {@code address} (primary only); when the client announced interfaces
     * ({@link #clientInterfaces()}), from the one its first path uses (or else the first one up that is not a
     * backup), as {@link #addPath(InetSocketAddress, String)} would. The future completes with the new path
     * once the client reports it joined, or fails with a {@link KwikException} whose code says why, with the
     * client's or the target's reason in its message:
     * <ul>
     *   <li>{@link ErrorCode#TICKET_FORGED}: the target does not share this server's cluster secret;</li>
     *   <li>{@link ErrorCode#TICKET_FOREIGN}, {@link ErrorCode#TICKET_EXPIRED}, {@link ErrorCode#TICKET_REPLAYED}:
     *       the target refused the join ticket (another session, past its lifetime, used before);</li>
     *   <li>{@link ErrorCode#PATH_JOIN_REFUSED}: a path limit (this server's {@code maxPathsPerSession}, the
     *       target's, or the client's 16), an address the client cannot resolve, or another refusal;</li>
     *   <li>{@link ErrorCode#TLS_HANDSHAKE_FAILED}: the client does not trust the target's certificate;</li>
     *   <li>{@link ErrorCode#CONNECT_TIMEOUT}: the client reached no KWIK server there, or did not report within
     *       twice the connect timeout; {@link ErrorCode#CONNECTION_LOST}: the new connection failed;</li>
     *   <li>{@link ErrorCode#NOT_PRIMARY}: this server is a secondary; {@link KwikSessionClosedException}: the
     *       session is closed.</li>
     * </ul>
     */
    CompletableFuture<PathInfo> addPath(InetSocketAddress address);

    /**
     * Asks the client to open a path to {@code address} from its interface {@code clientInterface} (an id it
     * announced, see {@link #clientInterfaces()}); primary only. Fails like {@link #addPath(InetSocketAddress)},
     * and with {@link ErrorCode#INTERFACE_UNKNOWN} (the client has announced no such interface),
     * {@link ErrorCode#INTERFACE_DOWN} (it is down, or the client could not bind to it) or
     * {@link ErrorCode#PATH_JOIN_REFUSED} when a path from that interface to that address is already alive or
     * joining.
     */
    CompletableFuture<PathInfo> addPath(InetSocketAddress address, String clientInterface);

    /**
     * The client's interfaces as it last announced them (empty if it declared none); the primary only learns
     * them. Paths show theirs in {@link PathInfo#clientInterface()}.
     */
    List<ClientInterfaceInfo> clientInterfaces();

    /**
     * Removes a path gracefully (primary only): stops sending on it, waits until what it carried was
     * acknowledged, then has the client close it. The default path can be removed only while another path to
     * this server remains; the default moves there.
     *
     * @return completes when the path is CLOSED; fails with {@link ErrorCode#PATH_NOT_FOUND} (no such live path),
     *         {@link ErrorCode#LAST_PATH} (the last path to this server) or {@link ErrorCode#NOT_PRIMARY}
     */
    CompletableFuture<PathInfo> removePath(long pathId);

    /** Paths that carry traffic now (CONNECTING, ACTIVE or DEGRADED). */
    List<PathInfo> activePaths();

    /** Paths that died (DEAD), oldest first. */
    List<PathInfo> deadPaths();

    /** Every path since the session began, in the order they were created, with their history. */
    List<PathInfo> allPaths();

    /**
     * Sends opaque bytes to the server at the end of the client's path {@code pathId}, through the client
     * (primary → secondary, secondary → primary). At most 64 KiB.
     *
     * @throws KwikException {@link ErrorCode#PATH_NOT_FOUND} for an unknown or dead path (primary),
     *                       {@link ErrorCode#PACKET_TOO_LARGE} above the size limit, or
     *                       {@link KwikSessionClosedException} once the session is closed
     */
    void sendRaw(long pathId, byte[] data);

    /** Waits for the next raw message relayed to this server. */
    RawMessage receiveRaw();

    /** Waits at most {@code timeout} for the next raw message ({@link ErrorCode#TIMEOUT}). */
    RawMessage receiveRaw(Duration timeout);

    /**
     * A writer into the client's stream {@code streamId} (secondary only). Position it with
     * {@link KwikStream#writePosition(long)}; each write lands at that offset in the client's stream. It cannot
     * read, and its {@code close()} only releases it: the primary's FIN sets the stream's final size.
     */
    KwikStream attachStream(long streamId);

    /** Switches the path scheduler of this session while it runs; the next packet uses it. */
    void scheduler(PathScheduler scheduler);

    /**
     * Sets how this server schedules its own sending on one of its paths: {@code weight} for the weighted
     * scheduler (1 to 1000, default 1), and whether the path is a backup, used only when no other path to
     * this server is alive.
     *
     * @throws KwikException {@link ErrorCode#PATH_NOT_FOUND} if {@code pathId} is not a live path to this server
     */
    void pathPreferences(long pathId, int weight, boolean backup);

    /** Registers a listener for this session's path events. */
    void addPathListener(PathListener listener);
}

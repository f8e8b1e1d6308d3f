package dev.kwik;

import java.util.List;

/**
 * Path events of one server session, in the style of OkHttp's {@code EventListener}: each callback runs on
 * the Netty event loop of the session's path that observed the event, so it must be fast, must not block and
 * must not throw (exceptions are logged and ignored). Every method has an empty default.
 */
public interface PathListener {
    /** A listener that does nothing. */
    PathListener NONE = new PathListener() {
    };

    /** A path joined the session (its state is ACTIVE). */
    default void pathAdded(KwikServerSession session, PathInfo path) {
    }

    /**
     * A path changed state: ACTIVE → DEGRADED when it has heard nothing for two heartbeat intervals (its
     * unacknowledged stream data is then also sent on other paths), DEGRADED → ACTIVE when it hears again, and
     * ACTIVE or DEGRADED → DEAD or CLOSED when it ends.
     */
    default void pathStateChanged(KwikServerSession session, PathInfo path, PathState previous) {
    }

    /**
     * A path ended without being removed: it died, or the server at its end went away. For a path to a
     * secondary, {@code missing} lists, for every stream that secondary was writing into, the byte ranges
     * the client still lacks, so the application can write them itself; empty for paths to this server (their
     * unacknowledged data was already re-sent on another path).
     */
    default void pathLost(KwikServerSession session, PathInfo path, List<MissingRange> missing) {
    }

    /** A path was removed on purpose with {@link KwikServerSession#removePath(long)} and is now CLOSED. */
    default void pathRemoved(KwikServerSession session, PathInfo path) {
    }
}

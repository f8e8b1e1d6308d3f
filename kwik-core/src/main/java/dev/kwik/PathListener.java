package dev.kwik;

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

    /** A path changed state, for example ACTIVE → DEAD. */
    default void pathStateChanged(KwikServerSession session, PathInfo path, PathState previous) {
    }

    /** A path was removed on purpose with {@link KwikServerSession#removePath(long)} and is now CLOSED. */
    default void pathRemoved(KwikServerSession session, PathInfo path) {
    }
}

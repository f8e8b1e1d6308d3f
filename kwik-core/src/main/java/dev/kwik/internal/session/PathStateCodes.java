package dev.kwik.internal.session;

/** PATH_STATUS state values on the wire. */
final class PathStateCodes {
    static final long ACTIVE = 1;
    static final long DEGRADED = 2;
    static final long DEAD = 3;
    static final long CLOSED = 4;

    private PathStateCodes() {
    }
}

package dev.kwik;

import java.util.List;

/**
 * A session as a server holds it. Besides streams, a server sees the session's paths: the ones alive now,
 * the ones that died, and every path since the session began.
 */
public interface KwikServerSession extends KwikSession {
    /** Whether this server is the session's primary or a secondary brought in by the primary. */
    Role role();

    /** Paths that carry traffic now (CONNECTING, ACTIVE or DEGRADED). */
    List<PathInfo> activePaths();

    /** Paths that died (DEAD), most recent last. */
    List<PathInfo> deadPaths();

    /** Every path since the session began, in the order they were created, with their history. */
    List<PathInfo> allPaths();
}

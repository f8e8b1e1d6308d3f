package dev.kwik;

import java.util.List;

/**
 * Decides, on the primary server, which paths a session should have: called when its client announces its
 * interfaces (at the start of the session, and each time one goes down or comes back) and when a path joins
 * the session (so that a server added later gets paths from every interface too). Runs on the session's event
 * loop: it must not block ({@link KwikServerSession#addPath} returns a future) and should not throw (what it
 * throws is logged). The built-ins come from {@link PathPolicies}: {@code none} (paths only where the application
 * adds them) and {@code fullmesh} (one path from every client interface that is up to every server of the
 * session).
 */
public interface PathPolicy {
    /**
     * Something changed: the client's {@code interfaces} (all it announced, up or down, as in
     * {@link KwikServerSession#clientInterfaces()}) or {@code session}'s paths, which are in
     * {@link KwikServerSession#activePaths()} with their {@link PathInfo#clientInterface()} and
     * {@link PathInfo#serverAddress()}. Not called for sessions whose client announced no interfaces.
     */
    void update(KwikServerSession session, List<ClientInterfaceInfo> interfaces);
}

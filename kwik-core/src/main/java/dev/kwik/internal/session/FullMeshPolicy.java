package dev.kwik.internal.session;

import dev.kwik.ClientInterfaceInfo;
import dev.kwik.KwikServerSession;
import dev.kwik.PathInfo;
import dev.kwik.PathPolicy;
import dev.kwik.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code fullmesh}: one path from every client interface that is up to every server address the session has a
 * path to. Uses the public API only; {@link KwikServerSession#addPath(InetSocketAddress, String)} refuses a pair
 * that already has a path alive or joining, so overlapping announcements add nothing twice.
 */
public final class FullMeshPolicy implements PathPolicy {
    private static final Logger log = LoggerFactory.getLogger(FullMeshPolicy.class);

    @Override
    public void update(KwikServerSession session, List<ClientInterfaceInfo> interfaces) {
        if (session.role() != Role.PRIMARY) {
            return;
        }
        Set<InetSocketAddress> servers = new LinkedHashSet<>();
        Set<String> covered = new HashSet<>();
        for (PathInfo p : session.activePaths()) {
            InetSocketAddress server = p.serverAddress();
            if (server == null) {
                continue;
            }
            servers.add(server);
            if (p.clientInterface() != null) {
                covered.add(p.clientInterface() + "|" + server);
            }
        }
        for (ClientInterfaceInfo i : interfaces) {
            if (!i.up()) {
                continue;
            }
            for (InetSocketAddress server : servers) {
                if (covered.add(i.id() + "|" + server)) {
                    session.addPath(server, i.id()).whenComplete((info, e) -> {
                        if (e != null) {
                            log.debug("session={} event=fullmesh-add-failed interface={} server={} reason={}",
                                    session.id(), i.id(), server, e.getMessage());
                        }
                    });
                }
            }
        }
    }

    @Override
    public String toString() {
        return "fullmesh";
    }
}

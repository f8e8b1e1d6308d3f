package dev.kwik.spring.autoconfigure.actuate;

import dev.kwik.KwikServer;
import dev.kwik.KwikSession;
import dev.kwik.PathInfo;
import dev.kwik.Role;
import dev.kwik.spring.autoconfigure.KwikClientSession;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kwik} health: UP when every KWIK server is listening and every injectable client session that has
 * dialled still has a live path to its primary server. A lazy session that has not dialled yet does not count
 * against health. Details: each server's addresses and session count, each client session's id and live paths.
 */
public class KwikHealthIndicator extends AbstractHealthIndicator {
    private final List<KwikServer> servers;
    private final List<KwikClientSession> sessions;

    public KwikHealthIndicator(List<KwikServer> servers, List<KwikClientSession> sessions) {
        super("KWIK health check failed");
        this.servers = List.copyOf(servers);
        this.sessions = List.copyOf(sessions);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean up = true;
        for (int i = 0; i < servers.size(); i++) {
            KwikServer s = servers.get(i);
            Map<String, Object> d = new LinkedHashMap<>();
            boolean listening = s.isListening();
            d.put("listening", listening);
            d.put("addresses", s.localAddresses() == null ? List.of()
                    : s.localAddresses().stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
            d.put("sessions", listening ? s.sessions().size() : 0);
            builder.withDetail(servers.size() == 1 ? "server" : "server-" + i, d);
            up &= listening;
        }
        for (int i = 0; i < sessions.size(); i++) {
            KwikClientSession cs = sessions.get(i);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("address", cs.address());
            KwikSession s = cs.current();
            if (s == null) {
                d.put("connected", false);
                d.put("note", "not dialled yet (dials on first use)");
            } else {
                List<PathInfo> paths = s.isOpen() ? cs.client().paths(s) : List.of();
                long livePaths = paths.stream().filter(p -> !p.state().isFinal()).count();
                long primaryPaths = paths.stream().filter(p -> !p.state().isFinal() && p.role() == Role.PRIMARY).count();
                d.put("session", s.id());
                d.put("connected", s.isOpen());
                d.put("livePaths", livePaths);
                d.put("livePrimaryPaths", primaryPaths);
                up &= s.isOpen() && primaryPaths > 0;
            }
            builder.withDetail(sessions.size() == 1 ? "client" : "client-" + i, d);
        }
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }
}

package dev.kwik.spring.autoconfigure.metrics;

import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.PathInfo;
import dev.kwik.PathState;
import dev.kwik.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToDoubleFunction;

/**
 * Publishes KWIK's paths to Micrometer. Every {@code refreshInterval} it reads the path snapshots of every server
 * session and client session ({@link KwikServerSession#allPaths()}, {@link KwikClient#paths(KwikSession)}) and
 * brings these meters up to date:
 * <ul>
 *   <li>{@code kwik.path.bytes.sent}, {@code kwik.path.bytes.received} (bytes), {@code kwik.path.packets.sent},
 *   {@code .received}, {@code .retransmitted}, {@code .lost} (counters); {@code kwik.path.rtt} (seconds, the
 *   largest smoothed RTT), {@code kwik.path.cwnd} (bytes, summed), {@code kwik.path.state} (number of paths in
 *   each state, tag {@code state}) - all tagged {@code side} (client|server), {@code role} (primary|secondary:
 *   on a client the role of the server at the path's end, on a server its own role in the session) and
 *   {@code peer} (on a client the server's host:port; on a server always {@code client}: a client's address
 *   and ephemeral port would make new series per connection, so every tag here is bounded);</li>
 *   <li>{@code kwik.sessions.active} (tag {@code side}), {@code kwik.paths.active} (tags {@code side}, {@code role});</li>
 *   <li>{@code kwik.path.events} (tags {@code side}, {@code role}, {@code event}: added|dead|removed).</li>
 * </ul>
 * Paths with the same tags add up (no session or path id tags: those are unbounded). A tag set's meters are
 * removed from the registry once none of its paths is live or dead in an open session any more; while they
 * exist, counters never go down (a closed path's final counts are kept). On a server, paths that lead to
 * another server of the session (known only from the client's reports) are left to that server's meters.
 * <p>In Prometheus: {@code kwik_path_bytes_sent_total}, {@code kwik_path_bytes_received_total},
 * {@code kwik_path_packets_sent_total}, {@code _received_total}, {@code _retransmitted_total}, {@code _lost_total},
 * {@code kwik_path_rtt_seconds}, {@code kwik_path_cwnd_bytes}, {@code kwik_path_state}, {@code kwik_sessions_active},
 * {@code kwik_paths_active}, {@code kwik_path_events_total}.
 * <p>Thread: one daemon thread {@code kwik-metrics} refreshes; meter reads are lock-free.
 */
public final class KwikMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KwikMetrics.class);
    private static final PathState[] GAUGED_STATES = {PathState.CONNECTING, PathState.ACTIVE, PathState.DEGRADED,
            PathState.DEAD};

    private final MeterRegistry registry;
    private final List<KwikServer> servers;
    private final List<KwikClient> clients;
    private final Duration interval;
    private final Map<Tags, PeerMeters> peers = new HashMap<>();
    /** Per session (side + id): per path id, what the last refresh saw of it. */
    private final Map<String, Map<Long, PathSample>> sessions = new HashMap<>();
    private final Map<String, Counter> events = new HashMap<>();
    private final Map<String, AtomicLong> activePaths = new HashMap<>();
    private volatile long serverSessions;
    private volatile long clientSessions;
    private ScheduledExecutorService timer;

    public KwikMetrics(MeterRegistry registry, List<KwikServer> servers, List<KwikClient> clients, Duration interval) {
        this.registry = registry;
        this.servers = List.copyOf(servers);
        this.clients = List.copyOf(clients);
        this.interval = interval;
        if (!servers.isEmpty()) {
            Gauge.builder("kwik.sessions.active", this, m -> m.serverSessions).tags("side", "server")
                    .description("KWIK sessions open now").register(registry);
        }
        if (!clients.isEmpty()) {
            Gauge.builder("kwik.sessions.active", this, m -> m.clientSessions).tags("side", "client")
                    .description("KWIK sessions open now").register(registry);
        }
        for (String side : sides()) {
            for (Role role : Role.values()) {
                AtomicLong holder = new AtomicLong();
                activePaths.put(side + "/" + role, holder);
                Gauge.builder("kwik.paths.active", holder, AtomicLong::get).tags("side", side, "role", lower(role))
                        .description("Paths that carry traffic now (connecting, active or degraded)")
                        .register(registry);
                for (String event : List.of("added", "dead", "removed")) {
                    events.put(side + "/" + role + "/" + event, Counter.builder("kwik.path.events")
                            .tags("side", side, "role", lower(role), "event", event)
                            .description("Paths added, declared dead, or removed/closed").register(registry));
                }
            }
        }
    }

    private List<String> sides() {
        List<String> s = new ArrayList<>(2);
        if (!servers.isEmpty()) {
            s.add("server");
        }
        if (!clients.isEmpty()) {
            s.add("client");
        }
        return s;
    }

    /** Starts refreshing every interval on a daemon thread. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kwik-metrics");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(this::refreshQuietly, 0, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("event=metrics-refresh-failed error={}", e.toString(), e);
        }
    }

    /** Reads every path now and updates the meters. Called by the timer; tests may call it directly. */
    public synchronized void refresh() {
        Map<String, List<Observed>> seen = new HashMap<>();
        long serverCount = 0;
        for (KwikServer server : servers) {
            for (KwikServerSession s : server.sessions()) {
                serverCount++;
                List<Observed> paths = new ArrayList<>();
                for (PathInfo p : s.allPaths()) {
                    if (p.role() == s.role()) {
                        paths.add(new Observed(serverTags(s.role(), p.clientInterface()), p, s.role()));
                    }
                }
                seen.put("server/" + s.id(), paths);
            }
        }
        long clientCount = 0;
        for (KwikClient client : clients) {
            for (KwikSession s : client.sessions()) {
                List<PathInfo> infos;
                try {
                    infos = client.paths(s);
                } catch (IllegalArgumentException ended) {
                    continue;
                }
                clientCount++;
                List<Observed> paths = new ArrayList<>();
                for (PathInfo p : infos) {
                    paths.add(new Observed(clientTags(p.role(), p.remoteAddress(), p.clientInterface()), p, p.role()));
                }
                seen.put("client/" + s.id(), paths);
            }
        }
        serverSessions = serverCount;
        clientSessions = clientCount;

        Map<String, Long> active = new HashMap<>();
        Map<Tags, Totals> totals = new HashMap<>();
        for (Map.Entry<String, List<Observed>> e : seen.entrySet()) {
            String side = e.getKey().substring(0, e.getKey().indexOf('/'));
            Map<Long, PathSample> known = sessions.computeIfAbsent(e.getKey(), k -> new HashMap<>());
            for (Observed o : e.getValue()) {
                PathSample prev = known.get(o.info.pathId());
                if (prev != null && prev.retired) {
                    continue;
                }
                PathState state = o.info.state();
                if (prev == null) {
                    event(side, o.role, "added");
                }
                if (state == PathState.DEAD && (prev == null || prev.info.state() != PathState.DEAD)) {
                    event(side, o.role, "dead");
                }
                PathSample now = new PathSample(o.tags, o.role, o.info);
                known.put(o.info.pathId(), now);
                if (state == PathState.CLOSED) {
                    event(side, o.role, "removed");
                    retire(now);
                    continue;
                }
                if (state != PathState.DEAD) {
                    active.merge(side + "/" + o.role, 1L, Long::sum);
                }
                totals.computeIfAbsent(o.tags, t -> new Totals()).add(o.info);
            }
        }
        // Sessions that ended since the last refresh: their paths are gone, keep their final counts.
        for (var it = sessions.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!seen.containsKey(e.getKey())) {
                String side = e.getKey().substring(0, e.getKey().indexOf('/'));
                for (PathSample s : e.getValue().values()) {
                    if (!s.retired) {
                        event(side, s.role, "removed");
                        retire(s);
                    }
                }
                it.remove();
            }
        }
        activePaths.forEach((k, v) -> v.set(active.getOrDefault(k, 0L)));
        for (Map.Entry<Tags, Totals> e : totals.entrySet()) {
            PeerMeters m = peers.computeIfAbsent(e.getKey(), t -> new PeerMeters(t, registry));
            m.update(e.getValue());
        }
        for (var it = peers.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!totals.containsKey(e.getKey())) {
                e.getValue().remove(registry);
                it.remove();
            }
        }
    }

    private void retire(PathSample s) {
        s.retired = true;
        PeerMeters m = peers.get(s.tags);
        if (m != null) {
            m.retired.add(s.info);
        }
    }

    private void event(String side, Role role, String event) {
        Counter c = events.get(side + "/" + role + "/" + event);
        if (c != null) {
            c.increment();
        }
    }

    /**
     * A client's path: the server it leads to (as many values as servers the client talks to) and the client
     * interface it leaves from (the client's own ids, at most 16; {@code none} without interfaces).
     */
    private static Tags clientTags(Role role, InetSocketAddress server, String clientInterface) {
        return Tags.of("side", "client", "role", lower(role), "peer", server.getHostString() + ":" + server.getPort(),
                "interface", clientInterface == null ? NO_INTERFACE : clientInterface);
    }

    /**
     * A server's path: never the client's address, whose ephemeral port would make new series with every
     * connection; all clients add up under {@code peer="client"} (the key stays, so both sides share one shape).
     * The client interface is the client's choice of id: the first {@link #MAX_SERVER_INTERFACE_TAGS} distinct
     * ids this server sees are tags, later ones add up under {@code other}, so clients cannot make series without
     * bound.
     */
    private Tags serverTags(Role role, String clientInterface) {
        String tag = NO_INTERFACE;
        if (clientInterface != null) {
            if (serverInterfaceTags.contains(clientInterface) || serverInterfaceTags.size() < MAX_SERVER_INTERFACE_TAGS) {
                serverInterfaceTags.add(clientInterface);
                tag = clientInterface;
            } else {
                tag = "other";
            }
        }
        return Tags.of("side", "server", "role", lower(role), "peer", "client", "interface", tag);
    }

    private static final String NO_INTERFACE = "none";
    /** Distinct client interface ids a server's meters tag before the rest add up as {@code other}. */
    static final int MAX_SERVER_INTERFACE_TAGS = 16;
    private final Set<String> serverInterfaceTags = new HashSet<>();

    private static String lower(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }

    /** Number of tag sets with meters now (for tests and diagnostics). */
    public synchronized int peerCount() {
        return peers.size();
    }

    private record Observed(Tags tags, PathInfo info, Role role) {
    }

    private static final class PathSample {
        final Tags tags;
        final Role role;
        final PathInfo info;
        boolean retired;

        PathSample(Tags tags, Role role, PathInfo info) {
            this.tags = tags;
            this.role = role;
            this.info = info;
        }
    }

    /** Sums over the paths of one tag set. */
    private static final class Totals {
        long bytesSent;
        long bytesReceived;
        long packetsSent;
        long packetsReceived;
        long retransmitted;
        long lost;
        long cwnd;
        double rtt;
        final EnumMap<PathState, Integer> states = new EnumMap<>(PathState.class);

        void add(PathInfo p) {
            PathState state = p.state();
            bytesSent += p.bytesSent();
            bytesReceived += p.bytesReceived();
            packetsSent += p.packetsSent();
            packetsReceived += p.packetsReceived();
            retransmitted += p.packetsRetransmitted();
            lost += p.packetsLost();
            if (!state.isFinal()) {
                cwnd += p.congestionWindow();
                if (p.smoothedRtt() != null) {
                    rtt = Math.max(rtt, p.smoothedRtt().toNanos() / 1e9);
                }
            }
            states.merge(state, 1, Integer::sum);
        }
    }

    /** The meters of one tag set; values are written by the refresh thread and read by the registry. */
    private static final class PeerMeters {
        final Totals retired = new Totals();
        final List<Meter> meters = new ArrayList<>();
        volatile long bytesSent;
        volatile long bytesReceived;
        volatile long packetsSent;
        volatile long packetsReceived;
        volatile long retransmitted;
        volatile long lost;
        volatile long cwnd;
        volatile double rtt;
        final AtomicLongArray states = new AtomicLongArray(PathState.values().length);

        PeerMeters(Tags tags, MeterRegistry r) {
            counter(r, tags, "kwik.path.bytes.sent", "bytes", "KWIK packet bytes sent on the path", m -> m.bytesSent);
            counter(r, tags, "kwik.path.bytes.received", "bytes", "KWIK packet bytes received on the path",
                    m -> m.bytesReceived);
            counter(r, tags, "kwik.path.packets.sent", "packets", "KWIK packets sent", m -> m.packetsSent);
            counter(r, tags, "kwik.path.packets.received", "packets", "KWIK packets received",
                    m -> m.packetsReceived);
            counter(r, tags, "kwik.path.packets.retransmitted", "packets",
                    "QUIC packets retransmitted by the path's loss recovery", m -> m.retransmitted);
            counter(r, tags, "kwik.path.packets.lost", "packets", "QUIC packets the path's loss recovery declared lost",
                    m -> m.lost);
            meters.add(Gauge.builder("kwik.path.rtt", this, m -> m.rtt).tags(tags).baseUnit("seconds")
                    .description("Smoothed round-trip time of the path's heartbeat").register(r));
            meters.add(Gauge.builder("kwik.path.cwnd", this, m -> m.cwnd).tags(tags).baseUnit("bytes")
                    .description("QUIC congestion window of the path").register(r));
            for (PathState s : GAUGED_STATES) {
                int i = s.ordinal();
                meters.add(Gauge.builder("kwik.path.state", this, m -> m.states.get(i))
                        .tags(tags.and("state", s.name().toLowerCase(Locale.ROOT)))
                        .description("Paths in this state").register(r));
            }
        }

        private void counter(MeterRegistry r, Tags tags, String name, String unit, String description,
                             ToDoubleFunction<PeerMeters> f) {
            // The unit is in the name already (kwik.path.bytes.sent): no base unit, so Prometheus shows
            // kwik_path_bytes_sent_total rather than kwik_path_bytes_sent_bytes_total.
            meters.add(FunctionCounter.builder(name, this, f).tags(tags).description(description + " (" + unit + ")")
                    .register(r));
        }

        void update(Totals live) {
            bytesSent = retired.bytesSent + live.bytesSent;
            bytesReceived = retired.bytesReceived + live.bytesReceived;
            packetsSent = retired.packetsSent + live.packetsSent;
            packetsReceived = retired.packetsReceived + live.packetsReceived;
            retransmitted = retired.retransmitted + live.retransmitted;
            lost = retired.lost + live.lost;
            cwnd = live.cwnd;
            rtt = live.rtt;
            for (PathState s : PathState.values()) {
                states.set(s.ordinal(), live.states.getOrDefault(s, 0));
            }
        }

        void remove(MeterRegistry r) {
            for (Meter m : meters) {
                r.remove(m);
            }
        }
    }
}

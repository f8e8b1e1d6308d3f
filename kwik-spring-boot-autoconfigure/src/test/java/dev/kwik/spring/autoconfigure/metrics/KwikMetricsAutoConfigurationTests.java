package dev.kwik.spring.autoconfigure.metrics;

import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.spring.autoconfigure.Awaits;
import dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikSessionHandler;
import dev.kwik.spring.autoconfigure.TestCertificates;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class KwikMetricsAutoConfigurationTests {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KwikServerAutoConfiguration.class,
                    KwikClientAutoConfiguration.class, KwikMetricsAutoConfiguration.class))
            .withPropertyValues("kwik.server.enabled=true", "kwik.server.address=127.0.0.1", "kwik.server.port=0",
                    "kwik.server.ssl.certificate=" + TestCertificates.certificateLocation(),
                    "kwik.server.ssl.private-key=" + TestCertificates.privateKeyLocation(),
                    "kwik.client.ssl.trust-certificate=" + TestCertificates.certificateLocation(),
                    "kwik.paths.heartbeat-interval=50ms", "kwik.metrics.refresh-interval=1h");

    private final ApplicationContextRunner withRegistry = runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void noMetricsWithoutARegistry() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(KwikMetrics.class));
    }

    @Test
    void metricsCanBeTurnedOff() {
        withRegistry.withPropertyValues("kwik.metrics.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(KwikMetrics.class));
    }

    @Test
    void backsOffWithoutMicrometer() {
        withRegistry.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(KwikMetrics.class));
    }

    @Test
    void userDefinedMetricsWin() {
        withRegistry.withBean(KwikMetrics.class, () -> new KwikMetrics(new SimpleMeterRegistry(), List.of(), List.of(),
                Duration.ofHours(1))).run(ctx -> assertThat(ctx).hasSingleBean(KwikMetrics.class)
                .getBean(KwikMetrics.class).satisfies(m -> assertThat(ctx.getBean(MeterRegistry.class)
                        .find("kwik.sessions.active").gauges()).isEmpty()));
    }

    @Test
    void perPathMetersFollowTheTrafficAndGoAwayWithThePath() {
        List<KwikServerSession> accepted = new CopyOnWriteArrayList<>();
        withRegistry.withBean(KwikSessionHandler.class, () -> accepted::add).run(ctx -> {
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            KwikMetrics metrics = ctx.getBean(KwikMetrics.class);
            KwikServer server = ctx.getBean(KwikServer.class);
            int port = server.localAddress().getPort();
            KwikSession session = ctx.getBean(dev.kwik.KwikClient.class).dial("localhost:" + port);
            KwikStream s = session.openStream();
            s.write(new byte[100_000]);
            Awaits.until(() -> !accepted.isEmpty());
            accepted.get(0).acceptStream(Duration.ofSeconds(5)).readMessage(Duration.ofSeconds(5));
            Awaits.until(() -> server.sessions().get(0).activePaths().get(0).congestionWindow() > 0);
            metrics.refresh();

            String peer = "127.0.0.1:" + port;
            Search client = registry.find("kwik.path.bytes.sent").tags("side", "client", "role", "primary", "peer", peer);
            assertThat(client.functionCounter()).isNotNull();
            assertThat(client.functionCounter().count()).isGreaterThan(100_000);
            Search server1 = registry.find("kwik.path.bytes.received").tags("side", "server", "role", "primary");
            assertThat(server1.functionCounter().count()).isGreaterThan(100_000);
            assertThat(server1.functionCounter().getId().getTag("peer")).isEqualTo("client");
            assertThat(registry.find("kwik.path.cwnd").tags("side", "server", "role", "primary").gauge().value()).isPositive();
            assertThat(registry.find("kwik.path.rtt").tags("side", "client", "peer", peer).gauge()).isNotNull();
            assertThat(registry.find("kwik.path.packets.retransmitted").tags("side", "server", "role", "primary").functionCounter()).isNotNull();
            assertThat(registry.find("kwik.path.state").tags("side", "client", "state", "active").gauge().value()).isEqualTo(1);
            assertThat(registry.find("kwik.sessions.active").tags("side", "server").gauge().value()).isEqualTo(1);
            assertThat(registry.find("kwik.paths.active").tags("side", "client", "role", "primary").gauge().value()).isEqualTo(1);
            assertThat(registry.find("kwik.path.events").tags("side", "client", "role", "primary", "event", "added").counter().count()).isEqualTo(1);
            assertThat(registry.find("kwik.path.bytes.sent").meters()).allSatisfy(m -> assertThat(m.getId().getTags())
                    .extracting(t -> t.getKey()).containsExactlyInAnyOrder("side", "role", "peer", "interface"));
            assertThat(client.functionCounter().getId().getTag("interface")).isEqualTo("none");

            session.close();
            Awaits.until(() -> server.sessions().isEmpty());
            metrics.refresh();
            assertThat(registry.find("kwik.path.bytes.sent").meters()).isEmpty();
            assertThat(registry.find("kwik.path.state").meters()).isEmpty();
            assertThat(metrics.peerCount()).isZero();
            assertThat(registry.find("kwik.path.events").tags("side", "client", "role", "primary", "event", "removed").counter().count()).isEqualTo(1);
            assertThat(registry.find("kwik.path.events").tags("side", "server", "role", "primary", "event", "removed").counter().count()).isEqualTo(1);
            assertThat(registry.find("kwik.sessions.active").tags("side", "client").gauge().value()).isZero();
        });
    }

    @Test
    void theNumberOfSeriesDoesNotGrowWithTheNumberOfClients() {
        withRegistry.withBean(KwikSessionHandler.class, () -> session -> { }).run(ctx -> {
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            KwikMetrics metrics = ctx.getBean(KwikMetrics.class);
            KwikServer server = ctx.getBean(KwikServer.class);
            String address = "localhost:" + server.localAddress().getPort();
            dev.kwik.KwikClient client = ctx.getBean(dev.kwik.KwikClient.class);
            List<KwikSession> sessions = new java.util.ArrayList<>();
            try {
                sessions.add(client.dial(address));
                Awaits.until(() -> server.sessions().size() == 1);
                metrics.refresh();
                long one = kwikSeries(registry);
                java.util.Set<Integer> clientPorts = new java.util.HashSet<>();
                for (int i = 1; i < 50; i++) {
                    sessions.add(client.dial(address));
                }
                Awaits.until(() -> server.sessions().size() == 50);
                for (KwikServerSession s : server.sessions()) {
                    clientPorts.add(s.activePaths().get(0).remoteAddress().getPort());
                }
                metrics.refresh();
                assertThat(clientPorts).as("50 clients, each from its own port").hasSize(50);
                assertThat(kwikSeries(registry)).as("kwik.* series with 1 client and with 50").isEqualTo(one);
            } finally {
                sessions.forEach(KwikSession::close);
            }
        });
    }

    @Test
    void aServerTagsAtMostSixteenClientInterfaceIdsAndCountsTheRestAsOther() {
        withRegistry.withBean(KwikSessionHandler.class, () -> session -> { }).run(ctx -> {
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            KwikMetrics metrics = ctx.getBean(KwikMetrics.class);
            KwikServer server = ctx.getBean(KwikServer.class);
            String address = "localhost:" + server.localAddress().getPort();
            int clients = KwikMetrics.MAX_SERVER_INTERFACE_TAGS + 4;
            List<dev.kwik.KwikClient> made = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    // Each client names its one interface differently, as a hostile or careless fleet might.
                    dev.kwik.KwikClient c = dev.kwik.KwikClient.builder().trustAll().interfaces(dev.kwik.ClientInterface.ofAddress(
                            "link" + i, java.net.InetAddress.getByName("127.0.0.1"))).build();
                    made.add(c);
                    c.dial(address);
                }
                Awaits.until(() -> server.sessions().size() == clients
                        && server.sessions().stream().allMatch(s -> s.activePaths().get(0).clientInterface() != null));
                metrics.refresh();
                java.util.Set<String> tags = new java.util.HashSet<>();
                registry.find("kwik.path.bytes.received").tags("side", "server").meters()
                        .forEach(m -> tags.add(m.getId().getTag("interface")));
                assertThat(tags).hasSize(KwikMetrics.MAX_SERVER_INTERFACE_TAGS + 1).contains("other");
            } finally {
                made.forEach(dev.kwik.KwikClient::close);
            }
        });
    }

    private static long kwikSeries(MeterRegistry registry) {
        return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("kwik.")).count();
    }
}

package dev.kwik.spring.autoconfigure;

import com.jayway.jsonpath.JsonPath;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole starter in one application: a KWIK server (the primary) and a client session to it, auto-configured,
 * with actuator over HTTP and Prometheus; a second KWIK server of the same cluster (a secondary) runs beside it.
 * Real QUIC, real TLS, real HTTP.
 */
@SpringBootTest(classes = KwikStarterIntegrationTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"kwik.server.enabled=true", "kwik.server.address=127.0.0.1", "kwik.server.server-id=primary",
                "kwik.server.cluster-secret=integration-test-cluster-secret",
                "kwik.paths.heartbeat-interval=50ms", "kwik.metrics.refresh-interval=100ms",
                "kwik.client.connect-timeout=1s",
                "management.endpoints.web.exposure.include=health,kwikpaths,prometheus",
                "management.endpoint.health.show-details=always"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KwikStarterIntegrationTests {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int KWIK_PORT = freeUdpPort();
    private static final KwikServer SECONDARY = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
            .certificate(TestCertificates.certificate(), TestCertificates.privateKey()).serverId("secondary")
            .clusterSecret("integration-test-cluster-secret".getBytes(StandardCharsets.UTF_8)).build().start();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int httpPort;

    @Autowired
    KwikSession session;

    @Autowired
    KwikServer server;

    @DynamicPropertySource
    static void kwik(DynamicPropertyRegistry r) {
        r.add("kwik.server.port", () -> KWIK_PORT);
        r.add("kwik.server.ssl.certificate", TestCertificates::certificateLocation);
        r.add("kwik.server.ssl.private-key", TestCertificates::privateKeyLocation);
        r.add("kwik.client.address", () -> "localhost:" + KWIK_PORT);
        r.add("kwik.client.ssl.trust-certificate", TestCertificates::certificateLocation);
    }

    @AfterAll
    static void stopSecondary() {
        SECONDARY.close();
    }

    private static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        KwikSessionHandler echo() {
            return session -> {
                while (true) {
                    KwikStream s = session.acceptStream();
                    byte[] m = s.readMessage(T);
                    if (m == null) {
                        return;
                    }
                    s.write(m);
                }
            };
        }
    }

    private HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(T);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private KwikServerSession serverSession() {
        Awaits.until(() -> !server.sessions().isEmpty());
        return server.sessions().get(0);
    }

    @Test
    @Order(1)
    void injectedSessionEchoesThroughTheAutoConfiguredServer() {
        KwikStream s = session.openStream();
        s.write("hello kwik".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(s.readMessage(T), StandardCharsets.UTF_8)).isEqualTo("hello kwik");
    }

    @Test
    @Order(2)
    void actuatorListsAddsAndRemovesPaths() throws Exception {
        String id = session.id();
        HttpResponse<String> list = http("GET", "/actuator/kwikpaths", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(list.body(), "$.server[*].id")).containsExactly(id);
        assertThat(JsonPath.<List<String>>read(list.body(), "$.client[*].id")).containsExactly(id);
        assertThat(JsonPath.<List<String>>read(list.body(), "$.server[0].paths[*].state")).containsExactly("ACTIVE");
        assertThat(JsonPath.<String>read(list.body(), "$.server[0].role")).isEqualTo("primary");

        String secondary = "localhost:" + SECONDARY.localAddress().getPort();
        HttpResponse<String> added = http("POST", "/actuator/kwikpaths/" + id, "{\"address\":\"" + secondary + "\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(JsonPath.<String>read(added.body(), "$.role")).isEqualTo("secondary");
        assertThat(JsonPath.<String>read(added.body(), "$.state")).isEqualTo("ACTIVE");
        int pathId = JsonPath.read(added.body(), "$.id");
        assertThat(JsonPath.<Object>read(added.body(), "$.closedAt")).as("documented shape: null fields included").isNull();
        assertThat(JsonPath.<Object>read(added.body(), "$.closeReason")).isNull();
        assertThat(added.body()).contains("\"clientInterface\":null");

        HttpResponse<String> one = http("GET", "/actuator/kwikpaths/" + id, null);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<Integer>>read(one.body(), "$.active[*].id")).containsExactly(0, pathId);
        assertThat(JsonPath.<List<Object>>read(one.body(), "$.dead")).isEmpty();
        assertThat(JsonPath.<List<String>>read(one.body(), "$.active[*].address")).contains("localhost:"
                + SECONDARY.localAddress().getPort());

        HttpResponse<String> removed = http("DELETE", "/actuator/kwikpaths/" + id + "/" + pathId, null);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(removed.body(), "$.state")).isEqualTo("CLOSED");
        assertThat(serverSession().activePaths()).hasSize(1);

        HttpResponse<String> unknown = http("GET", "/actuator/kwikpaths/ffff", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JsonPath.<String>read(unknown.body(), "$.message")).isEqualTo("no KWIK session ffff");
        HttpResponse<String> unknownPath = http("DELETE", "/actuator/kwikpaths/" + id + "/42", null);
        assertThat(unknownPath.statusCode()).isEqualTo(404);
        for (String body : new String[] {"", "{}"}) {
            HttpResponse<String> empty = http("POST", "/actuator/kwikpaths/" + id, body);
            assertThat(empty.statusCode()).as("body '%s': %s", body, empty.body()).isEqualTo(400);
            assertThat(JsonPath.<String>read(empty.body(), "$.code")).isEqualTo("BAD_REQUEST");
            assertThat(JsonPath.<String>read(empty.body(), "$.message")).contains("address");
        }
        HttpResponse<String> refused = http("POST", "/actuator/kwikpaths/" + id, "{\"address\":\"localhost:1\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(JsonPath.<String>read(refused.body(), "$.code")).isIn("PATH_JOIN_REFUSED", "CONNECT_TIMEOUT");
        // This client announced no interfaces: naming one is refused with KWIK's code.
        HttpResponse<String> noSuch = http("POST", "/actuator/kwikpaths/" + id,
                "{\"address\":\"localhost:" + KWIK_PORT + "\",\"clientInterface\":\"lte\"}");
        assertThat(noSuch.statusCode()).as(noSuch.body()).isEqualTo(409);
        assertThat(JsonPath.<String>read(noSuch.body(), "$.code")).isEqualTo("INTERFACE_UNKNOWN");
    }

    @Test
    @Order(3)
    void prometheusShowsPerPathSeriesWithTheDocumentedNamesAndTags() throws Exception {
        KwikStream s = session.openStream();
        s.write(new byte[50_000]);
        assertThat(s.readMessage(T)).hasSize(50_000);
        String peer = "127.0.0.1:" + KWIK_PORT;
        Awaits.until(() -> scrape().contains("kwik_path_bytes_sent_total{interface=\"none\",peer=\"" + peer + "\",role=\"primary\",side=\"client\"}"));
        String text = scrape();
        for (String series : List.of("kwik_path_bytes_received_total", "kwik_path_packets_sent_total",
                "kwik_path_packets_received_total", "kwik_path_packets_retransmitted_total", "kwik_path_packets_lost_total",
                "kwik_path_rtt_seconds", "kwik_path_cwnd_bytes")) {
            assertThat(text).contains(series + "{interface=\"none\",peer=\"" + peer + "\",role=\"primary\",side=\"client\"}");
            assertThat(text).contains(series + "{interface=\"none\",peer=\"client\",role=\"primary\",side=\"server\"}");
        }
        assertThat(text).contains("kwik_path_state{interface=\"none\",peer=\"" + peer + "\",role=\"primary\",side=\"client\",state=\"active\"} 1.0");
        assertThat(text).contains("kwik_sessions_active{side=\"server\"} 1.0", "kwik_sessions_active{side=\"client\"} 1.0");
        assertThat(text).contains("kwik_paths_active{role=\"primary\",side=\"server\"} 1.0");
        assertThat(text).contains("kwik_path_events_total{event=\"added\",role=\"primary\",side=\"client\"}");
        assertThat(text).doesNotContain(session.id());
        // The secondary's path was removed in the previous test: its meters went with it.
        assertThat(text).doesNotContainPattern("kwik_path_bytes_sent_total\\{interface=\"[^\"]+\",peer=\"[^\"]+\",role=\"secondary\"");
        assertThat(text).contains("kwik_path_events_total{event=\"removed\",role=\"secondary\",side=\"client\"} 1.0");
    }

    private String scrape() {
        try {
            HttpResponse<String> r = http("GET", "/actuator/prometheus", null);
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(4)
    void healthIsUpThenDownOnceTheServerStops(@Autowired KwikServerLifecycle lifecycle) throws Exception {
        HttpResponse<String> up = http("GET", "/actuator/health", null);
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(up.body(), "$.components.kwik.status")).isEqualTo("UP");
        assertThat(JsonPath.<Boolean>read(up.body(), "$.components.kwik.details.server.listening")).isTrue();
        assertThat(JsonPath.<Integer>read(up.body(), "$.components.kwik.details.client.livePrimaryPaths")).isEqualTo(1);

        lifecycle.stop();
        HttpResponse<String> down = http("GET", "/actuator/health", null);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(JsonPath.<String>read(down.body(), "$.components.kwik.status")).isEqualTo("DOWN");
        Map<String, Object> server = JsonPath.read(down.body(), "$.components.kwik.details.server");
        assertThat(server).containsEntry("listening", false);
    }
}

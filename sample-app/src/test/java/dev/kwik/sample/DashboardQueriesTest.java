package dev.kwik.sample;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo, a real Prometheus with {@code monitoring/prometheus.yml} (targets moved to this test's ports), and
 * every PromQL expression of the Grafana dashboard evaluated through Prometheus's HTTP API: each must succeed and
 * return series. Also {@code promtool check config} and {@code promtool check metrics} on each role's scrape.
 * Needs Debian's {@code prometheus} package ({@code .ci/run} installs it); skipped with a message without it,
 * except under CI, where it fails.
 */
class DashboardQueriesTest {
    private static final Path MONITORING = Path.of("monitoring").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int PROMETHEUS = DemoRun.freeTcpPort();

    @TempDir
    static Path tmp;
    private static DemoRun demo;
    private static Process prometheus;

    @BeforeAll
    static void startDemoAndPrometheus() throws Exception {
        boolean installed = new File("/usr/bin/prometheus").canExecute() && new File("/usr/bin/promtool").canExecute();
        if (System.getenv("CI") != null) {
            assertThat(installed).as("CI needs Debian's prometheus package (.ci/run installs it)").isTrue();
        }
        assumeTrue(installed, "prometheus/promtool not installed (apt-get install prometheus); skipping the dashboard test");

        assertThat(run(List.of("promtool", "check", "config", MONITORING.resolve("prometheus.yml").toString()), null))
                .as("promtool check config").isZero();
        // Prometheus first, scraping the demo's ports before the demo listens; the client then waits 4 s before
        // asking for the file, so that Prometheus scrapes every meter at zero before the transfer moves it
        // (an increase() cannot see a counter that first appears already counted).
        demo = new DemoRun(tmp);
        String config = Files.readString(MONITORING.resolve("prometheus.yml"))
                .replace("localhost:8080", "127.0.0.1:" + demo.clientHttp)
                .replace("localhost:8081", "127.0.0.1:" + demo.primaryHttp)
                .replace("localhost:8082", "127.0.0.1:" + demo.secondaryHttp);
        Path cfg = tmp.resolve("prometheus.yml");
        Files.writeString(cfg, config);
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + tmp.resolve("data"),
                "--web.listen-address=127.0.0.1:" + PROMETHEUS).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        waitFor(DashboardQueriesTest::prometheusReady, 30, "Prometheus ready");
        demo.start("--demo.size=16MB", "--demo.start-delay=4s");
        assertThat(demo.result()).as("transfer digest").isTrue();
        assertThat(scalar("count(min_over_time(kwik_path_events_total{event=\"added\",side=\"client\"}[5m]) == 0)"))
                .as("Prometheus scraped the event counters at zero before the transfer (else increase() sees nothing)")
                .isPositive();
        // Enough scrapes after the transfer for rates and increases to have points on both sides of it.
        waitFor(() -> scalar("count(count_over_time(kwik_path_bytes_received_total{side=\"client\"}[2m]) > 8)") >= 2,
                60, "8 scrapes of both client paths");
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    @Test
    void everyDashboardQueryReturnsSeries() throws Exception {
        String dashboard = Files.readString(MONITORING.resolve("grafana/dashboards/kwik-dashboard.json"));
        List<String> exprs = new ArrayList<>(JsonPath.read(dashboard, "$.panels[*].targets[*].expr"));
        exprs.addAll(JsonPath.read(dashboard, "$.annotations.list[?(@.expr)].expr"));
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(10);
        List<String> failures = new ArrayList<>();
        for (String expr : exprs) {
            String q = expr.replace("$__rate_interval", "1m").replace("$__interval", "15s")
                    .replace("$instance", ".*").replace("$peer", ".*").replace("$role", ".*");
            HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
            String status = JsonPath.read(r.body(), "$.status");
            List<Object> result = "success".equals(status) ? JsonPath.read(r.body(), "$.data.result") : List.of();
            if (!"success".equals(status) || result.isEmpty()) {
                failures.add(q + " -> " + r.body());
            }
        }
        assertThat(failures).as("queries that failed or returned no series").isEmpty();
    }

    @Test
    void everyDashboardVariableHasValues() throws Exception {
        String dashboard = Files.readString(MONITORING.resolve("grafana/dashboards/kwik-dashboard.json"));
        List<String> queries = JsonPath.read(dashboard, "$.templating.list[?(@.type == 'query')].definition");
        assertThat(queries).hasSize(3);
        Pattern labelValues = Pattern.compile("label_values\\((\\w+), *(\\w+)\\)");
        for (String q : queries) {
            Matcher m = labelValues.matcher(q);
            assertThat(m.matches()).as(q).isTrue();
            HttpResponse<String> r = get("/api/v1/label/" + m.group(2) + "/values?match[]="
                    + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8));
            assertThat(JsonPath.<List<String>>read(r.body(), "$.data")).as(q).isNotEmpty();
        }
        assertThat(JsonPath.<List<String>>read(dashboard, "$.templating.list[?(@.type == 'datasource')].query"))
                .containsExactly("prometheus");
        assertThat(dashboard).doesNotContain("\"uid\": \"prometheus\"").contains("${datasource}");
    }

    @Test
    void scrapesPassPromtoolCheckMetrics() throws Exception {
        for (int port : new int[]{demo.clientHttp, demo.primaryHttp, demo.secondaryHttp}) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            // KWIK's families must pass promtool's lint without a finding. Spring Boot's and Micrometer's own
            // meters (jvm_compilation_time_ms, http_server_requests without HELP...) draw lint findings that are
            // not ours; they are printed, not failed on.
            Path all = tmp.resolve("scrape-" + port + ".txt");
            Files.writeString(all, r.body());
            run(List.of("promtool", "check", "metrics"), all);
            String kwik = r.body().lines().filter(l -> l.startsWith("kwik_") || l.startsWith("# HELP kwik_")
                    || l.startsWith("# TYPE kwik_")).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
            assertThat(kwik).contains("# TYPE kwik_path_bytes_received_total counter");
            Path ours = tmp.resolve("scrape-kwik-" + port + ".txt");
            Files.writeString(ours, kwik);
            assertThat(run(List.of("promtool", "check", "metrics"), ours))
                    .as("promtool check metrics on the kwik_* families of port " + port).isZero();
        }
    }

    @Test
    void primaryKnowsBothPathsThroughActuator() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.primaryHttp
                + "/actuator/kwikpaths")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JsonPath.<List<String>>read(r.body(), "$.server[0].paths[*].role"))
                .containsExactly("primary", "secondary");
    }

    private static boolean prometheusReady() {
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (java.io.UncheckedIOException notListeningYet) {
            return false;
        }
    }

    private static double scalar(String promql) {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        List<Map<String, Object>> result = JsonPath.read(r.body(), "$.data.result");
        if (result.isEmpty()) {
            return 0;
        }
        List<?> value = (List<?>) result.get(0).get("value");
        return Double.parseDouble(String.valueOf(value.get(1)));
    }

    private static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PROMETHEUS + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int run(List<String> command, Path stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            System.out.println(String.join(" ", command) + " printed:\n" + out);
        }
        return rc;
    }

    private static void waitFor(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(200);
        }
    }
}

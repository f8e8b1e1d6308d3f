package dev.kwik.sample;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo end to end in one JVM: real QUIC, real TLS, the starter's beans, two servers writing one stream. */
class FileTransferDemoTest {

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void realFileArrivesIntactFromBothServers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("input.bin");
        byte[] content = new byte[5_000_000 + 123];
        new java.util.Random(42).nextBytes(content);
        Files.write(file, content);
        try (DemoRun demo = new DemoRun(dir).start("--demo.file=" + file, "--demo.chunk=64KB")) {
            assertThat(demo.result()).isTrue();
            assertThat(sha256(demo.output)).isEqualTo(sha256(file));
            HttpResponse<String> paths = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + demo.clientHttp + "/actuator/kwikpaths")).build(),
                    HttpResponse.BodyHandlers.ofString());
            List<String> roles = JsonPath.read(paths.body(), "$.client[0].paths[*].role");
            assertThat(roles).containsExactly("primary", "secondary");
            List<Integer> received = JsonPath.read(paths.body(), "$.client[0].paths[*].bytesReceived");
            assertThat(received).allSatisfy(b -> assertThat(b).as("each server carried part of the file")
                    .isGreaterThan(2_000_000));
        }
    }

    @Test
    void killingTheSecondaryMidTransferLosesNothing(@TempDir Path dir) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true));
        try (DemoRun demo = new DemoRun(dir).start("--demo.size=24MB", "--demo.chunk=128KB",
                "--demo.kill-secondary-after=25%")) {
            assertThat(demo.result()).as("digest after the secondary was stopped").isTrue();
            assertThat(demo.contexts.get(0).isActive()).as("the secondary's context was stopped").isFalse();
            assertThat(Files.size(demo.output)).isEqualTo(24L << 20);
        } finally {
            System.setOut(stdout);
        }
        String printed = console.toString();
        stdout.print(printed);
        assertThat(printed).contains("secondary stopped at", "SHA-256 OK");
    }
}

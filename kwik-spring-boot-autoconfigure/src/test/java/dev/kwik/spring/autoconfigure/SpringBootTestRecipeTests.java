package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikServer;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipe in SPRING-BOOT.md: an application's own KWIK server on a free port, its injected client session
 * pointed at it without a hard-coded port and without trust-all (the server is self-signed in the same context).
 */
@SpringBootTest(classes = SpringBootTestRecipeTests.App.class, properties = {
        "kwik.server.enabled=true", "kwik.server.port=0", "kwik.server.ssl.self-signed=true",
        "kwik.client.address=localhost:${local.kwik.server.port}"})
class SpringBootTestRecipeTests {
    private static final Duration T = Duration.ofSeconds(10);

    @LocalKwikServerPort
    int port;

    @Autowired
    KwikSession session;

    @Autowired
    KwikServer server;

    @Autowired
    Environment environment;

    @Test
    void theClientReachesTheApplicationsOwnServerOnItsPublishedPort() {
        assertThat(port).isPositive().isEqualTo(server.localAddress().getPort());
        assertThat(environment.getProperty("local.kwik.server.port", Integer.class)).isEqualTo(port);
        KwikStream s = session.openStream();
        s.write("ping".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(s.readMessage(T), StandardCharsets.UTF_8)).isEqualTo("ping");
        s.close();
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({KwikServerAutoConfiguration.class, KwikClientAutoConfiguration.class})
    static class App {
        @Bean
        KwikSessionHandler echo() {
            return new EchoHandler(); // the handler loop of SPRING-BOOT.md
        }
    }
}

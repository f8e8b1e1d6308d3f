package dev.kwik;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class EchoTest {
    @Test
    void echoRoundTrip() throws Exception {
        try (Loopback lo = new Loopback()) {
            Loopback.Pair p = lo.connect();
            assertThat(p.client().id()).isEqualTo(p.server().id()).hasSize(32);
            Thread echo = new Thread(() -> {
                KwikStream s = p.server().acceptStream(Duration.ofSeconds(5));
                byte[] m = s.readMessage(Duration.ofSeconds(5));
                s.write(m);
                s.close();
            });
            echo.start();
            KwikStream s = p.client().openStream();
            s.write("hello kwik".getBytes(StandardCharsets.UTF_8));
            s.close();
            assertThat(new String(s.readMessage(Duration.ofSeconds(5)), StandardCharsets.UTF_8)).isEqualTo("hello kwik");
            assertThat(s.readMessage(Duration.ofSeconds(5))).isNull();
            echo.join(5000);
        }
    }
}

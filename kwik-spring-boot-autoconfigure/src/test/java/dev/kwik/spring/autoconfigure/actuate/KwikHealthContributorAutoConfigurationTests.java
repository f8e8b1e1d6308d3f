package dev.kwik.spring.autoconfigure.actuate;

import dev.kwik.KwikServer;
import dev.kwik.spring.autoconfigure.Awaits;
import dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikClientSession;
import dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikServerLifecycle;
import dev.kwik.spring.autoconfigure.TestCertificates;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.net.InetSocketAddress;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KwikHealthContributorAutoConfigurationTests {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KwikServerAutoConfiguration.class,
                    KwikClientAutoConfiguration.class, KwikHealthContributorAutoConfiguration.class))
            .withPropertyValues("kwik.client.ssl.trust-certificate=" + TestCertificates.certificateLocation());

    private final ApplicationContextRunner withServer = runner.withPropertyValues("kwik.server.enabled=true",
            "kwik.server.address=127.0.0.1", "kwik.server.port=0",
            "kwik.server.ssl.certificate=" + TestCertificates.certificateLocation(),
            "kwik.server.ssl.private-key=" + TestCertificates.privateKeyLocation());

    @Test
    void noIndicatorWithoutServerOrSession() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(KwikHealthIndicator.class));
    }

    @Test
    void serverIsUpWhileListeningAndDownOnceStopped() {
        withServer.run(ctx -> {
            KwikHealthIndicator indicator = ctx.getBean(KwikHealthIndicator.class);
            Health up = indicator.health(true);
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            @SuppressWarnings("unchecked")
            Map<String, Object> server = (Map<String, Object>) up.getDetails().get("server");
            assertThat(server).containsEntry("listening", true).containsEntry("sessions", 0);
            ctx.getBean(KwikServerLifecycle.class).stop();
            assertThat(indicator.health(true).getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void clientSessionIsUpWithALivePrimaryPathAndDownWhenTheServerGoes() {
        KwikServer server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(TestCertificates.certificate(), TestCertificates.privateKey()).build().start();
        runner.withPropertyValues("kwik.client.address=localhost:" + server.localAddress().getPort(),
                "kwik.paths.heartbeat-interval=50ms", "kwik.paths.dead-after=300ms").run(ctx -> {
            KwikHealthIndicator indicator = ctx.getBean(KwikHealthIndicator.class);
            assertThat(indicator.health(true).getStatus()).as("lazy session, not dialled yet").isEqualTo(Status.UP);
            KwikClientSession session = ctx.getBean(KwikClientSession.class);
            session.id();
            Health up = indicator.health(true);
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails().get("client")).asString().contains("livePrimaryPaths=1");
            server.close();
            Awaits.until(() -> indicator.health(true).getStatus().equals(Status.DOWN));
        });
    }

    @Test
    void canBeDisabled() {
        withServer.withPropertyValues("management.health.kwik.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(KwikHealthIndicator.class));
    }

    @Test
    void backsOffWithoutHealthSupport() {
        withServer.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(KwikHealthIndicator.class));
    }

    @Test
    void userDefinedIndicatorWins() {
        HealthIndicator mine = () -> Health.unknown().build();
        withServer.withBean("kwikHealthIndicator", HealthIndicator.class, () -> mine)
                .run(ctx -> assertThat(ctx.getBean("kwikHealthIndicator")).isSameAs(mine));
    }
}

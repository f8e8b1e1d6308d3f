package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikClient;
import dev.kwik.spring.autoconfigure.actuate.KwikHealthContributorAutoConfiguration;
import dev.kwik.spring.autoconfigure.actuate.KwikPathsEndpoint;
import dev.kwik.spring.autoconfigure.actuate.KwikPathsEndpointAutoConfiguration;
import dev.kwik.spring.autoconfigure.metrics.KwikMetrics;
import dev.kwik.spring.autoconfigure.metrics.KwikMetricsAutoConfiguration;
import dev.kwik.spring.autoconfigure.observation.KwikObservationAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter no longer brings Actuator or a meter registry: a client-only application without them starts with
 * every KWIK auto-configuration present, gets its client, and nothing that needs what it did not ask for.
 */
class OnlyWhatTheAppAskedForTests {
    @Test
    void aClientOnlyAppWithoutActuatorOrMicrometerStarts() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KwikServerAutoConfiguration.class,
                        KwikClientAutoConfiguration.class, KwikPathsEndpointAutoConfiguration.class,
                        KwikHealthContributorAutoConfiguration.class, KwikMetricsAutoConfiguration.class,
                        KwikObservationAutoConfiguration.class))
                // What Actuator and Micrometer bring, as each auto-configuration's @ConditionalOnClass sees it (in an
                // application the auto-configuration metadata drops them before their other conditions load).
                .withClassLoader(new FilteredClassLoader(HealthIndicator.class.getPackageName(),
                        "org.springframework.boot.actuate.endpoint", "io.micrometer.core", "io.micrometer.observation"))
                .withPropertyValues("kwik.client.address=localhost:4433")
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(KwikClient.class)
                        .hasSingleBean(KwikClientSession.class).doesNotHaveBean(KwikPathsEndpoint.class)
                        .doesNotHaveBean(KwikMetrics.class).doesNotHaveBean(KwikObserver.class)
                        .doesNotHaveBean("kwikHealthIndicator"));
    }
}

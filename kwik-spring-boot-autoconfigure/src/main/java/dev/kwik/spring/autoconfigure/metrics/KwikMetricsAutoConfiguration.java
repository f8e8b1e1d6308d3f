package dev.kwik.spring.autoconfigure.metrics;

import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikProperties;
import dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * {@link KwikMetrics} over every {@link KwikServer} and {@link KwikClient} bean, when Micrometer is on the
 * classpath and a {@link MeterRegistry} bean exists; {@code kwik.metrics.enabled=false} turns it off.
 */
@AutoConfiguration(after = {MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
        KwikServerAutoConfiguration.class, KwikClientAutoConfiguration.class},
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration")
@ConditionalOnClass({MeterRegistry.class, KwikServer.class, MetricsAutoConfiguration.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "kwik.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(KwikProperties.class)
public final class KwikMetricsAutoConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnMissingBean
    KwikMetrics kwikMetrics(MeterRegistry registry, ObjectProvider<KwikServer> servers,
                            ObjectProvider<KwikClient> clients, KwikProperties properties) {
        return new KwikMetrics(registry, servers.orderedStream().toList(), clients.orderedStream().toList(),
                properties.getMetrics().getRefreshInterval());
    }
}

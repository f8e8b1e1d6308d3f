package dev.kwik.spring.autoconfigure.observation;

import dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikObserver;
import dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link KwikObservations} when the application has an {@link ObservationRegistry} (Spring Boot creates one with
 * Actuator's observability support) and {@code kwik.observation.enabled} is not false.
 */
@AutoConfiguration(beforeName = {"dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration",
        "dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration"},
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "kwik.observation.enabled", matchIfMissing = true)
public final class KwikObservationAutoConfiguration {
    @Bean
    @ConditionalOnMissingBean(KwikObserver.class)
    KwikObservations kwikObservations(ObservationRegistry registry) {
        return new KwikObservations(registry);
    }

    /** HELP text for the timers the observations become (Spring Boot applies MeterFilter beans to its registries). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterFilter.class)
    static class Descriptions {
        @Bean
        MeterFilter kwikObservationDescriptions() {
            return KwikObservations.descriptions();
        }
    }
}

package dev.kwik.spring.autoconfigure.actuate;

import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikProperties;
import dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.time.Duration;

/**
 * The {@code kwikpaths} actuator endpoint over every {@link KwikServer} and {@link KwikClient} bean, when actuator
 * is on the classpath and the endpoint is available (enabled and exposed: add {@code kwikpaths} to
 * {@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = {KwikServerAutoConfiguration.class, KwikClientAutoConfiguration.class})
@ConditionalOnClass({KwikServer.class, Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnAvailableEndpoint(KwikPathsEndpoint.class)
@EnableConfigurationProperties(KwikProperties.class)
public final class KwikPathsEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    KwikPathsEndpoint kwikPathsEndpoint(ObjectProvider<KwikServer> servers, ObjectProvider<KwikClient> clients,
                                        KwikProperties properties) {
        // A join may take two connect timeouts (the client dials, then reports); a removal drains up to linger.
        Duration wait = properties.getClient().getConnectTimeout().multipliedBy(2).plusSeconds(1);
        return new KwikPathsEndpoint(servers.orderedStream().toList(), clients.orderedStream().toList(), wait);
    }
}

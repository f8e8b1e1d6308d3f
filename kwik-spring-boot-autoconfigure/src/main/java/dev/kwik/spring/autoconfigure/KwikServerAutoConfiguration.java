package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A {@link KwikServer} built from {@code kwik.server.*} and the shared {@code kwik.*} settings, then every
 * {@link KwikServerCustomizer}; started and stopped with the context by {@link KwikServerLifecycle}, which hands
 * accepted sessions to the {@link KwikSessionHandler} beans. Only with {@code kwik.server.enabled=true}.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(KwikServer.class)
@ConditionalOnBooleanProperty("kwik.server.enabled")
@EnableConfigurationProperties(KwikProperties.class)
public final class KwikServerAutoConfiguration {

    public KwikServerAutoConfiguration() {
        KwikBootVersion.check();
    }

    @Bean
    @ConditionalOnMissingBean
    KwikServer kwikServer(KwikProperties properties, ObjectProvider<SslBundles> sslBundles,
                          ObjectProvider<KwikServerCustomizer> customizers) {
        KwikProperties.Server s = properties.getServer();
        KwikServer.Builder b = KwikServer.builder();
        KwikTransportSettings.apply(properties, b);
        String host = s.getAddress() != null ? s.getAddress() : "0.0.0.0";
        b.bind(new InetSocketAddress(host, s.getPort()));
        for (String a : s.getAdditionalAddresses()) {
            b.alsoBind(HostPort.parse(a, 0).toAddress());
        }
        if (s.getServerId() != null) {
            b.serverId(s.getServerId());
        }
        if (s.getClusterSecret() != null) {
            b.clusterSecret(s.getClusterSecret().getBytes(StandardCharsets.UTF_8));
        }
        b.maxSessions(s.getMaxSessions())
                .maxPathsPerSession(s.getMaxPathsPerSession())
                .pathPolicy(s.getPathPolicy())
                .ticketLifetime(s.getTicketLifetime())
                .maxRawMessageBytes((int) s.getMaxRawMessageSize().toBytes());
        KwikSsl.server(s.getSsl(), sslBundles, b);
        customizers.orderedStream().forEach(c -> c.customize(b));
        KwikServer server = b.build();
        KwikSsl.reloadOnUpdate(s.getSsl(), sslBundles, server);
        return server;
    }

    @Bean
    @ConditionalOnMissingBean
    KwikServerLifecycle kwikServerLifecycle(KwikServer server, KwikProperties properties,
                                            ObjectProvider<KwikSessionHandler> handlers, ConfigurableEnvironment environment,
                                            ObjectProvider<KwikObserver> observer) {
        KwikProperties.Server s = properties.getServer();
        return new KwikServerLifecycle(server, handlers.orderedStream().toList(),
                properties.getScheduler().getWeights(), s.getHandlerThreads(), s.getHandlerQueueCapacity(), environment,
                Threading.VIRTUAL.isActive(environment), observer.getIfAvailable(() -> KwikObserver.NONE));
    }
}

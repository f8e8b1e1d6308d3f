package dev.kwik.spring.autoconfigure;

import dev.kwik.ClientInterface;
import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.KwikSession;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A {@link KwikClient} built from {@code kwik.client.*} and the shared {@code kwik.*} settings, then every
 * {@link KwikClientCustomizer}; and, when {@code kwik.client.address} is set, an injectable {@link KwikSession}
 * to that server ({@link KwikClientSession}). On by default; {@code kwik.client.enabled=false} turns it off.
 */
@AutoConfiguration(after = {SslAutoConfiguration.class, KwikServerAutoConfiguration.class})
@ConditionalOnClass(KwikClient.class)
@ConditionalOnBooleanProperty(name = "kwik.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(KwikProperties.class)
public final class KwikClientAutoConfiguration {

    public KwikClientAutoConfiguration() {
        KwikBootVersion.check();
    }

    @Bean
    @ConditionalOnMissingBean
    KwikClient kwikClient(KwikProperties properties, ObjectProvider<SslBundles> sslBundles,
                          ObjectProvider<KwikClientCustomizer> customizers, ObjectProvider<KwikServer> servers) {
        KwikProperties.Client c = properties.getClient();
        KwikClient.Builder b = KwikClient.builder();
        KwikTransportSettings.apply(properties, b);
        for (KwikProperties.Interface i : c.getInterfaces()) {
            ClientInterface ci = i.getAddress() != null ? ClientInterface.ofAddress(i.getId(), HostPort.inetAddress(i.getAddress()))
                    : ClientInterface.ofName(i.getId(), i.getName());
            b.interfaces(i.isBackup() ? ci.asBackup() : ci);
        }
        if (c.isAllInterfaces()) {
            b.allInterfaces();
        }
        if (c.getCredentials() != null) {
            b.credentials(c.getCredentials().getBytes(StandardCharsets.UTF_8));
        }
        KwikSsl.client(c.getSsl(), sslBundles, b);
        if (c.getSsl().getBundle() == null) {
            // The application's own self-signed server (development, tests) is trusted without trust-all (added to
            // trust-certificate's certificates; a trust bundle is left as it is).
            servers.orderedStream().map(KwikServer::selfSignedCertificate).filter(Objects::nonNull).forEach(b::trustCertificate);
        }
        customizers.orderedStream().forEach(cz -> cz.customize(b));
        KwikClient client = b.build();
        KwikSsl.reloadOnUpdate(c.getSsl(), sslBundles, client);
        return client;
    }

    @Bean
    @ConditionalOnMissingBean(KwikSession.class)
    @Conditional(OnClientAddress.class)
    KwikClientSession kwikSession(KwikClient client, KwikProperties properties, Environment environment,
                                  ObjectProvider<KwikObserver> observer) {
        return new KwikClientSession(client, properties.getClient().getAddress(), properties.getClient().isEager(),
                environment, observer.getIfAvailable(() -> KwikObserver.NONE));
    }

    /**
     * {@code kwik.client.address} is set. Read through the Binder, which leaves a placeholder unresolved, where
     * {@code @ConditionalOnProperty} would fail on {@code ${local.kwik.server.port}}: known only once the
     * application's own server has bound, and resolved when the session dials.
     */
    static final class OnClientAddress extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean set = !Binder.get(context.getEnvironment()).bind("kwik.client.address", String.class)
                    .orElse("").isBlank();
            return set ? ConditionOutcome.match("kwik.client.address is set")
                    : ConditionOutcome.noMatch("kwik.client.address is not set");
        }
    }
}

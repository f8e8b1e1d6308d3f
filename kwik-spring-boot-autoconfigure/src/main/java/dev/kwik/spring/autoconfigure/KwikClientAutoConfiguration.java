package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikClient;
import dev.kwik.KwikSession;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

import java.nio.charset.StandardCharsets;

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

    @Bean
    @ConditionalOnMissingBean
    KwikClient kwikClient(KwikProperties properties, ObjectProvider<SslBundles> sslBundles,
                          ObjectProvider<KwikClientCustomizer> customizers) {
        KwikProperties.Client c = properties.getClient();
        KwikClient.Builder b = KwikClient.builder();
        KwikTransportSettings.apply(properties, b);
        if (c.getCredentials() != null) {
            b.credentials(c.getCredentials().getBytes(StandardCharsets.UTF_8));
        }
        KwikSsl.client(c.getSsl(), sslBundles, b);
        customizers.orderedStream().forEach(cz -> cz.customize(b));
        return b.build();
    }

    @Bean
    @ConditionalOnMissingBean(KwikSession.class)
    @ConditionalOnProperty("kwik.client.address")
    KwikClientSession kwikSession(KwikClient client, KwikProperties properties) {
        return new KwikClientSession(client, properties.getClient().getAddress(), properties.getClient().isEager());
    }
}

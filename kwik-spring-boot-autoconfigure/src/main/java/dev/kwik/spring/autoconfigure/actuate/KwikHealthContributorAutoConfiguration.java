package dev.kwik.spring.autoconfigure.actuate;

import dev.kwik.KwikServer;
import dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikClientSession;
import dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The {@code kwik} {@link KwikHealthIndicator}, when health support is on the classpath, the indicator is
 * enabled ({@code management.health.kwik.enabled}, default true) and a {@link KwikServer} or an injectable
 * {@link KwikClientSession} exists.
 */
@AutoConfiguration(after = {KwikServerAutoConfiguration.class, KwikClientAutoConfiguration.class})
@ConditionalOnClass({KwikServer.class, HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnEnabledHealthIndicator("kwik")
@Conditional(KwikHealthContributorAutoConfiguration.OnKwikBean.class)
public final class KwikHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "kwikHealthIndicator")
    KwikHealthIndicator kwikHealthIndicator(ObjectProvider<KwikServer> servers,
                                            ObjectProvider<KwikClientSession> sessions) {
        return new KwikHealthIndicator(servers.orderedStream().toList(), sessions.orderedStream().toList());
    }

    static final class OnKwikBean extends AnyNestedCondition {
        OnKwikBean() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(KwikServer.class)
        static final class Server {
        }

        @ConditionalOnBean(KwikClientSession.class)
        static final class ClientSession {
        }
    }
}

package dev.kwik.spring.autoconfigure.diagnostics;

import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.KwikSession;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * A component injects a KWIK bean that the auto-configuration did not create because its property is not set:
 * says which property turns it on, instead of Spring's generic "consider defining a bean". Runs before Spring's
 * own analyzer of the same exception.
 */
public final class KwikBeanMissingFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException>
        implements Ordered {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
        Class<?> type = cause.getBeanType();
        if (type == KwikSession.class || type == KwikClient.class) {
            return new FailureAnalysis("A component needs a bean of type " + type.getName() + ", which KWIK "
                    + "auto-configures only when kwik.client.address is set, and it is not.",
                    "Set kwik.client.address to host:port of the primary KWIK server (and kwik.client.ssl.* so "
                            + "that the client trusts it), or define a " + type.getSimpleName() + " bean yourself.",
                    cause);
        }
        if (type == KwikServer.class) {
            return new FailureAnalysis("A component needs a bean of type " + KwikServer.class.getName() + ", which "
                    + "KWIK auto-configures only when kwik.server.enabled=true, and it is not.",
                    "Set kwik.server.enabled=true with a certificate (kwik.server.ssl.*), or define a KwikServer "
                            + "bean yourself.", cause);
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}

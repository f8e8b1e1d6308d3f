package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikServer;

/**
 * Changes the auto-configured server's builder for what {@code kwik.*} properties do not cover (an
 * authenticator, a custom scheduler). Every customizer bean is applied, in {@code @Order}, after the properties.
 */
@FunctionalInterface
public interface KwikServerCustomizer {
    void customize(KwikServer.Builder builder);
}

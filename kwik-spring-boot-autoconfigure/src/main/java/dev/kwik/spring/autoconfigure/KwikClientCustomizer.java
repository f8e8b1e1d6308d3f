package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikClient;

/**
 * Changes the auto-configured client's builder for what {@code kwik.*} properties do not cover (a trust
 * manager, a custom scheduler). Every customizer bean is applied, in {@code @Order}, after the properties.
 */
@FunctionalInterface
public interface KwikClientCustomizer {
    void customize(KwikClient.Builder builder);
}

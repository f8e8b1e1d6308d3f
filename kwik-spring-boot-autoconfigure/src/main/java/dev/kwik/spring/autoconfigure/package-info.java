/**
 * Spring Boot auto-configuration for KWIK: {@link dev.kwik.spring.autoconfigure.KwikProperties} (prefix
 * {@code kwik}), an auto-configured {@code KwikServer} started with the context and feeding accepted sessions to
 * {@link dev.kwik.spring.autoconfigure.KwikSessionHandler} beans, a {@code KwikClient} and an injectable
 * {@code KwikSession}. Actuator, health and Micrometer support live in the sub-packages.
 */
package dev.kwik.spring.autoconfigure;

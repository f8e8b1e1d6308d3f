/**
 * Spring Boot auto-configuration for KWIK. Empty until the starter work lands (see the project's issues);
 * the module exists so that the build checks kwik-core against Spring Boot's dependency versions.
 */
package dev.kwik.spring.autoconfigure;

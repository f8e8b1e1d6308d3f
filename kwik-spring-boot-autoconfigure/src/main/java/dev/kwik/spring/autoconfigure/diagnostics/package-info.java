/**
 * Spring Boot failure analyzers for KWIK's startup failures (registered in {@code META-INF/spring.factories}).
 */
package dev.kwik.spring.autoconfigure.diagnostics;

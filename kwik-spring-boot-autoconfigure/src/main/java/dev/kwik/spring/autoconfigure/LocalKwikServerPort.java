package dev.kwik.spring.autoconfigure;

import org.springframework.beans.factory.annotation.Value;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects the UDP port the auto-configured KWIK server bound ({@code local.kwik.server.port}), for tests with
 * {@code kwik.server.port=0}, as {@code @LocalServerPort} does for a web server. Available once the server has
 * started (test instances and beans resolved after the context refreshed).
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Value("${" + KwikServerLifecycle.LOCAL_PORT_PROPERTY + "}")
public @interface LocalKwikServerPort {
}

package dev.kwik.spring.autoconfigure.diagnostics;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code kwik.*} properties that do not bind, reported as users write them: property names in kebab case
 * ({@code kwik.flow-control.stream-window}, not Spring's {@code kwik.flowControl.streamWindow}) and enum values
 * as they are spelled in configuration ({@code min-rtt}, not {@code MIN_RTT}). Runs before Spring's own analyzers.
 */
public final class KwikPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        if (!cause.getName().toString().startsWith("kwik")) {
            return null;
        }
        BindValidationException invalid = findCause(cause, BindValidationException.class);
        if (invalid != null) {
            StringBuilder d = new StringBuilder("KWIK's configuration is invalid:\n");
            for (ObjectError e : invalid.getValidationErrors().getAllErrors()) {
                d.append("\n    Property: ").append(e instanceof FieldError f ? "kwik." + kebab(f.getField()) : "kwik");
                if (e instanceof FieldError f && f.getRejectedValue() != null) {
                    d.append("\n    Value: \"").append(f.getRejectedValue()).append('"');
                }
                d.append("\n    Reason: ").append(e.getDefaultMessage()).append('\n');
            }
            return new FailureAnalysis(d.toString(), "Update your application's configuration: change the "
                    + "properties above (names as you write them in application.properties or YAML).", cause);
        }
        Class<?> type = cause.getTarget().getType().resolve();
        if (type != null && type.isEnum()) {
            String values = Arrays.stream(type.getEnumConstants()).map(c -> kebab(((Enum<?>) c).name()))
                    .collect(Collectors.joining(", "));
            ConfigurationProperty p = cause.getProperty();
            String name = cause.getName().toString();
            String value = p == null ? "" : "=\"" + p.getValue() + "\"" + (p.getOrigin() == null ? "" : " (" + p.getOrigin() + ")");
            return new FailureAnalysis("Failed to bind " + name + value + ": not one of " + values + ".",
                    "Set " + name + " to one of: " + values + ".", cause);
        }
        return null;
    }

    /** {@code flowControl.streamWindow} → {@code flow-control.stream-window}; {@code MIN_RTT} → {@code min-rtt}. */
    static String kebab(String s) {
        if (s.equals(s.toUpperCase(Locale.ROOT))) {
            return s.toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return s.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}

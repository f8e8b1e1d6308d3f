package dev.kwik.spring.autoconfigure;

import org.springframework.boot.SpringBootVersion;

/**
 * The Spring Boot versions the starter supports: 4.0.x. On Boot 3.x it would half-work (Boot 3 manages Netty 4.1,
 * KWIK needs 4.2; Actuator and metrics classes moved in Boot 4, so health and meters would silently vanish), so
 * the auto-configuration refuses to start there with a message that says so.
 */
final class KwikBootVersion {
    static final String SUPPORTED = "4.0.x";

    private KwikBootVersion() {
    }

    /** Fails on a Spring Boot major version other than 4. */
    static void check() {
        check(SpringBootVersion.getVersion());
    }

    static void check(String bootVersion) {
        if (bootVersion == null) {
            return; // not known (repackaged without a manifest): nothing to say
        }
        int major;
        try {
            major = Integer.parseInt(bootVersion.split("\\.", 2)[0]);
        } catch (NumberFormatException e) {
            return;
        }
        if (major != 4) {
            throw new IllegalStateException("The KWIK starter supports Spring Boot " + SUPPORTED + ", and this "
                    + "application runs Spring Boot " + bootVersion + ". Boot " + major + " manages other versions "
                    + "of Netty and of Actuator's classes than KWIK needs, so it would fail or lose its health and "
                    + "metrics silently. Use Spring Boot " + SUPPORTED + " (or kwik-core alone, without the starter).");
        }
    }
}

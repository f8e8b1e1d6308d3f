/**
 * Actuator support: the {@code kwikpaths} web endpoint (list sessions and paths, add and remove paths) and the
 * {@code kwik} health indicator. Each auto-configuration backs off when actuator is not on the classpath.
 */
package dev.kwik.spring.autoconfigure.actuate;

package dev.kwik.sample;

/** Stops the secondary server (all-in-one mode only: the three roles share the JVM). */
@FunctionalInterface
interface SecondaryKiller {
    void kill();
}

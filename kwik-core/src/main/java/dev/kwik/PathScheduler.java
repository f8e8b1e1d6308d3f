package dev.kwik;

import java.util.List;

/**
 * Decides which path carries each packet a session sends. KWIK calls {@link #select} with the live paths to
 * the right server that have send capacity (backup paths only when no other path is alive); when none has
 * capacity it passes all live ones, so a scheduler never has to queue. Called on application threads,
 * concurrently: implementations must be thread-safe, fast and must not block or throw. The built-in ones come from
 * {@link PathSchedulers}.
 */
public interface PathScheduler {
    /**
     * Picks one of {@code candidates} (never empty) for a packet of {@code packetBytes}.
     */
    SchedulablePath select(List<? extends SchedulablePath> candidates, int packetBytes);

    /** Whether every packet should go on every candidate (the receiver drops duplicates by offset). */
    default boolean duplicatesEverything() {
        return false;
    }

    /** @deprecated use {@link PathSchedulers#minRtt()}; kept for source compatibility. */
    @Deprecated
    static PathScheduler minRtt() {
        return PathSchedulers.minRtt();
    }

    /** @deprecated use {@link PathSchedulers#roundRobin()}. */
    @Deprecated
    static PathScheduler roundRobin() {
        return PathSchedulers.roundRobin();
    }

    /** @deprecated use {@link PathSchedulers#weighted()}. */
    @Deprecated
    static PathScheduler weighted() {
        return PathSchedulers.weighted();
    }

    /** @deprecated use {@link PathSchedulers#redundant()}. */
    @Deprecated
    static PathScheduler redundant() {
        return PathSchedulers.redundant();
    }

    /** @deprecated use {@link PathSchedulers#named(String)}. */
    @Deprecated
    static PathScheduler named(String name) {
        return PathSchedulers.named(name);
    }
}

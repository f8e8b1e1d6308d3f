package dev.kwik.internal.sched;

import dev.kwik.PathScheduler;
import dev.kwik.SchedulablePath;
import dev.kwik.internal.path.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where the scheduler decides: picks a path for one packet among a session's live paths accepted by a filter.
 * Paths are ranked in tiers: ACTIVE non-backup paths below the hard in-flight cap ({@link Path#belowHardCap}),
 * else any ACTIVE non-backup path, else ACTIVE backup paths, else DEGRADED ones (silent for a while, maybe dying);
 * the session's {@link PathScheduler} chooses within the first tier that is not empty. What a custom scheduler
 * returns is checked: anything but one of the candidates it was given is replaced by the first candidate, and
 * logged once per session.
 */
public final class PathPicker {
    private static final Logger log = LoggerFactory.getLogger(PathPicker.class);

    private final String session;
    private volatile boolean warned;

    public PathPicker(String session) {
        this.session = session;
    }

    /** A path for a packet of {@code bytes}, or null when none is alive. Any thread; per packet. */
    public Path pick(List<Path> paths, Predicate<Path> filter, PathScheduler scheduler, int bytes) {
        // With one eligible path (the common case) decide without allocating; with more, one list.
        Path only = null;
        int eligible = 0;
        for (Path p : paths) {
            if (p.isAlive() && filter.test(p)) {
                eligible++;
                only = p;
            }
        }
        if (eligible <= 1) {
            return only;
        }
        List<Path> candidates = new ArrayList<>(eligible);
        int best = Integer.MAX_VALUE;
        for (Path p : paths) {
            if (!p.isAlive() || !filter.test(p)) {
                continue;
            }
            int t = tier(p);
            if (t < best) {
                candidates.clear();
                best = t;
            }
            if (t == best) {
                candidates.add(p);
            }
        }
        if (candidates.size() <= 1) {
            // One left, or none because the paths changed state between the passes: take what there is.
            return candidates.isEmpty() ? only : candidates.get(0);
        }
        SchedulablePath chosen = scheduler.select(candidates, bytes);
        for (Path c : candidates) {
            if (c == chosen) {
                return c;
            }
        }
        if (!warned) {
            warned = true;
            log.warn("session={} event=scheduler-returned-foreign-path scheduler={} returned={}: not one of the "
                    + "candidates it was given; KWIK uses the first candidate instead (logged once per session)",
                    session, scheduler.getClass().getName(), chosen);
        }
        return candidates.get(0);
    }

    /** Preference order of a live path: lower is better. */
    static int tier(Path p) {
        if (!p.isActive()) {
            return 3;
        }
        if (p.isBackup()) {
            return 2;
        }
        return p.belowHardCap() ? 0 : 1;
    }
}

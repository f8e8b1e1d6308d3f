package dev.kwik.internal.session;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Nonces of join tickets already used, remembered until the ticket would have expired anyway. Bounded: past
 * {@code capacity} live entries new joins are refused (the caller reports it) rather than forgetting early.
 */
public final class ReplayCache {
    private record Entry(long nonce, long expiresAtMillis) {
    }

    private final int capacity;
    private final Set<Long> seen = new HashSet<>();
    private final ArrayDeque<Entry> byExpiry = new ArrayDeque<>();

    public ReplayCache(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Records a nonce.
     *
     * @return 1 if new, 0 if already used (a replay), -1 if the cache is full
     */
    public synchronized int use(long nonce, long expiresAtMillis, long nowMillis) {
        while (!byExpiry.isEmpty() && byExpiry.peekFirst().expiresAtMillis() < nowMillis) {
            seen.remove(byExpiry.pollFirst().nonce());
        }
        if (seen.contains(nonce)) {
            return 0;
        }
        if (seen.size() >= capacity) {
            return -1;
        }
        seen.add(nonce);
        // Tickets of one cluster share a lifetime, so expiry order is nearly insertion order; purging from the
        // head may keep a few entries a little longer than needed, never shorter.
        byExpiry.addLast(new Entry(nonce, expiresAtMillis));
        return 1;
    }
}

package dev.kwik.internal.stream;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ReentrantLock} whose {@link #lock()} spins briefly before it parks. A stream's lock is taken by its
 * reader and by the event loop delivering frames, each for a microsecond or two; parking the loser costs far more
 * (with 1 KiB messages, the event loop parked on a reader's lock and the unparks they then owed each other were
 * 10% of the receiving event loop). Held across no I/O and no wait, so a short spin almost always wins.
 */
final class BriefLock extends ReentrantLock {
    private static final int SPINS = 100;

    @Override
    public void lock() {
        for (int i = 0; i < SPINS; i++) {
            if (tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        super.lock();
    }
}

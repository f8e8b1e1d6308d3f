package dev.kwik.internal.stream;

import java.util.Arrays;

/**
 * A sorted set of longs in one array: the message ends of a {@link ReceiveBuffer}. They almost always arrive in
 * increasing order and leave from the front as the reader passes them, so adding is an append and removing moves
 * an index, with no boxing or tree node per message; an end arriving out of order is inserted by shifting.
 *
 * <p>Not thread-safe.
 */
final class SortedLongs {
    private long[] values = new long[16];
    private int head;
    private int tail;

    int size() {
        return tail - head;
    }

    boolean contains(long v) {
        return tail > head && v <= values[tail - 1] && Arrays.binarySearch(values, head, tail, v) >= 0;
    }

    /** Adds {@code v} if absent; returns whether it was added. */
    boolean add(long v) {
        if (tail > head && v <= values[tail - 1]) {
            int at = Arrays.binarySearch(values, head, tail, v);
            if (at >= 0) {
                return false;
            }
            makeRoom();
            at = -Arrays.binarySearch(values, head, tail, v) - 1;
            System.arraycopy(values, at, values, at + 1, tail - at);
            values[at] = v;
            tail++;
            return true;
        }
        makeRoom();
        values[tail++] = v;
        return true;
    }

    /** The smallest value above {@code v}, or -1 if none. */
    long higher(long v) {
        if (tail == head || values[tail - 1] <= v) {
            return -1;
        }
        if (values[head] > v) {
            return values[head];
        }
        int at = Arrays.binarySearch(values, head, tail, v);
        return values[at >= 0 ? at + 1 : -at - 1];
    }

    /** Removes every value at or below {@code v}; returns how many. */
    int removeAtOrBelow(long v) {
        int from = head;
        while (head < tail && values[head] <= v) {
            head++;
        }
        int removed = head - from;
        if (head == tail) {
            head = tail = 0;
        }
        return removed;
    }

    /** Removes every value above {@code v}; returns how many. */
    int removeAbove(long v) {
        int from = tail;
        while (tail > head && values[tail - 1] > v) {
            tail--;
        }
        return from - tail;
    }

    void clear() {
        head = tail = 0;
    }

    private void makeRoom() {
        if (tail < values.length) {
            return;
        }
        int n = tail - head;
        if (head > values.length / 2) {
            System.arraycopy(values, head, values, 0, n);
        } else {
            values = Arrays.copyOfRange(values, head, head + Math.max(16, 2 * values.length));
        }
        head = 0;
        tail = n;
    }
}

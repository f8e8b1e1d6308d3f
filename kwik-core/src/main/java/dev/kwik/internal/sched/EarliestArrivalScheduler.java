package dev.kwik.internal.sched;

import dev.kwik.PathScheduler;
import dev.kwik.SchedulablePath;

import java.util.List;

/**
 * Each packet on the path where it is expected to arrive first (the idea of MPTCP's ECF and BLEST schedulers):
 * a packet handed to path {@code p} arrives after the bytes already ahead of it drained at the path's delivery
 * rate {@code r}, plus the one-way delay. Bytes in flight include a round trip's worth still on the wire or
 * waiting for their acknowledgement, so
 * <pre>  arrival(p) = minRtt/2 + max(0, (inFlight + packet) / r - minRtt)</pre>
 * With empty queues the lowest RTT wins; as the fast path's queue grows, the slow path gets exactly the bytes
 * that will still arrive before the fast path could deliver them, so the paths finish together and the receiver
 * holds few bytes out of order. Rates come from QUIC's congestion window and RTT
 * ({@link SchedulablePath#deliveryRateBytesPerSecond()}); while some candidate has none yet (the first
 * milliseconds of a path), {@code min-rtt} decides.
 */
public final class EarliestArrivalScheduler implements PathScheduler {
    private final MinRttScheduler beforeRates = new MinRttScheduler();

    @Override
    public SchedulablePath select(List<? extends SchedulablePath> candidates, int packetBytes) {
        SchedulablePath best = null;
        long bestArrival = Long.MAX_VALUE;
        for (int i = 0; i < candidates.size(); i++) {
            SchedulablePath p = candidates.get(i);
            long arrival = arrivalNanos(p, packetBytes);
            if (arrival < 0) {
                return beforeRates.select(candidates, packetBytes);
            }
            if (arrival < bestArrival) {
                bestArrival = arrival;
                best = p;
            }
        }
        return best;
    }

    /** Expected delivery time of {@code bytes} more on {@code p}, in nanoseconds from now; -1 when unknown. */
    static long arrivalNanos(SchedulablePath p, int bytes) {
        long rate = p.deliveryRateBytesPerSecond();
        long rtt = p.minRttNanos();
        if (rate <= 0 || rtt <= 0) {
            return -1;
        }
        long drain = (long) ((p.bytesInFlight() + bytes) * 1e9 / rate);
        return rtt / 2 + Math.max(0, drain - rtt);
    }

    @Override
    public String toString() {
        return "earliest-arrival";
    }
}

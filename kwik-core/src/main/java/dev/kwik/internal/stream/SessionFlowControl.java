package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.internal.wire.WireException;

import java.util.Arrays;

/**
 * Session-level credit in both directions, in offsets like QUIC's MAX_DATA: the sum over all streams of the
 * highest offset sent (or received) may not pass the peer's (or our) advertised maximum. On a client, each
 * server that writes to it (primary, each secondary) is a separate source with its own credit: so what one
 * session buffers is bounded by the window times the number of servers, and writers into different streams
 * never eat each other's credit.
 *
 * <p>Send side: writers block in {@link #acquire} until credit arrives or the session closes. Receive side:
 * the event loop checks every STREAM frame's growth in {@link #onReceived}, the application's reads return
 * credit through {@link #onConsumed}, which says when a MAX_DATA update is due.
 */
public final class SessionFlowControl {
    private final long window;
    // send side, guarded by this
    private long peerMax;
    private long sent;
    private KwikException closed;
    // receive side, per source (a server writing to this client; a server has one source, the client), guarded by this
    private long[] advertisedMax = new long[1];
    private long[] received = new long[1];
    private long[] consumed = new long[1];

    public SessionFlowControl(long localWindow, long peerInitialMax) {
        this.window = localWindow;
        this.advertisedMax[0] = localWindow;
        this.peerMax = peerInitialMax;
    }

    /** Blocks until credit is available; takes up to {@code wanted} (at least 1). */
    public synchronized long acquire(long wanted) {
        while (closed == null && peerMax - sent <= 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KwikException(ErrorCode.INTERRUPTED, "interrupted while waiting for session flow-control credit");
            }
        }
        if (closed != null) {
            throw closed;
        }
        long granted = Math.min(wanted, peerMax - sent);
        sent += granted;
        return granted;
    }

    /** MAX_DATA from the peer. */
    public synchronized void onMaxData(long max) {
        if (max > peerMax) {
            peerMax = max;
            notifyAll();
        }
    }

    private void ensure(int source) {
        if (source >= received.length) {
            int n = Math.max(source + 1, received.length * 2);
            int old = received.length;
            advertisedMax = Arrays.copyOf(advertisedMax, n);
            received = Arrays.copyOf(received, n);
            consumed = Arrays.copyOf(consumed, n);
            for (int i = old; i < n; i++) {
                advertisedMax[i] = window;
            }
        }
    }

    /**
     * Records growth of what {@code source} sent (the sum of the highest offsets it wrote, per stream); fails with
     * FLOW_CONTROL_ERROR past the credit advertised to that source.
     */
    public synchronized void onReceived(int source, long growth) throws WireException {
        ensure(source);
        received[source] += growth;
        if (received[source] > advertisedMax[source]) {
            throw new WireException(ErrorCode.FLOW_CONTROL_ERROR,
                    "session data reached " + received[source] + " bytes, beyond the credit of " + advertisedMax[source]);
        }
    }

    /**
     * Records bytes of {@code source} the application consumed (read, or dropped with a reset stream).
     *
     * @return the new maximum to advertise to that source in MAX_DATA, or -1 when no update is due yet
     */
    public synchronized long onConsumed(int source, long bytes) {
        ensure(source);
        consumed[source] += bytes;
        if (advertisedMax[source] - consumed[source] < window / 2) {
            advertisedMax[source] = consumed[source] + window;
            return advertisedMax[source];
        }
        return -1;
    }

    /** The credit last advertised to each source (index = source), for announcing it again. */
    public synchronized long[] advertised() {
        return advertisedMax.clone();
    }

    /** Wakes and fails every blocked writer. */
    public synchronized void close(KwikException cause) {
        if (closed == null) {
            closed = cause;
            notifyAll();
        }
    }

    /** Received bytes not yet consumed, over all sources (an upper bound on what the session buffers). */
    public synchronized long unconsumed() {
        long u = 0;
        for (int i = 0; i < received.length; i++) {
            u += received[i] - consumed[i];
        }
        return u;
    }
}

package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.internal.wire.WireException;

/**
 * Session-level credit in both directions, in offsets like QUIC's MAX_DATA: the sum over all streams of the
 * highest offset sent (or received) may not pass the peer's (or our) advertised maximum.
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
    // receive side, guarded by this
    private long advertisedMax;
    private long received;
    private long consumed;

    public SessionFlowControl(long localWindow, long peerInitialMax) {
        this.window = localWindow;
        this.advertisedMax = localWindow;
        this.peerMax = peerInitialMax;
    }

    /** Blocks until credit is available; takes up to {@code wanted} (at least 1). */
    public synchronized long acquire(long wanted) {
        while (closed == null && peerMax - sent <= 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KwikException(ErrorCode.TIMEOUT, "interrupted while waiting for session flow-control credit");
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

    /** Records growth of received highest offsets; fails with FLOW_CONTROL_ERROR past our advertised credit. */
    public synchronized void onReceived(long growth) throws WireException {
        received += growth;
        if (received > advertisedMax) {
            throw new WireException(ErrorCode.FLOW_CONTROL_ERROR,
                    "session data reached " + received + " bytes, beyond the credit of " + advertisedMax);
        }
    }

    /**
     * Records bytes the application consumed.
     *
     * @return the new maximum to advertise in MAX_DATA, or -1 when no update is due yet
     */
    public synchronized long onConsumed(long bytes) {
        consumed += bytes;
        if (advertisedMax - consumed < window / 2) {
            advertisedMax = consumed + window;
            return advertisedMax;
        }
        return -1;
    }

    /** Wakes and fails every blocked writer. */
    public synchronized void close(KwikException cause) {
        if (closed == null) {
            closed = cause;
            notifyAll();
        }
    }

    /** Received bytes not yet consumed by the application (an upper bound on what the session buffers). */
    public synchronized long unconsumed() {
        return received - consumed;
    }
}

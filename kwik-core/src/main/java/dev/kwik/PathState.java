package dev.kwik;

/** Life of a path: CONNECTING → ACTIVE (⇄ DEGRADED) → DEAD or CLOSED. DEAD and CLOSED are final. */
public enum PathState {
    /** QUIC handshake or KWIK HELLO under way. */
    CONNECTING,
    /** Carrying traffic, heartbeats answered. */
    ACTIVE,
    /** Alive but silent: heartbeats late, or data unacknowledged for a few round trips; schedulers avoid it. */
    DEGRADED,
    /** Lost: no inbound traffic for the dead-after interval, or its QUIC connection failed. */
    DEAD,
    /** Closed deliberately (removed, or its session closed). */
    CLOSED;

    /** Whether the path has ended (DEAD or CLOSED); a final state never changes again. */
    public boolean isFinal() {
        return this == DEAD || this == CLOSED;
    }
}

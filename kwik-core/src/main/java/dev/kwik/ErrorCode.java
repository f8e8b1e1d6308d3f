package dev.kwik;

/**
 * Machine-readable reason carried by every {@link KwikException}.
 *
 * <p>Codes below 0x40 travel in CLOSE frames (see {@code docs/PROTOCOL.md}). Codes marked local (0x40 and up)
 * describe what one process saw; they cross the wire only when a client reports a path's failure to its primary
 * (PATH_FAILED, PATH_STATUS), so that the primary's {@code addPath} future fails with the client's own reason.
 */
public enum ErrorCode {
    /** Orderly close, no error. */
    NO_ERROR(0x00),
    /** A bug or unexpected failure inside KWIK. */
    INTERNAL_ERROR(0x01),
    /** The peer broke a protocol rule (wrong state, illegal value, conflicting bytes at one offset). */
    PROTOCOL_VIOLATION(0x02),
    /** A frame or packet could not be decoded: truncated, bad varint, length past its packet. */
    FRAME_ENCODING_ERROR(0x03),
    /** A frame type this version does not know. */
    UNKNOWN_FRAME(0x04),
    /** A packet length prefix above the maximum packet size. */
    PACKET_TOO_LARGE(0x05),
    /** The peer sent beyond the stream or session credit it was given. */
    FLOW_CONTROL_ERROR(0x06),
    /** The peer opened more streams than it was allowed. */
    STREAM_LIMIT_ERROR(0x07),
    /** A frame for a stream in a state (or of a direction) that cannot receive it. */
    STREAM_STATE_ERROR(0x08),
    /** Data past a stream's final size, or a final size that changed. */
    FINAL_SIZE_ERROR(0x09),
    /** The peer speaks a KWIK wire version this side does not support. */
    VERSION_MISMATCH(0x0a),
    /** The server's authenticator refused the client's credentials. */
    AUTH_REFUSED(0x0b),
    /** The server refuses new sessions (limit reached or shutting down). */
    SERVER_BUSY(0x0c),
    /** A join ticket whose MAC does not verify. */
    TICKET_FORGED(0x10),
    /** A join ticket past its expiry. */
    TICKET_EXPIRED(0x11),
    /** A join ticket that was already used. */
    TICKET_REPLAYED(0x12),
    /** A join ticket for a session or server this endpoint does not hold. */
    TICKET_FOREIGN(0x13),
    /** A path could not be joined (address unreachable, limit, refusal). */
    PATH_JOIN_REFUSED(0x14),
    /** The QUIC connection was idle for longer than the idle timeout. */
    IDLE_TIMEOUT(0x20),

    /** Local: the QUIC/TLS handshake failed (untrusted or wrong certificate, ALPN mismatch). */
    TLS_HANDSHAKE_FAILED(0x40),
    /** Local: no answer from the server within the connect timeout. */
    CONNECT_TIMEOUT(0x41),
    /** Local: the underlying QUIC connection went away without a KWIK CLOSE. */
    CONNECTION_LOST(0x42),
    /** Local: the session is closed; the message says by whom and why. */
    SESSION_CLOSED(0x43),
    /** Local: a blocking call did not complete within its timeout. */
    TIMEOUT(0x44),
    /** Local: the peer reset the stream; {@link KwikStreamException#applicationCode()} holds its code. */
    STREAM_RESET(0x45),
    /** Local: the peer asked to stop sending; {@link KwikStreamException#applicationCode()} holds its code. */
    STREAM_STOPPED(0x46),
    /** Local: the stream is closed for this operation (written after close, read after stop-sending). */
    STREAM_CLOSED(0x47),
    /** Local: opening one more stream would exceed the peer's stream limit. */
    STREAM_LIMIT_REACHED(0x48),
    /** Local: a blocking method was called on a Netty event-loop thread, where it would deadlock. */
    BLOCKING_ON_EVENT_LOOP(0x49),
    /** Local: the thread was interrupted while it waited; its interrupt flag is set again. */
    INTERRUPTED(0x4a),
    /** Local: the session has no such path, or that path is no longer live. */
    PATH_NOT_FOUND(0x4b),
    /** Local: only the session's primary server may do this (add or remove paths); this server is a secondary. */
    NOT_PRIMARY(0x4c),
    /** Local: the path is the last one to this server and cannot be removed; add another first. */
    LAST_PATH(0x4d),
    /** Local: the server could not bind its UDP socket because another socket holds that address and port. */
    ADDRESS_IN_USE(0x4e),
    /** Local: the server could not bind its UDP socket for another reason (address not local, no permission). */
    BIND_FAILED(0x4f),
    /** Local: a path was asked for from a client interface the client does not have (or has not announced). */
    INTERFACE_UNKNOWN(0x50),
    /** Local: the client interface a path uses (or was asked to use) is down. */
    INTERFACE_DOWN(0x51);

    private final int wireValue;

    ErrorCode(int wireValue) {
        this.wireValue = wireValue;
    }

    /** The value sent on the wire. */
    public int wireValue() {
        return wireValue;
    }

    /** Whether this code only describes what one process saw (never sent in CLOSE). */
    public boolean isLocal() {
        return wireValue >= 0x40;
    }

    /** Maps a wire value back to its code; unknown values become {@link #PROTOCOL_VIOLATION}. */
    public static ErrorCode fromWire(long value) {
        for (ErrorCode c : values()) {
            if (c.wireValue == value) {
                return c;
            }
        }
        return PROTOCOL_VIOLATION;
    }
}

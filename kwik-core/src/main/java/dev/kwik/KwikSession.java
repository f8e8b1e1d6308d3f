package dev.kwik;

import java.time.Duration;

/**
 * A KWIK session as both sides see it: a QUIC-like connection whose streams carry messages. On the client it
 * is a facade over every path of the session; paths and the control plane are invisible here.
 *
 * <p>Thread-safe. Blocking methods throw {@link KwikException} with {@link ErrorCode#BLOCKING_ON_EVENT_LOOP}
 * when called on a Netty event-loop thread.
 */
public interface KwikSession extends AutoCloseable {
    /** The 128-bit session id the server assigned, as 32 hex digits. */
    String id();

    /**
     * Opens a bidirectional stream without waiting. Nothing is sent until the first write.
     *
     * @throws KwikException {@link ErrorCode#STREAM_LIMIT_REACHED} at the peer's stream limit
     */
    KwikStream openStream();

    /** Opens a bidirectional stream, waiting for stream credit from the peer without limit. */
    KwikStream openStreamSync();

    /** Opens a bidirectional stream, waiting at most {@code timeout} for credit ({@link ErrorCode#TIMEOUT}). */
    KwikStream openStreamSync(Duration timeout);

    /** Opens a unidirectional (send-only) stream without waiting; fails fast at the peer's limit. */
    KwikStream openUniStream();

    /**
     * Waits for the next stream the peer opens. Returns {@code null} once the session ended in order (either side
     * called {@link #close()}, application code 0) and every stream the peer opened was accepted, so a handler can
     * loop {@code while ((s = session.acceptStream()) != null)}; after a close with an application code or an error
     * it throws {@link KwikSessionClosedException} with that code.
     */
    KwikStream acceptStream();

    /**
     * Waits at most {@code timeout} for the next stream the peer opens ({@link ErrorCode#TIMEOUT}); {@code null}
     * after an orderly end, as {@link #acceptStream()}.
     */
    KwikStream acceptStream(Duration timeout);

    /**
     * Closes the session gracefully: waits (up to the linger timeout) until the peer acknowledged everything
     * written, then sends CLOSE. On both sides writes then fail with {@link ErrorCode#SESSION_CLOSED}; reads
     * still return what had arrived in order (a stream whose FIN arrived ends normally, one without fails with
     * SESSION_CLOSED past its last byte), and streams the peer opened can still be accepted to read them.
     * After a close with an error, or the loss of every path, reads fail at once. Idempotent.
     */
    @Override
    void close();

    /** Closes with an application code and reason, which the peer's failing calls report. */
    void close(long code, String reason);

    /** Whether the session can still carry streams. */
    boolean isOpen();
}

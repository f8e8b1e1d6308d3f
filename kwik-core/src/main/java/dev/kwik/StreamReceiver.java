package dev.kwik;

import java.nio.ByteBuffer;

/**
 * Push-style reading of one stream (see {@link KwikStream#receive}): the stream's bytes are handed over on a Netty
 * event-loop thread as they arrive, instead of to a thread blocked in {@code read}. This is how Netty applications
 * consume their own channels, and it saves the hand-off to a reader thread (a wake-up per batch of packets).
 *
 * <p>Calls for one stream never overlap and come in offset order: any number of {@link #onData} calls, then exactly
 * one of {@link #onEnd} or {@link #onError}, after which nothing more is called. Each call runs on one of the
 * session's event-loop threads with the stream's lock held (only an {@code onError} after the {@code KwikClient}
 * or {@code KwikServer} itself was closed may run on the closing thread, the loops being gone), so it must be
 * quick and must not block: blocking KWIK calls throw {@link ErrorCode#BLOCKING_ON_EVENT_LOOP} there, and writers
 * of the same stream wait while it runs.
 * Hand slow work to an executor of your own, and apply back-pressure with {@link KwikStream#pauseReceiving()}.
 *
 * <p>A receiver that throws stops the stream as {@link KwikStream#stopSending(long) stopSending(0)} would, and
 * then gets {@link #onError} with {@link ErrorCode#STREAM_CLOSED} and the thrown exception as its cause.
 */
public interface StreamReceiver {
    /**
     * Bytes of the current message, in order. A message may come in several calls; {@code messageEnd} is true on
     * the call that ends it (one peer {@code write}), and one call never holds bytes of two messages.
     *
     * @param data read-only view of the bytes, valid only during the call (copy what you keep). The bytes count
     *             as read when the call returns: the peer's credit moves on then.
     */
    void onData(KwikStream stream, ByteBuffer data, boolean messageEnd);

    /** The peer ended the stream (FIN) and every byte was handed over. */
    default void onEnd(KwikStream stream) {
    }

    /**
     * The receiving side failed: the exception a blocking {@code read} would have thrown at this point (the peer
     * reset the stream, the session closed, {@link KwikStream#stopSending} was called, ...).
     */
    default void onError(KwikStream stream, KwikException error) {
    }
}

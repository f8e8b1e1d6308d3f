package dev.kwik;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * One logical KWIK stream: ordered bytes with RFC 9000 semantics (ids, FIN and final size, reset,
 * stop-sending) and message boundaries: every {@link #write} is one message, and a read never returns bytes of
 * two messages at once.
 *
 * <p>Threading: one reader thread and one writer thread may use a stream concurrently; concurrent writers are
 * serialised per message. Instead of a reader thread, a {@link StreamReceiver} may take the bytes on the event
 * loop as they arrive ({@link #receive}). Every blocking method throws {@link KwikException} with
 * {@link ErrorCode#BLOCKING_ON_EVENT_LOOP} when called on a Netty event-loop thread.
 */
public interface KwikStream {
    /** The RFC 9000 stream id (bit 0: initiator, 0 client / 1 server; bit 1: 1 unidirectional). */
    long id();

    /** Whether both sides may send on this stream. */
    boolean isBidirectional();

    /** Whether this side opened the stream. */
    boolean isLocal();

    /**
     * Reads available bytes of the current message into {@code b}, blocking until at least one byte, the end of
     * the stream, or an error.
     *
     * @return bytes read (never spanning two messages), or -1 at the end of the stream
     * @throws KwikStreamException if the peer reset the stream
     * @throws KwikException       if the session closed
     */
    int read(byte[] b, int off, int len);

    /** {@link #read(byte[], int, int)} that gives up with {@link ErrorCode#TIMEOUT} after {@code timeout}. */
    int read(byte[] b, int off, int len, Duration timeout);

    /**
     * Reads exactly the bytes of one peer {@code write} (from the current read position to the message end),
     * in offset order, blocking until the whole message has arrived.
     *
     * @return the message, or {@code null} at the end of the stream
     */
    byte[] readMessage();

    /** {@link #readMessage()} that gives up with {@link ErrorCode#TIMEOUT} after {@code timeout}. */
    byte[] readMessage(Duration timeout);

    /**
     * Switches this stream to push-style reading: from now on its bytes, from the current read position, go to
     * {@code receiver} on an event-loop thread as they arrive (see {@link StreamReceiver} for the contract), and
     * {@code read}, {@code readMessage} and {@link #inputStream()} throw {@link IllegalStateException} (also in a
     * reader blocked at that moment). Bytes already here come first, on an event-loop thread soon after this call.
     * Any thread; may be called once per stream. Does not block.
     *
     * @throws KwikException         with {@link ErrorCode#STREAM_STATE_ERROR} on a stream this side cannot read
     *                               (its own unidirectional stream)
     * @throws IllegalStateException if a receiver is already set
     */
    void receive(StreamReceiver receiver);

    /**
     * Stops handing bytes to the {@link StreamReceiver} until {@link #resumeReceiving()}: they stay buffered, and
     * as they are not read the peer runs out of credit once the stream window is full (back-pressure). Any thread,
     * including the receiver's own calls (the current call finishes; no further {@code onData} follows). A reset or
     * a failure is still reported while paused; the end of the stream, and bytes that stay readable after a
     * graceful session close, come after resuming.
     */
    void pauseReceiving();

    /** Hands buffered bytes to the receiver again (on an event-loop thread, not in this call). Any thread. */
    void resumeReceiving();

    /**
     * Sends {@code len} bytes as one message at {@link #writePosition()}, blocking while the peer's stream or
     * session credit is exhausted. A zero-length write sends nothing. Returns once the bytes are handed to the
     * transport, not when the peer has them.
     *
     * @throws KwikStreamException if the peer asked to stop sending
     * @throws KwikException       if the stream was closed or reset locally, or the session closed
     */
    void write(byte[] b, int off, int len);

    /**
     * Sends {@code len} bytes as one message at {@code offset}, without moving {@link #writePosition()}.
     * Several threads may write different ranges of one stream at once this way (a writer blocked on credit
     * far ahead never stops another from filling a gap below it).
     */
    void write(long offset, byte[] b, int off, int len);

    /** Writes all of {@code b} as one message. */
    default void write(byte[] b) {
        write(b, 0, b.length);
    }

    /** Offset at which the next write lands (the end of the previous write unless moved). */
    long writePosition();

    /**
     * Moves the offset of the next {@link #write(byte[], int, int)}. Lets several writers (for example a primary and a secondary server)
     * fill one stream at agreed offsets. Bytes written twice at one offset must be equal: the receiver rejects
     * different bytes as a protocol violation.
     */
    void writePosition(long offset);

    /**
     * Ends the sending side: FIN with the final size at the highest offset written, or at
     * {@link #writePosition()} if that lies beyond (a writer that leaves ranges to other writers, such as a
     * primary whose secondary fills the gaps, moves the position to the end first, or calls {@link #close(long)}).
     * Never blocks: the FIN carries no data and needs no credit, whatever the peer has read. Bytes another writer
     * (a secondary) wrote past the final size are refused to that writer; the stream and session go on. On a
     * secondary's attached stream it only releases the writer. Idempotent.
     */
    void close();

    /**
     * Ends the sending side with exactly {@code finalSize} bytes: for a writer whose ranges others fill (a primary
     * ending a stream its secondaries write into). Never blocks. No effect once the sending side is closed.
     *
     * @throws IllegalArgumentException if this side already wrote past {@code finalSize}
     * @throws KwikException            {@link ErrorCode#STREAM_STATE_ERROR} on a secondary's attached writer
     */
    void close(long finalSize);

    /** Abandons the sending side; the peer's reads fail with {@link ErrorCode#STREAM_RESET} and {@code code}. */
    void reset(long code);

    /**
     * Tells the peer to stop sending; its writes fail with {@link ErrorCode#STREAM_STOPPED} and {@code code}.
     * Unread bytes are discarded and later reads fail with {@link ErrorCode#STREAM_CLOSED}.
     */
    void stopSending(long code);

    /** A blocking {@link InputStream} over {@link #read}. Closing it calls {@link #stopSending(long)} with 0 unless at EOF. */
    InputStream inputStream();

    /** An {@link OutputStream} whose every {@code write} call is one message; {@code close()} is {@link #close()}. */
    OutputStream outputStream();
}

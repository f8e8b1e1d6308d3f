package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.Executor;

/** What a {@link LogicalStream} needs from its session: packet buffers, sending, session credit, lifecycle. */
public interface StreamHost {
    /** A packet buffer with header room in front, ready for frames of up to {@code frameBytes}. */
    ByteBuf newPacket(int frameBytes);

    /** Sends a packet holding frames of stream {@code streamId} (the path's data channel for that stream). */
    void sendStreamPacket(long streamId, ByteBuf packet);

    /**
     * Sends a packet of control frames about a stream (MAX_STREAM_DATA, STOP_SENDING) on the control channel, to
     * every server or client that may write into the session's streams.
     */
    void sendToAllWriters(ByteBuf packet);

    /**
     * Blocks until session credit is available and takes up to {@code wanted} bytes of it (at least one).
     *
     * @throws KwikException when the session closes while waiting
     */
    long acquireSessionCredit(long wanted);

    /** The session's flow control, which each stream's {@link WriterCredit} feeds directly. */
    SessionFlowControl sessionFlow();

    /** Writer {@code source}'s session credit should rise to {@code max}: send it MAX_DATA. */
    void maxDataDue(int source, long max);

    /**
     * Writer {@code source} (a secondary server, on a client) broke a rule about data it wrote, found after its
     * frames were taken (its bytes past the final size the primary set later): close that writer's paths with
     * {@code code}; the session goes on.
     */
    void writerViolated(int source, ErrorCode code, String reason);

    /** Both directions of the stream are finished: forget it and return its slot to the peer. */
    void streamDone(LogicalStream stream);

    /** Largest STREAM payload per frame. */
    int maxFramePayload();

    /** Receive window per stream: how far past the read position the peer may send. */
    long streamWindow();

    /** The session's budget of held pieces, shared by its streams' receive buffers. */
    HeldPieces heldPieces();

    /** An event loop of the session, where a stream's {@link dev.kwik.StreamReceiver} is called when no frame is being handled. */
    Executor receiverLoop();
}

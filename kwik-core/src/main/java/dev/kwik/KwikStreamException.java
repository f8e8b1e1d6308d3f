package dev.kwik;

/**
 * A stream operation failed because the peer reset the stream ({@link ErrorCode#STREAM_RESET}) or asked this
 * side to stop sending ({@link ErrorCode#STREAM_STOPPED}). {@link #applicationCode()} is the code the peer's
 * application passed to {@code reset(code)} or {@code stopSending(code)}.
 */
public final class KwikStreamException extends KwikException {
    private static final long serialVersionUID = 1L;

    private final long streamId;
    private final long applicationCode;

    public KwikStreamException(ErrorCode code, long streamId, long applicationCode, String message) {
        super(code, message);
        this.streamId = streamId;
        this.applicationCode = applicationCode;
    }

    /** The stream the failure concerns. */
    public long streamId() {
        return streamId;
    }

    /** The application error code the peer gave. */
    public long applicationCode() {
        return applicationCode;
    }
}

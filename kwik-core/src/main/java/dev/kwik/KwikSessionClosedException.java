package dev.kwik;

/**
 * The session is closed ({@link ErrorCode#SESSION_CLOSED}, or the protocol error that closed it). Says who
 * closed it and, for an application close, the code the closing application gave.
 */
public final class KwikSessionClosedException extends KwikException {
    private static final long serialVersionUID = 1L;

    private final boolean byPeer;
    private final long applicationCode;

    public KwikSessionClosedException(ErrorCode code, boolean byPeer, long applicationCode, String message) {
        super(code, message);
        this.byPeer = byPeer;
        this.applicationCode = applicationCode;
    }

    /** Whether the peer closed the session (as opposed to this side, or the network). */
    public boolean closedByPeer() {
        return byPeer;
    }

    /** The code passed to {@link KwikSession#close(long, String)}; 0 otherwise. */
    public long applicationCode() {
        return applicationCode;
    }
}

package dev.kwik;

/** A blocking call ran out of time ({@link ErrorCode#TIMEOUT} or {@link ErrorCode#CONNECT_TIMEOUT}). */
public final class KwikTimeoutException extends KwikException {
    private static final long serialVersionUID = 1L;

    public KwikTimeoutException(ErrorCode code, String message) {
        super(code, message);
    }
}

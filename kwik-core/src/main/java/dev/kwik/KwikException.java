package dev.kwik;

import java.util.Objects;

/**
 * Every failure KWIK reports to an application. {@link #code()} says what happened in a form a program can
 * switch on; the message says it for a person, with what to do where there is something to do.
 */
public class KwikException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public KwikException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public KwikException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The machine-readable reason. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + code + "]: " + getMessage();
    }
}

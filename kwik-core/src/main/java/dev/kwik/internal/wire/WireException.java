package dev.kwik.internal.wire;

import dev.kwik.ErrorCode;

/**
 * A wire-level error found while decoding or applying frames. Thrown on the event loop, caught at the path
 * boundary, and turned into a CLOSE frame carrying {@link #code()} followed by session closure.
 * Stack traces are not filled in: this is a control-flow signal for hostile or broken input.
 */
public final class WireException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public WireException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}

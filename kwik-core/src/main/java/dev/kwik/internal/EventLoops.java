package dev.kwik.internal;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import io.netty.util.internal.ThreadExecutorMap;

/**
 * The one place that decides whether the calling thread may block: not a Netty event-loop thread (any loop, not
 * just KWIK's: blocking one would stall every connection it serves, and waiting there for that same loop's work
 * would deadlock). Every blocking call of the public API asks here first.
 */
public final class EventLoops {
    private EventLoops() {
    }

    /** Whether the calling thread is a Netty event loop. */
    public static boolean onEventLoop() {
        return ThreadExecutorMap.currentExecutor() != null;
    }

    /** {@link #checkMayBlock(String, String)} for a call with no non-blocking twin. */
    public static void checkMayBlock(String operation) {
        checkMayBlock(operation, "");
    }

    /**
     * Throws {@link ErrorCode#BLOCKING_ON_EVENT_LOOP} on an event-loop thread. {@code operation}: the blocking
     * method, as the user wrote it; {@code instead}: what to call there instead (may be empty).
     */
    public static void checkMayBlock(String operation, String instead) {
        if (onEventLoop()) {
            throw new KwikException(ErrorCode.BLOCKING_ON_EVENT_LOOP, operation + "() blocks and was called on the "
                    + "Netty event-loop thread " + Thread.currentThread().getName() + ", where it would deadlock; "
                    + (instead.isEmpty() ? "call it from an application thread" : "use " + instead + " there"));
        }
    }
}

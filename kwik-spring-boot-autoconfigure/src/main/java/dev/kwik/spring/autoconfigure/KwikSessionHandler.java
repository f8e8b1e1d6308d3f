package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikServerSession;

/**
 * Handles the sessions the auto-configured {@code KwikServer} accepts. Declare one as a bean; when at least one
 * exists, the server accepts sessions and runs the handlers for each, in {@code @Order}, on one thread of a
 * bounded pool ({@code kwik.server.handler-threads}, {@code kwik.server.handler-queue-capacity}).
 * <p>The handler may block (accept streams, read, write). Returning does not close the session; an exception
 * is logged and closes the session with application code 500.
 */
@FunctionalInterface
public interface KwikSessionHandler {
    void handle(KwikServerSession session) throws Exception;
}

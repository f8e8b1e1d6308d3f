package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikServerSession;

/**
 * Handles the sessions the auto-configured {@code KwikServer} accepts. Declare one as a bean; when at least one
 * exists, the server accepts sessions and runs the handlers for each, in {@code @Order}, on one thread of a
 * bounded pool ({@code kwik.server.handler-threads}, {@code kwik.server.handler-queue-capacity}).
 * <p>The handler may block (accept streams, read, write). Returning does not close the session. The session
 * ending under the handler is not a failure: {@code acceptStream()} returns null after an orderly close, and a
 * {@code KwikSessionClosedException} thrown out of the handler is logged at DEBUG (orderly) or INFO (lost). Any
 * other exception is logged as a warning and closes the session with application code 500. A handler serving
 * every stream of its session:
 * <pre>{@code
 * @Bean
 * KwikSessionHandler echo() {
 *     return session -> {
 *         KwikStream s;
 *         while ((s = session.acceptStream()) != null) {   // null: the client closed the session
 *             byte[] m;
 *             while ((m = s.readMessage()) != null) {        // null: the client ended the stream
 *                 s.write(m);
 *             }
 *             s.close();
 *         }
 *     };
 * }
 * }</pre>
 */
@FunctionalInterface
public interface KwikSessionHandler {
    void handle(KwikServerSession session) throws Exception;
}

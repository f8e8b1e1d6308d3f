package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikServerSession;

/**
 * What the starter reports of its own work to a tracing or metrics system: each accepted session (while its
 * handlers run), each handler invocation, each dial of the injectable client session. The starter uses
 * {@link #NONE} unless a bean exists; with Micrometer's {@code ObservationRegistry} present it is
 * {@code dev.kwik.spring.autoconfigure.observation.KwikObservations} ({@code kwik.observation.enabled}).
 */
public interface KwikObserver {
    /** Reports nothing. */
    KwikObserver NONE = new KwikObserver() {
        @Override
        public Scope accepted(KwikServerSession session) {
            return Scope.NONE;
        }

        @Override
        public Scope handler(Scope accepted, KwikSessionHandler handler) {
            return Scope.NONE;
        }

        @Override
        public Scope dial(String address) {
            return Scope.NONE;
        }
    };

    /** An accepted session, until its handlers have run. */
    Scope accepted(KwikServerSession session);

    /** One handler invocation, within its session's {@code accepted} scope. */
    Scope handler(Scope accepted, KwikSessionHandler handler);

    /** One dial by the injectable client session. */
    Scope dial(String address);

    /** A started piece of work. */
    interface Scope {
        Scope NONE = (outcome, error) -> { };

        /**
         * Ends it. {@code outcome}: a bounded word ({@code ok}, {@code session-ended}, {@code failed}, or an error
         * code's name); {@code error}: the failure, or null.
         */
        void stop(String outcome, Throwable error);
    }
}

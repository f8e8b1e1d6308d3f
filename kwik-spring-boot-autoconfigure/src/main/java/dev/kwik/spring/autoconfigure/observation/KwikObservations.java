package dev.kwik.spring.autoconfigure.observation;

import dev.kwik.KwikServerSession;
import dev.kwik.spring.autoconfigure.KwikObserver;
import dev.kwik.spring.autoconfigure.KwikSessionHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import java.util.Locale;

/**
 * {@link KwikObserver} on Micrometer's Observation API, so that Spring's tracing and metrics show KWIK work:
 * <ul>
 *   <li>{@code kwik.session.accepted}: an accepted session while its handlers run; keys {@code kwik.role}
 *   (primary|secondary), {@code kwik.outcome};</li>
 *   <li>{@code kwik.handler}: one handler invocation, a child of the above; keys {@code kwik.handler} (the
 *   handler's class name), {@code kwik.outcome} (ok|session-ended|failed);</li>
 *   <li>{@code kwik.session.dial}: one dial of the injectable client session; key {@code kwik.outcome} (ok or
 *   the error code's name).</li>
 * </ul>
 * Every key has few values (no session id, address or port). Session ids go in the high-cardinality
 * {@code kwik.session.id} (traces only).
 */
public final class KwikObservations implements KwikObserver {
    private final ObservationRegistry registry;

    public KwikObservations(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Scope accepted(KwikServerSession session) {
        Observation o = Observation.createNotStarted("kwik.session.accepted", registry)
                .contextualName("kwik accepted session")
                .lowCardinalityKeyValue("kwik.role", session.role().name().toLowerCase(Locale.ROOT))
                .highCardinalityKeyValue("kwik.session.id", session.id())
                .start();
        return new ObservationScope(o);
    }

    @Override
    public Scope handler(Scope accepted, KwikSessionHandler handler) {
        Observation o = Observation.createNotStarted("kwik.handler", registry)
                .contextualName("kwik handler")
                .lowCardinalityKeyValue("kwik.handler", handlerName(handler));
        if (accepted instanceof ObservationScope parent) {
            o.parentObservation(parent.observation);
        }
        return new ObservationScope(o.start());
    }

    @Override
    public Scope dial(String address) {
        return new ObservationScope(Observation.createNotStarted("kwik.session.dial", registry)
                .contextualName("kwik dial").start());
    }

    /** A lambda's class name is synthetic and per build; say "lambda" for those, the class name otherwise. */
    private static String handlerName(KwikSessionHandler handler) {
        Class<?> c = handler.getClass();
        return c.isSynthetic() || c.getName().contains("$$Lambda") ? "lambda" : c.getName();
    }

    private record ObservationScope(Observation observation) implements Scope {
        @Override
        public void stop(String outcome, Throwable error) {
            observation.lowCardinalityKeyValue("kwik.outcome", outcome);
            if (error != null) {
                observation.error(error);
            }
            observation.stop();
        }
    }
}

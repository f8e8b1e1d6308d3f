package dev.kwik.spring.autoconfigure.observation;

import dev.kwik.KwikServerSession;
import dev.kwik.spring.autoconfigure.KwikObserver;
import dev.kwik.spring.autoconfigure.KwikSessionHandler;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
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

    /**
     * Gives the meters Micrometer derives from these observations (timers {@code kwik.session.dial},
     * {@code kwik.session.accepted}, {@code kwik.handler} and their {@code .active} long-task timers) a
     * description, which the observation API cannot carry: Prometheus then has HELP text for every kwik_* family.
     */
    public static MeterFilter descriptions() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getDescription() != null) {
                    return id;
                }
                String name = id.getName();
                String d = name.startsWith("kwik.session.dial") ? "Dials of the injectable KWIK client session"
                        : name.startsWith("kwik.session.accepted") ? "Accepted KWIK sessions, while their handlers run"
                        : name.startsWith("kwik.handler") ? "KWIK session handler invocations"
                        : null;
                return d == null ? id : new Meter.Id(name, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), d, id.getType());
            }
        };
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

package dev.kwik.spring.autoconfigure.observation;

import dev.kwik.KwikServer;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.spring.autoconfigure.Awaits;
import dev.kwik.spring.autoconfigure.EchoHandler;
import dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikObserver;
import dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikSessionHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class KwikObservationAutoConfigurationTests {
    private static final Duration T = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KwikObservationAutoConfiguration.class,
                    KwikServerAutoConfiguration.class, KwikClientAutoConfiguration.class))
            .withPropertyValues("kwik.server.enabled=true", "kwik.server.address=127.0.0.1", "kwik.server.port=0",
                    "kwik.server.ssl.self-signed=true", "kwik.client.address=localhost:${local.kwik.server.port}");

    private static void roundTrip(KwikSession session) {
        KwikStream s = session.openStream();
        s.write("ping".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(s.readMessage(T), StandardCharsets.UTF_8)).isEqualTo("ping");
        s.close();
    }

    @Test
    void sessionsHandlersAndDialsAreObservedWithBoundedKeys() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        runner.withBean(ObservationRegistry.class, () -> registry)
                .withBean(KwikSessionHandler.class, EchoHandler::new).run(ctx -> {
                    assertThat(ctx).hasSingleBean(KwikObservations.class);
                    KwikSession session = ctx.getBean(KwikSession.class);
                    roundTrip(session);
                    String id = session.id();
                    session.close();
                    Awaits.until(() -> ctx.getBean(KwikServer.class).sessions().isEmpty());
                    // The accepted session's observation stops once its handler returned.
                    Awaits.until(() -> {
                        try {
                            assertThat(registry).hasObservationWithNameEqualTo("kwik.session.accepted").that().hasBeenStopped();
                            return true;
                        } catch (AssertionError notYet) {
                            return false;
                        }
                    });
                    assertThat(registry).hasObservationWithNameEqualTo("kwik.session.dial").that()
                            .hasLowCardinalityKeyValue("kwik.outcome", "ok").hasBeenStarted().hasBeenStopped();
                    assertThat(registry).hasObservationWithNameEqualTo("kwik.session.accepted").that()
                            .hasLowCardinalityKeyValue("kwik.role", "primary")
                            .hasLowCardinalityKeyValue("kwik.outcome", "ok")
                            .hasHighCardinalityKeyValue("kwik.session.id", id).hasBeenStopped();
                    assertThat(registry).hasObservationWithNameEqualTo("kwik.handler").that()
                            .hasLowCardinalityKeyValue("kwik.handler", EchoHandler.class.getName())
                            .hasLowCardinalityKeyValue("kwik.outcome", "ok").hasParentObservation().hasBeenStopped();
                });
    }

    @Test
    void theTimersTheObservationsBecomeHaveHelpText() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        meters.config().meterFilter(KwikObservations.descriptions());
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(
                new io.micrometer.core.instrument.observation.DefaultMeterObservationHandler(meters));
        new KwikObservations(registry).dial("h:1").stop("ok", null);
        assertThat(meters.getMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getDescription())
                .as(m.getId().getName()).isEqualTo("Dials of the injectable KWIK client session"));
    }

    @Test
    void aLambdaHandlerIsNamedLambdaNotItsSyntheticClass() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        new KwikObservations(registry).handler(KwikObserver.Scope.NONE, session -> { }).stop("ok", null);
        assertThat(registry).hasObservationWithNameEqualTo("kwik.handler").that()
                .hasLowCardinalityKeyValue("kwik.handler", "lambda");
    }

    @Test
    void offByPropertyOrWithoutARegistry() {
        runner.withBean(ObservationRegistry.class, TestObservationRegistry::create)
                .withPropertyValues("kwik.observation.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(KwikObserver.class));
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(KwikObserver.class));
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void handlersRunOnVirtualThreadsWhenSpringBootsVirtualThreadsAreOn() throws Exception {
        EchoHandler echo = new EchoHandler();
        runner.withPropertyValues("spring.threads.virtual.enabled=true")
                .withBean(KwikSessionHandler.class, () -> echo).run(ctx -> {
                    roundTrip(ctx.getBean(KwikSession.class));
                    Thread t = echo.thread.get(10, TimeUnit.SECONDS);
                    assertThat((Boolean) Thread.class.getMethod("isVirtual").invoke(t)).isTrue();
                    assertThat(t.getName()).startsWith("kwik-handler-");
                });
    }

    @Test
    void handlersRunOnPlatformThreadsByDefault() throws Exception {
        EchoHandler echo = new EchoHandler();
        runner.withBean(KwikSessionHandler.class, () -> echo).run(ctx -> {
            roundTrip(ctx.getBean(KwikSession.class));
            Thread t = echo.thread.get(10, TimeUnit.SECONDS);
            assertThat(t.getName()).startsWith("kwik-handler-");
            assertThat(t.isDaemon()).isTrue();
        });
    }
}

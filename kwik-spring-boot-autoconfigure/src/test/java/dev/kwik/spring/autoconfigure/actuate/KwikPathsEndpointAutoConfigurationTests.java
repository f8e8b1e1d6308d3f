package dev.kwik.spring.autoconfigure.actuate;

import dev.kwik.KwikServer;
import dev.kwik.KwikSession;
import dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration;
import dev.kwik.spring.autoconfigure.TestCertificates;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KwikPathsEndpointAutoConfigurationTests {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                    KwikServerAutoConfiguration.class, KwikClientAutoConfiguration.class,
                    KwikPathsEndpointAutoConfiguration.class))
            .withPropertyValues("kwik.server.enabled=true", "kwik.server.address=127.0.0.1", "kwik.server.port=0",
                    "kwik.server.ssl.certificate=" + TestCertificates.certificateLocation(),
                    "kwik.server.ssl.private-key=" + TestCertificates.privateKeyLocation(),
                    "kwik.client.ssl.trust-certificate=" + TestCertificates.certificateLocation());

    @Test
    void endpointOnlyWhenExposed() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(KwikPathsEndpoint.class));
        runner.withPropertyValues("management.endpoints.web.exposure.include=kwikpaths")
                .run(ctx -> assertThat(ctx).hasSingleBean(KwikPathsEndpoint.class));
    }

    @Test
    void endpointCanBeDisabled() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=kwikpaths",
                        "management.endpoint.kwikpaths.access=NONE")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(KwikPathsEndpoint.class));
    }

    @Test
    void backsOffWithoutActuator() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=kwikpaths")
                .withClassLoader(new FilteredClassLoader(Endpoint.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(KwikPathsEndpoint.class));
    }

    @Test
    void userDefinedEndpointWins() {
        KwikPathsEndpoint mine = new KwikPathsEndpoint(List.of(), List.of(), Duration.ofSeconds(1));
        runner.withPropertyValues("management.endpoints.web.exposure.include=kwikpaths")
                .withBean(KwikPathsEndpoint.class, () -> mine)
                .run(ctx -> assertThat(ctx.getBean(KwikPathsEndpoint.class)).isSameAs(mine));
    }

    @Test
    void listsBothSidesOfALiveSessionAndAnswers404ForUnknownOnes() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=kwikpaths").run(ctx -> {
            KwikServer server = ctx.getBean(KwikServer.class);
            KwikSession session = ctx.getBean(dev.kwik.KwikClient.class).dial("localhost:" + server.localAddress().getPort());
            KwikPathsEndpoint endpoint = ctx.getBean(KwikPathsEndpoint.class);
            KwikPathsEndpoint.SessionsDescriptor all = endpoint.sessions();
            assertThat(all.server()).singleElement().satisfies(s -> {
                assertThat(s.id()).isEqualTo(session.id());
                assertThat(s.role()).isEqualTo("primary");
                assertThat(s.paths()).singleElement().satisfies(p -> {
                    assertThat(p.state()).isEqualTo("ACTIVE");
                    assertThat(p.defaultPath()).isTrue();
                });
            });
            assertThat(all.client()).singleElement().satisfies(s -> assertThat(s.paths()).singleElement()
                    .satisfies(p -> assertThat(p.address()).endsWith(":" + server.localAddress().getPort())));

            WebEndpointResponse<?> unknown = endpoint.session("00");
            assertThat(unknown.getStatus()).isEqualTo(404);
            assertThat(unknown.getBody()).hasToString("ErrorDescriptor[code=NOT_FOUND, message=no KWIK session 00]");
            assertThat(endpoint.removePath(session.id(), 99).getStatus()).isEqualTo(404);
            assertThat(endpoint.removePath(session.id(), 0).getStatus()).as("only path to this server").isEqualTo(409);
            assertThat(endpoint.addPath(session.id(), "no-port", null).getStatus()).isEqualTo(400);
            session.close();
        });
    }
}

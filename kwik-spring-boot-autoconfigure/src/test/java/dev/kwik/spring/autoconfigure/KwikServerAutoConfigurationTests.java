package dev.kwik.spring.autoconfigure;

import dev.kwik.ErrorCode;
import dev.kwik.KwikClient;
import dev.kwik.KwikException;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class KwikServerAutoConfigurationTests {
    private static final Duration T = Duration.ofSeconds(10);
    private static final KwikClient CLIENT = KwikClient.builder().trustCertificate(TestCertificates.certificate()).build();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KwikServerAutoConfiguration.class, SslAutoConfiguration.class))
            .withPropertyValues("kwik.server.address=127.0.0.1", "kwik.server.port=0");

    private final ApplicationContextRunner pemServer = runner.withPropertyValues("kwik.server.enabled=true",
            "kwik.server.ssl.certificate=" + TestCertificates.certificateLocation(),
            "kwik.server.ssl.private-key=" + TestCertificates.privateKeyLocation());

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    private static String address(KwikServer server) {
        return "localhost:" + server.localAddress().getPort();
    }

    @Test
    void noServerUnlessEnabled() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(KwikServer.class).doesNotHaveBean(KwikServerLifecycle.class));
    }

    @Test
    void selfSignedServerListensWithTheContextAndStopsWithIt() {
        KwikServer[] held = new KwikServer[1];
        runner.withPropertyValues("kwik.server.enabled=true", "kwik.server.ssl.self-signed=true").run(ctx -> {
            assertThat(ctx).hasSingleBean(KwikServer.class).hasSingleBean(KwikServerLifecycle.class);
            KwikServer server = ctx.getBean(KwikServer.class);
            held[0] = server;
            assertThat(server.isListening()).isTrue();
            assertThat(server.localAddress().getAddress().isLoopbackAddress()).isTrue();
            assertThat(server.selfSignedCertificate()).isFile();
            try (KwikClient c = KwikClient.builder().trustCertificate(server.selfSignedCertificate()).build()) {
                assertThat(c.dial(address(server)).isOpen()).isTrue();
            }
        });
        assertThat(held[0].isListening()).isFalse();
    }

    @Test
    void pemCertificateIsWhatClientsVerify() {
        pemServer.run(ctx -> {
            KwikSession s = CLIENT.dial(address(ctx.getBean(KwikServer.class)));
            assertThat(s.isOpen()).isTrue();
            s.close();
        });
    }

    @Test
    void sslBundleCertificateIsWhatClientsVerify() {
        runner.withPropertyValues("kwik.server.enabled=true", "kwik.server.ssl.bundle=kwik",
                "spring.ssl.bundle.pem.kwik.keystore.certificate=" + TestCertificates.certificateLocation(),
                "spring.ssl.bundle.pem.kwik.keystore.private-key=" + TestCertificates.privateKeyLocation()).run(ctx -> {
            KwikSession s = CLIENT.dial(address(ctx.getBean(KwikServer.class)));
            assertThat(s.isOpen()).isTrue();
            s.close();
        });
    }

    @Test
    void aReloadedSslBundleAppliesToNewConnectionsWithoutARestart(@TempDir java.nio.file.Path dir) throws Exception {
        io.netty.handler.ssl.util.SelfSignedCertificate renewed = new io.netty.handler.ssl.util.SelfSignedCertificate("localhost");
        java.nio.file.Path cert = dir.resolve("cert.pem");
        java.nio.file.Path key = dir.resolve("key.pem");
        java.nio.file.Files.copy(TestCertificates.certificate().toPath(), cert);
        java.nio.file.Files.copy(new java.io.File(TestCertificates.privateKeyLocation().replace("file:", "")).toPath(), key);
        try (KwikClient trustsRenewed = KwikClient.builder().trustCertificate(renewed.certificate()).build()) {
            runner.withPropertyValues("kwik.server.enabled=true", "kwik.server.address=127.0.0.1", "kwik.server.port=0",
                    "kwik.server.ssl.bundle=kwik", "spring.ssl.bundle.pem.kwik.reload-on-update=true",
                    "spring.ssl.bundle.watch.file.quiet-period=100ms",
                    "spring.ssl.bundle.pem.kwik.keystore.certificate=file:" + cert,
                    "spring.ssl.bundle.pem.kwik.keystore.private-key=file:" + key).run(ctx -> {
                String address = address(ctx.getBean(KwikServer.class));
                KwikSession before = CLIENT.dial(address);
                assertThatThrownBy(() -> trustsRenewed.dial(address)).isInstanceOf(KwikException.class);

                java.nio.file.Files.copy(renewed.privateKey().toPath(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                java.nio.file.Files.copy(renewed.certificate().toPath(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Awaits.until(() -> {
                    try {
                        trustsRenewed.dial(address).close();
                        return true;
                    } catch (KwikException stillTheOldCertificate) {
                        return false;
                    }
                }, 20_000);
                assertThat(before.isOpen()).as("the session opened before the reload goes on").isTrue();
                before.close();
            });
        } finally {
            renewed.delete();
        }
    }

    @Test
    void everyPropertyGroupReachesTheBuilder() {
        pemServer.withUserConfiguration(CapturingCustomizer.class).withPropertyValues(
                "kwik.server.additional-addresses=127.0.0.1:0", "kwik.server.server-id=edge-1",
                "kwik.server.max-sessions=3", "kwik.server.max-paths-per-session=2",
                "kwik.server.ticket-lifetime=3s", "kwik.server.max-raw-message-size=1KB",
                "kwik.scheduler.policy=weighted", "kwik.paths.heartbeat-interval=100ms", "kwik.paths.dead-after=600ms",
                "kwik.streams.per-channel=2", "kwik.streams.max-concurrent=7", "kwik.flow-control.stream-window=1MB",
                "kwik.flow-control.session-window=8MB", "kwik.idle-timeout=20s", "kwik.client.connect-timeout=3s")
                .run(ctx -> {
                    String b = ctx.getBean(CapturingCustomizer.class).seen.get(0);
                    assertThat(b).contains("bind=/127.0.0.1:0", "alsoBind=[/127.0.0.1:0]", "certificate=key+chain",
                            "serverId=edge-1", "maxSessions=3", "maxPathsPerSession=2", "ticketLifetime=3000ms",
                            "maxRawMessageBytes=1024", "scheduler=weighted", "heartbeatInterval=100ms",
                            "deadAfter=600ms", "streamsPerChannel=2", "maxConcurrentStreams=7",
                            "streamWindow=1048576", "sessionWindow=8388608", "idleTimeout=20000ms",
                            "connectTimeout=3000ms");
                    assertThat(ctx.getBean(KwikServer.class).localAddresses()).hasSize(2);
                });
    }

    @Test
    void maxSessionsIsEnforcedOnTheWire() {
        pemServer.withPropertyValues("kwik.server.max-sessions=1").run(ctx -> {
            String address = address(ctx.getBean(KwikServer.class));
            KwikSession first = CLIENT.dial(address);
            assertThatThrownBy(() -> CLIENT.dial(address)).isInstanceOf(KwikException.class)
                    .satisfies(e -> assertThat(((KwikException) e).code()).isEqualTo(ErrorCode.SERVER_BUSY));
            first.close();
        });
    }

    @Test
    void streamLimitPropertyIsWhatThePeerGets() {
        pemServer.withPropertyValues("kwik.streams.max-concurrent=1").run(ctx -> {
            KwikSession s = CLIENT.dial(address(ctx.getBean(KwikServer.class)));
            s.openStream();
            assertThatThrownBy(s::openStream).isInstanceOf(KwikException.class)
                    .satisfies(e -> assertThat(((KwikException) e).code()).isEqualTo(ErrorCode.STREAM_LIMIT_REACHED));
            s.close();
        });
    }

    @Test
    void customizersRunInOrderAfterProperties() {
        pemServer.withUserConfiguration(OrderedCustomizers.class).withPropertyValues("kwik.server.server-id=from-props")
                .run(ctx -> assertThat(ctx.getBean(OrderedCustomizers.class).calls)
                        .containsExactly("first saw serverId=from-props", "second saw serverId=first"));
    }

    @Test
    void userDefinedServerWinsAndIsStartedWithTheContext() {
        pemServer.withUserConfiguration(UserServer.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(KwikServer.class);
            KwikServer server = ctx.getBean(KwikServer.class);
            assertThat(server).isSameAs(ctx.getBean("myServer"));
            assertThat(server.isListening()).isTrue();
        });
    }

    @Test
    void handlersGetEachAcceptedSessionInOrder() {
        pemServer.withUserConfiguration(EchoHandlers.class).run(ctx -> {
            KwikSession s = CLIENT.dial(address(ctx.getBean(KwikServer.class)));
            KwikStream stream = s.openStream();
            stream.write("ping".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(stream.readMessage(T), StandardCharsets.UTF_8)).isEqualTo("pong");
            assertThat(ctx.getBean(EchoHandlers.class).order).containsExactly("observer", "echo");
            s.close();
        });
    }

    @Test
    void aHandlerLoopEndsCleanlyWhenTheClientClosesAndNothingIsLoggedAsAFailure(CapturedOutput output) {
        EchoHandler loop = new EchoHandler();
        pemServer.withBean("loop", KwikSessionHandler.class, () -> loop        ).withBean("careless", KwikSessionHandler.class, () -> session -> {
            // Runs after the loop (handlers run in order): the session has ended, so its call fails with
            // KwikSessionClosedException, which is the session's end, not the handler's failure.
            session.openStream().write(new byte[1]);
        }).run(ctx -> {
            KwikSession s = CLIENT.dial(address(ctx.getBean(KwikServer.class)));
            for (int i = 0; i < 3; i++) {
                KwikStream stream = s.openStream();
                stream.write(("m" + i).getBytes(StandardCharsets.UTF_8));
                assertThat(new String(stream.readMessage(T), StandardCharsets.UTF_8)).isEqualTo("m" + i);
                stream.close();
                assertThat(stream.readMessage(T)).isNull();
            }
            s.close();
            assertThat(loop.served.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(3);
            Awaits.until(() -> ctx.getBean(KwikServer.class).sessions().isEmpty());
        });
        assertThat(output).doesNotContain("handler-failed").doesNotContain("WARN");
    }

    @Test
    void aFailingHandlerClosesItsSessionWithCode500() {
        pemServer.withBean(KwikSessionHandler.class, () -> session -> {
            throw new IllegalStateException("boom");
        }).run(ctx -> {
            KwikSession s = CLIENT.dial(address(ctx.getBean(KwikServer.class)));
            Awaits.until(() -> !s.isOpen());
            assertThatThrownBy(s::openStream).isInstanceOf(KwikException.class)
                    .hasMessageContaining("application code 500").hasMessageContaining("session handler failed");
            assertThat(CLIENT.dial(address(ctx.getBean(KwikServer.class))).id()).isNotEqualTo(s.id());
            assertThat(ctx.getBean(KwikServer.class).isListening()).isTrue();
        });
    }

    @Test
    void closingTheContextDeliversWhatHandlersWroteBeforeClosingSessions() throws Exception {
        java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
        KwikSession[] client = new KwikSession[1];
        byte[] payload = new byte[1_500_000];
        new java.util.Random(7).nextBytes(payload);
        pemServer.withBean(KwikSessionHandler.class, () -> session -> {
            KwikStream s = session.acceptStream(T);
            s.readMessage(T);
            s.write(payload);
            s.close();
            written.countDown();
        }).run(ctx -> {
            client[0] = CLIENT.dial(address(ctx.getBean(KwikServer.class)));
            KwikStream s = client[0].openStream();
            s.write(new byte[1]);
            assertThat(written.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            ctx.close(); // the server lingers until the client acknowledged the 1.5 MB, then closes
            assertThat(s.readMessage(T)).isEqualTo(payload);
            assertThat(s.readMessage(T)).isNull();
        });
        Awaits.until(() -> !client[0].isOpen());
    }

    @Test
    void aFullHandlerPoolClosesNewSessionsWithCode503() {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<KwikServerSession> handled = new CopyOnWriteArrayList<>();
        pemServer.withPropertyValues("kwik.server.handler-threads=1", "kwik.server.handler-queue-capacity=1")
                .withBean(KwikSessionHandler.class, () -> session -> {
                    handled.add(session);
                    release.await();
                }).run(ctx -> {
                    String address = address(ctx.getBean(KwikServer.class));
                    KwikSession busy = CLIENT.dial(address);
                    Awaits.until(() -> handled.size() == 1);
                    KwikSession queued = CLIENT.dial(address);
                    KwikSession refused = CLIENT.dial(address);
                    Awaits.until(() -> !refused.isOpen());
                    assertThatThrownBy(refused::openStream).hasMessageContaining("application code 503");
                    assertThat(busy.isOpen()).isTrue();
                    assertThat(queued.isOpen()).isTrue();
                    release.countDown();
                    Awaits.until(() -> handled.size() == 2);
                });
    }

    @Test
    void weightsApplyToPathsFromMatchingAddresses() {
        List<KwikServerSession> sessions = new CopyOnWriteArrayList<>();
        pemServer.withPropertyValues("kwik.scheduler.weights.[127.0.0.1]=7")
                .withBean(KwikSessionHandler.class, () -> sessions::add).run(ctx -> {
                    KwikSession s = CLIENT.dial(address(ctx.getBean(KwikServer.class)));
                    Awaits.until(() -> !sessions.isEmpty());
                    assertThat(sessions.get(0).activePaths().get(0).weight()).isEqualTo(7);
                    s.close();
                });
    }

    @Test
    void backsOffWithoutKwikOnTheClasspath() {
        pemServer.withClassLoader(new FilteredClassLoader(KwikServer.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(KwikServerLifecycle.class));
    }

    @Test
    void noCertificateFailsStartupNamingTheProperties() {
        runner.withPropertyValues("kwik.server.enabled=true").run(ctx -> assertThat(ctx).hasFailed()
                .getFailure().rootCause().hasMessageContaining("kwik.server.ssl.bundle")
                .hasMessageContaining("kwik.server.ssl.self-signed"));
    }

    @Test
    void missingCertificateFileFailsStartupNamingTheProperty() {
        runner.withPropertyValues("kwik.server.enabled=true", "kwik.server.ssl.certificate=file:/nonexistent/chain.pem",
                "kwik.server.ssl.private-key=" + TestCertificates.privateKeyLocation()).run(ctx -> assertThat(ctx)
                .hasFailed().getFailure().rootCause().hasMessageContaining("kwik.server.ssl.certificate")
                .hasMessageContaining("does not exist"));
    }

    @Test
    void unknownSslBundleFailsStartupNamingTheProperty() {
        runner.withPropertyValues("kwik.server.enabled=true", "kwik.server.ssl.bundle=nope").run(ctx -> assertThat(ctx)
                .hasFailed().getFailure().hasStackTraceContaining("kwik.server.ssl.bundle: no SSL bundle named 'nope'"));
    }

    @Test
    void invalidValuesFailStartupNamingTheProperty() {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[]{"kwik.flow-control.stream-window=-1", "kwik.flow-control.stream-window"});
        cases.add(new String[]{"kwik.flow-control.session-window=0", "kwik.flow-control.session-window"});
        cases.add(new String[]{"kwik.server.max-paths-per-session=0", "kwik.server.max-paths-per-session"});
        cases.add(new String[]{"kwik.server.cluster-secret=short", "kwik.server.cluster-secret"});
        cases.add(new String[]{"kwik.paths.dead-after=100ms", "kwik.paths.dead-after"});
        cases.add(new String[]{"kwik.server.additional-addresses=nohost", "kwik.server.additional-addresses"});
        cases.add(new String[]{"kwik.scheduler.weights.[10.0.0.1]=0", "kwik.scheduler.weights"});
        for (String[] c : cases) {
            pemServer.withPropertyValues(c[0]).run(ctx -> assertThat(ctx).hasFailed().getFailure()
                    .as(c[0]).hasStackTraceContaining(c[1]));
        }
    }

    @Test
    void unknownSchedulerFailsStartupNamingTheProperty() {
        pemServer.withPropertyValues("kwik.scheduler.policy=fastest").run(ctx -> assertThat(ctx).hasFailed()
                .getFailure().hasStackTraceContaining("kwik.scheduler.policy").hasStackTraceContaining("fastest"));
    }

    @Configuration(proxyBeanMethods = false)
    static class CapturingCustomizer {
        final List<String> seen = new ArrayList<>();

        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE)
        KwikServerCustomizer capture() {
            return b -> seen.add(b.toString());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OrderedCustomizers {
        final List<String> calls = new ArrayList<>();

        @Bean
        @Order(2)
        KwikServerCustomizer second() {
            return b -> {
                calls.add("second saw " + between(b.toString(), "serverId="));
                b.serverId("second");
            };
        }

        @Bean
        @Order(1)
        KwikServerCustomizer first() {
            return b -> {
                calls.add("first saw " + between(b.toString(), "serverId="));
                b.serverId("first");
            };
        }

        private static String between(String s, String key) {
            int i = s.indexOf(key);
            return s.substring(i, s.indexOf(',', i));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserServer {
        @Bean
        KwikServer myServer() {
            return KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                    .certificate(TestCertificates.certificate(), TestCertificates.privateKey()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class EchoHandlers {
        final List<String> order = new CopyOnWriteArrayList<>();

        @Bean
        @Order(1)
        KwikSessionHandler observer() {
            return session -> order.add("observer");
        }

        @Bean
        @Order(2)
        KwikSessionHandler echo() {
            return session -> {
                order.add("echo");
                KwikStream s = session.acceptStream(T);
                s.readMessage(T);
                s.write("pong".getBytes(StandardCharsets.UTF_8));
            };
        }
    }
}

package dev.kwik.spring.autoconfigure;

import dev.kwik.ClientInterface;
import dev.kwik.ErrorCode;
import dev.kwik.KwikClient;
import dev.kwik.KwikException;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client side against a real KWIK server on loopback that authenticates and echoes. */
class KwikClientAutoConfigurationTests {
    private static final Duration T = Duration.ofSeconds(10);
    private static KwikServer server;
    private static final List<String> credentialsSeen = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KwikClientAutoConfiguration.class, SslAutoConfiguration.class));

    private final ApplicationContextRunner trusting = runner.withPropertyValues(
            "kwik.client.ssl.trust-certificate=" + TestCertificates.certificateLocation());

    @BeforeAll
    static void startServer() {
        server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(TestCertificates.certificate(), TestCertificates.privateKey())
                .authenticator((peer, credentials) -> {
                    credentialsSeen.add(new String(credentials, StandardCharsets.UTF_8));
                    return null;
                }).build().start();
        Thread echo = new Thread(() -> {
            while (true) {
                KwikServerSession s;
                try {
                    s = server.accept();
                } catch (KwikException closed) {
                    return;
                }
                Thread worker = new Thread(() -> {
                    try {
                        while (true) {
                            KwikStream st = s.acceptStream();
                            byte[] m = st.readMessage(T);
                            st.write(m);
                        }
                    } catch (KwikException ended) {
                        // session over
                    }
                });
                worker.setDaemon(true);
                worker.start();
            }
        }, "echo-accept");
        echo.setDaemon(true);
        echo.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static String address() {
        return "localhost:" + server.localAddress().getPort();
    }

    @Test
    void clientByDefaultWithoutSessionBean() {
        runner.run(ctx -> assertThat(ctx).hasSingleBean(KwikClient.class).doesNotHaveBean(KwikSession.class));
    }

    @Test
    void clientCanBeTurnedOff() {
        runner.withPropertyValues("kwik.client.enabled=false").run(ctx -> assertThat(ctx).doesNotHaveBean(KwikClient.class));
    }

    @Test
    void injectedSessionDialsOnFirstUseAndEchoes() {
        trusting.withPropertyValues("kwik.client.address=" + address(), "kwik.client.credentials=alice").run(ctx -> {
            KwikClientSession bean = ctx.getBean(KwikClientSession.class);
            assertThat(ctx.getBean(KwikSession.class)).isSameAs(bean);
            assertThat(bean.current()).as("lazy: no dial before first use").isNull();
            KwikStream s = bean.openStream();
            s.write("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(s.readMessage(T), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(bean.isOpen()).isTrue();
            assertThat(credentialsSeen).contains("alice");
        });
    }

    @Test
    void eagerSessionDialsDuringStartupAndClosesWithTheContext() {
        KwikSession[] held = new KwikSession[1];
        trusting.withPropertyValues("kwik.client.address=" + address(), "kwik.client.eager=true").run(ctx -> {
            KwikClientSession bean = ctx.getBean(KwikClientSession.class);
            assertThat(bean.current()).isNotNull();
            held[0] = bean.current();
            assertThat(held[0].isOpen()).isTrue();
        });
        assertThat(held[0].isOpen()).isFalse();
    }

    @Test
    void eagerSessionToUnreachableServerFailsStartup() {
        trusting.withPropertyValues("kwik.client.address=localhost:1", "kwik.client.eager=true",
                "kwik.client.connect-timeout=300ms").run(ctx -> assertThat(ctx).hasFailed()
                .getFailure().hasStackTraceContaining("CONNECT_TIMEOUT"));
    }

    @Test
    void aSessionThatEndedIsReplacedOnNextUse() {
        trusting.withPropertyValues("kwik.client.address=" + address()).run(ctx -> {
            KwikClientSession bean = ctx.getBean(KwikClientSession.class);
            String first = bean.id();
            bean.current().close();
            assertThat(bean.isOpen()).isFalse();
            assertThat(bean.id()).isNotEqualTo(first);
            assertThat(bean.isOpen()).isTrue();
        });
    }

    @Test
    void defaultTrustRefusesTheSelfSignedServer() {
        runner.withPropertyValues("kwik.client.address=" + address()).run(ctx -> assertThatThrownBy(
                () -> ctx.getBean(KwikSession.class).openStream()).isInstanceOf(KwikException.class)
                .satisfies(e -> assertThat(((KwikException) e).code()).isEqualTo(ErrorCode.TLS_HANDSHAKE_FAILED)));
    }

    @Test
    void trustAllAcceptsAnyCertificate() {
        runner.withPropertyValues("kwik.client.address=" + address(), "kwik.client.ssl.trust-all=true")
                .run(ctx -> assertThat(ctx.getBean(KwikSession.class).id()).hasSize(32));
    }

    @Test
    void sslBundleTrustVerifiesTheServer() {
        runner.withPropertyValues("kwik.client.address=" + address(), "kwik.client.ssl.bundle=kwik",
                "spring.ssl.bundle.pem.kwik.truststore.certificate=" + TestCertificates.certificateLocation())
                .run(ctx -> assertThat(ctx.getBean(KwikSession.class).id()).hasSize(32));
    }

    @Test
    void propertiesAndCustomizersReachTheBuilder() {
        trusting.withUserConfiguration(Capture.class).withPropertyValues("kwik.scheduler.policy=redundant",
                "kwik.client.connect-timeout=2s", "kwik.flow-control.stream-window=512KB", "kwik.client.credentials=bob")
                .run(ctx -> assertThat(ctx.getBean(Capture.class).seen.get(0)).contains("trust=1 certificate(s)",
                        "credentials=3B", "scheduler=redundant", "connectTimeout=2000ms", "streamWindow=524288"));
    }

    @Test
    void userDefinedClientAndSessionWin() {
        trusting.withPropertyValues("kwik.client.address=" + address()).withUserConfiguration(UserBeans.class)
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(KwikClient.class);
                    assertThat(ctx).getBeans(KwikSession.class).containsOnlyKeys("mySession");
                    assertThat(ctx.getBean(KwikClient.class)).isSameAs(ctx.getBean("myClient"));
                });
    }

    @Test
    void backsOffWithoutKwikOnTheClasspath() {
        runner.withClassLoader(new FilteredClassLoader(KwikClient.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean("kwikClient"));
    }

    @Test
    void clientInterfacesComeFromPropertiesAndTheFirstPathLeavesFromTheFirst() {
        trusting.withPropertyValues("kwik.client.address=" + address(),
                "kwik.client.interfaces[0].id=wired", "kwik.client.interfaces[0].address=127.0.0.1",
                "kwik.client.interfaces[1].id=spare", "kwik.client.interfaces[1].name=lo",
                "kwik.client.interfaces[1].backup=true").run(ctx -> {
            List<ClientInterface> ifs = ctx.getBean(KwikClient.class).interfaces();
            assertThat(ifs).extracting(ClientInterface::id).containsExactly("wired", "spare");
            assertThat(ifs.get(0).address().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(ifs.get(1).name()).isEqualTo("lo");
            assertThat(ifs.get(1).isBackup()).isTrue();
            KwikStream s = ctx.getBean(KwikSession.class).openStream();
            s.write("hi".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(s.readMessage(T), StandardCharsets.UTF_8)).isEqualTo("hi");
            assertThat(((dev.kwik.internal.session.ClientSession) ctx.getBean(KwikClientSession.class).current())
                    .pathInfos().get(0).clientInterface()).isEqualTo("wired");
        });
    }

    @Test
    void allInterfacesUsesEveryInterfaceTheOsReportsUpWithAnAddress() throws Exception {
        List<String> expected = new ArrayList<>();
        for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && !ni.isLoopback() && !ni.isVirtual() && java.util.Collections.list(ni.getInetAddresses()).stream()
                    .anyMatch(a -> !a.isLinkLocalAddress() && !a.isLoopbackAddress())) {
                expected.add(ni.getName());
            }
        }
        runner.withPropertyValues("kwik.client.all-interfaces=true").run(ctx -> assertThat(ctx.getBean(KwikClient.class).interfaces())
                .extracting(ClientInterface::name).containsExactlyInAnyOrderElementsOf(expected.subList(0, Math.min(16, expected.size()))));
        runner.run(ctx -> assertThat(ctx.getBean(KwikClient.class).interfaces()).isEmpty());
    }

    @Test
    void invalidClientInterfacesFailStartupNamingTheProperty() {
        runner.withPropertyValues("kwik.client.interfaces[0].id=wi fi", "kwik.client.interfaces[0].address=127.0.0.1")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("kwik.client.interfaces[0].id"));
        runner.withPropertyValues("kwik.client.interfaces[0].id=a", "kwik.client.interfaces[0].address=127.0.0.1",
                "kwik.client.interfaces[0].name=lo")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("exactly one of address and name"));
        runner.withPropertyValues("kwik.client.interfaces[0].id=a", "kwik.client.interfaces[0].address=127.0.0.1",
                "kwik.client.interfaces[1].id=a", "kwik.client.interfaces[1].address=127.0.0.2")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("used twice"));
        runner.withPropertyValues("kwik.client.interfaces[0].id=a", "kwik.client.interfaces[0].address=wlan0")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("not an IP address"));
        runner.withPropertyValues("kwik.server.path-policy=mesh")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("kwik.server.path-policy must be none or fullmesh"));
    }

    @Test
    void invalidClientPropertiesFailStartupNamingTheProperty() {
        runner.withPropertyValues("kwik.client.address=no-port").run(ctx -> assertThat(ctx).hasFailed()
                .getFailure().hasStackTraceContaining("kwik.client.address"));
        runner.withPropertyValues("kwik.client.connect-timeout=-1s").run(ctx -> assertThat(ctx).hasFailed()
                .getFailure().hasStackTraceContaining("kwik.client.connect-timeout"));
        runner.withPropertyValues("kwik.client.ssl.trust-certificate=file:/nonexistent.pem").run(ctx -> assertThat(ctx)
                .hasFailed().getFailure().hasStackTraceContaining("kwik.client.ssl.trust-certificate"));
        runner.withPropertyValues("kwik.client.ssl.trust-all=true", "kwik.client.ssl.bundle=x").run(ctx -> assertThat(ctx)
                .hasFailed().getFailure().hasStackTraceContaining("set at most one of bundle"));
    }

    @Configuration(proxyBeanMethods = false)
    static class Capture {
        final List<String> seen = new ArrayList<>();

        @Bean
        KwikClientCustomizer capture() {
            return b -> seen.add(b.toString());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBeans {
        @Bean(destroyMethod = "close")
        KwikClient myClient() {
            return KwikClient.builder().trustAll().build();
        }

        @Bean
        KwikSession mySession(KwikClient client) {
            return new KwikClientSession(client, address(), false);
        }
    }
}

package dev.kwik.spring.autoconfigure.diagnostics;

import dev.kwik.ErrorCode;
import dev.kwik.KwikSession;
import dev.kwik.KwikTimeoutException;
import dev.kwik.spring.autoconfigure.KwikClientAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikServerAutoConfiguration;
import dev.kwik.spring.autoconfigure.KwikSessionHandler;
import dev.kwik.spring.autoconfigure.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

import java.net.DatagramSocket;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a user sees when KWIK cannot start: Spring Boot's report, naming the property to change. */
@ExtendWith(OutputCaptureExtension.class)
class KwikFailureAnalyzersTests {
    private static String[] server(int port) {
        return new String[] {"kwik.server.enabled=true", "kwik.server.address=127.0.0.1", "kwik.server.port=" + port,
                "kwik.server.ssl.certificate=" + TestCertificates.certificateLocation(),
                "kwik.server.ssl.private-key=" + TestCertificates.privateKeyLocation()};
    }

    @Test
    void aTakenUdpPortIsReportedWithThePropertyToChange(CapturedOutput output) throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> new SpringApplicationBuilder(ServerApp.class).web(WebApplicationType.NONE)
                    .properties(server(port)).run()).isNotNull();
            assertThat(output).contains("APPLICATION FAILED TO START")
                    .contains("The KWIK server could not start (ADDRESS_IN_USE): UDP 127.0.0.1:" + port
                            + " is already in use by another socket (kwik.server.address=127.0.0.1, kwik.server.port=" + port + ").")
                    .contains("set kwik.server.port to another port (0 picks a free one)");
        }
    }

    @Test
    void anInjectedSessionWithoutAClientAddressNamesTheProperty(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(NeedsASession.class).web(WebApplicationType.NONE).run())
                .isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("A component needs a bean of type dev.kwik.KwikSession, which KWIK auto-configures only "
                        + "when kwik.client.address is set, and it is not.")
                .contains("Set kwik.client.address to host:port of the primary KWIK server")
                .doesNotContain("Consider defining a bean");
    }

    @Test
    void anEagerDialToNothingNamesTheAddressAndTheWayOut(CapturedOutput output) throws Exception {
        int port;
        try (DatagramSocket nothing = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = nothing.getLocalPort(); // closed again: nothing listens there
        }
        assertThatThrownBy(() -> new SpringApplicationBuilder(ClientApp.class).web(WebApplicationType.NONE)
                .properties("kwik.client.address=127.0.0.1:" + port, "kwik.client.eager=true",
                        "kwik.client.connect-timeout=300ms",
                        "kwik.client.ssl.trust-certificate=" + TestCertificates.certificateLocation()).run()).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("The KWIK client could not dial kwik.client.address=127.0.0.1:" + port + " at startup "
                        + "(kwik.client.eager=true): CONNECT_TIMEOUT")
                .contains("or set kwik.client.eager=false to dial on first use");
    }

    @Test
    void invalidPropertiesAreNamedAsUsersWriteThem(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(ClientApp.class).web(WebApplicationType.NONE)
                .properties("kwik.flow-control.stream-window=1B").run()).isNotNull();
        assertThat(output).contains("KWIK's configuration is invalid:")
                .contains("Property: kwik.flow-control.stream-window")
                .contains("Reason: kwik.flow-control.stream-window must be between 1024 and")
                .doesNotContain("kwik.flowControl.streamWindow");
    }

    @Test
    void anUnknownSchedulerPolicyListsTheValuesAsWritten(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(ClientApp.class).web(WebApplicationType.NONE)
                .properties("kwik.scheduler.policy=fast").run()).isNotNull();
        assertThat(output).contains("Failed to bind kwik.scheduler.policy=\"fast\"")
                .contains("Set kwik.scheduler.policy to one of: earliest-arrival, min-rtt, round-robin, weighted, redundant.")
                .doesNotContain("MIN_RTT");
    }

    @Test
    void aLazyClientsDialFailureIsNotClaimed() {
        MockEnvironment env = new MockEnvironment().withProperty("kwik.client.address", "h:1");
        assertThat(new KwikFailureAnalyzer(env).analyze(new KwikTimeoutException(ErrorCode.CONNECT_TIMEOUT, "x"))).isNull();
    }

    @Test
    void aMissingNativeLibraryNamesThePlatformAndTheArtifact() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("failed to load the required native library");
        e.initCause(new UnsatisfiedLinkError("could not load a native library: netty_quiche42_osx_aarch_64"));
        FailureAnalysis a = new NativeQuicFailureAnalyzer().analyze(new IllegalStateException(e));
        assertThat(a).isNotNull();
        assertThat(a.getDescription()).contains("Netty's native QUIC library could not be loaded on "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        assertThat(a.getAction()).contains("io.netty:netty-codec-native-quic:4.2.17.Final:");
        assertThat(new NativeQuicFailureAnalyzer().analyze(new UnsatisfiedLinkError("no foo in java.library.path")))
                .as("another library's failure is not ours").isNull();
        assertThat(NativeQuicFailureAnalyzer.classifier("Mac OS X", "aarch64")).isEqualTo("osx-aarch_64");
        assertThat(NativeQuicFailureAnalyzer.classifier("Mac OS X", "x86_64")).isEqualTo("osx-x86_64");
        assertThat(NativeQuicFailureAnalyzer.classifier("Linux", "amd64")).isEqualTo("linux-x86_64");
        assertThat(NativeQuicFailureAnalyzer.classifier("Linux", "aarch64")).isEqualTo("linux-aarch_64");
        assertThat(NativeQuicFailureAnalyzer.classifier("Windows 11", "amd64")).isEqualTo("windows-x86_64");
        assertThat(NativeQuicFailureAnalyzer.classifier("FreeBSD", "amd64")).isNull();
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({KwikServerAutoConfiguration.class, KwikClientAutoConfiguration.class})
    static class ServerApp {
        @Bean
        KwikSessionHandler handler() {
            return session -> { };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({KwikServerAutoConfiguration.class, KwikClientAutoConfiguration.class})
    static class ClientApp {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({KwikServerAutoConfiguration.class, KwikClientAutoConfiguration.class})
    static class NeedsASession {
        @Bean
        String user(KwikSession session) {
            return session.id();
        }
    }
}

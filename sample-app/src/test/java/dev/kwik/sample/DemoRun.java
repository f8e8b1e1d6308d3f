package dev.kwik.sample;

import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The demo in this JVM on free ports: secondary, primary and client contexts, as {@code main} starts them. */
final class DemoRun implements AutoCloseable {
    final int clientHttp = freeTcpPort();
    final int primaryHttp = freeTcpPort();
    final int secondaryHttp = freeTcpPort();
    final Path output;
    private final Path dir;
    List<ConfigurableApplicationContext> contexts = List.of();

    /** Picks the ports; {@link #start} starts the demo on them. */
    DemoRun(Path dir) {
        this.dir = dir;
        this.output = dir.resolve("download.bin");
    }

    DemoRun start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--demo.ports.primary=" + freeUdpPort(),
                "--demo.ports.secondary=" + freeUdpPort(), "--demo.ports.client-http=" + clientHttp,
                "--demo.ports.primary-http=" + primaryHttp, "--demo.ports.secondary-http=" + secondaryHttp,
                "--demo.output=" + output, "--demo.certificates=" + dir.resolve("certs")));
        args.addAll(List.of(extra));
        this.contexts = KwikDemoApplication.start(args.toArray(String[]::new));
        return this;
    }

    /** Whether the client's digest matched, waiting for the transfer to end. */
    boolean result() throws Exception {
        return contexts.get(2).getBean(DemoResult.class).ok.get(2, TimeUnit.MINUTES);
    }

    @Override
    public void close() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
    }

    static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.kwik.sample;

import dev.kwik.KwikClient;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.spring.autoconfigure.KwikClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.io.OutputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * The client: asks the primary for the file over the injected {@link KwikSession}, reads it chunk by chunk (each
 * chunk is one message, whichever server wrote it), writes it to {@code demo.output}, checks the SHA-256 the
 * primary announced and acknowledges. Paths are never managed here; the view only reads them for the progress
 * bars ({@link KwikClient#paths(KwikSession)}). The session stays open afterwards, so the dashboard keeps its paths.
 */
@Component
@Profile("client")
class ClientRole implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(ClientRole.class);
    private static final Duration T = Duration.ofSeconds(60);

    private final KwikClientSession session;
    private final DemoProperties props;
    private final ObjectProvider<SecondaryKiller> killer;
    private final DemoResult result;
    private final Environment env;

    ClientRole(KwikClientSession session, DemoProperties props, ObjectProvider<SecondaryKiller> killer, DemoResult result,
               Environment env) {
        this.env = env;
        this.session = session;
        this.props = props;
        this.killer = killer;
        this.result = result;
    }

    @Override
    public void run(ApplicationArguments args) {
        Thread t = new Thread(() -> {
            try {
                result.ok.complete(download());
            } catch (Exception | Error e) {
                log.error("event=transfer-failed error={}", e.toString(), e);
                result.ok.complete(false);
            }
        }, "kwik-demo-client");
        t.start();
    }

    private boolean download() throws Exception {
        double killAt = props.killFraction();
        Thread.sleep(props.getStartDelay().toMillis());
        KwikStream s = session.openStream();
        s.write(DemoMessages.encode("GET"));
        DemoMessages.Message header = DemoMessages.Message.parse(s.readMessage(T));
        long size = header.number("size");
        String expected = header.get("sha256");
        KwikSession current = session.current();
        KwikClient client = session.client();
        System.out.printf("%nKWIK demo: downloading %s (%s) from %s; the primary brings in %s%n", header.get("name"),
                ProgressView.mib(size), session.address(), props.getSecondary());
        ProgressView view = new ProgressView(System.out, () -> client.paths(current), size);
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        long got = 0;
        long start = System.nanoTime();
        String killNote = null;
        try (OutputStream out = Files.newOutputStream(props.getOutput())) {
            while (got < size) {
                byte[] chunk = s.readMessage(T);
                if (chunk == null) {
                    throw new IllegalStateException("stream ended after " + got + " of " + size + " bytes");
                }
                out.write(chunk);
                d.update(chunk);
                got += chunk.length;
                view.maybeDraw(got);
                if (killAt > 0 && killNote == null && got >= killAt * size) {
                    SecondaryKiller k = killer.getIfAvailable();
                    if (k != null) {
                        killNote = String.format("secondary stopped at %.0f%% (%s received)", 100.0 * got / size,
                                ProgressView.mib(got));
                        CompletableFuture.runAsync(k::kill);
                    } else {
                        killNote = "demo.kill-secondary-after works in all-in-one mode only: stop the secondary process yourself";
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String actual = HexFormat.of().formatHex(d.digest());
        boolean ok = actual.equals(expected);
        s.write(DemoMessages.encode("ACK", "ok", ok, "sha256", actual));
        s.close();
        DemoMessages.Message done = DemoMessages.Message.parse(s.readMessage(T));
        boolean eof = s.readMessage(T) == null;
        view.reset();
        view.maybeDraw(got);
        view.summary(client.paths(current), got, seconds, ok && eof, done.number("resent"), killNote);
        System.out.printf("  saved to %s%n", props.getOutput());
        if (!props.isExit()) {
            System.out.printf("  actuator: http://localhost:%s/actuator/kwikpaths, /actuator/health, /actuator/prometheus"
                    + " (Ctrl-C to stop)%n", env.getProperty("local.server.port", "8080"));
        }
        return ok && eof;
    }
}

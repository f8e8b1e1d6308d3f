package dev.kwik.sample;

import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

/**
 * The demo until the multi-source file transfer lands: a KWIK server and client in one JVM on loopback,
 * using the public API only. The client sends three messages and reads each echo back (message boundaries
 * kept), then uploads a file-sized payload that the server checks by SHA-256.
 *
 * <p>Options: {@code --size=MiB} (default 64).
 */
public final class EchoDemo {
    public static void main(String[] args) throws Exception {
        int mib = 64;
        for (String a : args) {
            if (a.startsWith("--size=")) {
                mib = Integer.parseInt(a.substring("--size=".length()));
            }
        }
        try (KwikServer server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).selfSigned().build().start();
             KwikClient client = KwikClient.builder().trustCertificate(server.selfSignedCertificate()).build()) {
            Thread serverThread = new Thread(() -> serve(server), "demo-server");
            serverThread.setDaemon(true);
            serverThread.start();

            String address = "localhost:" + server.localAddress().getPort();
            KwikSession session = client.dial(address);
            System.out.printf("dialled %s, session %s%n", address, session.id());

            KwikStream echo = session.openStream();
            for (String m : new String[] {"hello", "kwik", "each write is one message"}) {
                echo.write(m.getBytes(StandardCharsets.UTF_8));
            }
            echo.close();
            byte[] reply;
            while ((reply = echo.readMessage(Duration.ofSeconds(10))) != null) {
                System.out.printf("echo: \"%s\" (%d bytes)%n", new String(reply, StandardCharsets.UTF_8), reply.length);
            }

            byte[] chunk = new byte[64 * 1024];
            new Random(1).nextBytes(chunk);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            KwikStream upload = session.openStream();
            long start = System.nanoTime();
            for (int i = 0; i < mib * 16; i++) {
                chunk[0] = (byte) i; // every chunk differs, so a misplaced one changes the digest
                chunk[1] = (byte) (i >> 8);
                digest.update(chunk);
                upload.write(chunk);
            }
            upload.close();
            String theirs = new String(upload.readMessage(Duration.ofSeconds(60)), StandardCharsets.UTF_8);
            double seconds = (System.nanoTime() - start) / 1e9;
            String mine = HexFormat.of().formatHex(digest.digest());
            System.out.printf("uploaded %d MiB in %.2f s (%.1f MB/s); sha-256 %s: %s%n", mib, seconds,
                    (mib << 20) / seconds / 1e6, mine.substring(0, 16), mine.equals(theirs) ? "match" : "MISMATCH " + theirs);
            session.close();
            if (!mine.equals(theirs)) {
                System.exit(1);
            }
        }
    }

    private static void serve(KwikServer server) {
        KwikServerSession session = server.accept();
        KwikStream echo = session.acceptStream();
        byte[] m;
        while ((m = echo.readMessage()) != null) {
            echo.write(m);
        }
        echo.close();
        try {
            KwikStream upload = session.acceptStream();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = upload.read(buf, 0, buf.length)) >= 0) {
                digest.update(buf, 0, n);
            }
            upload.write(HexFormat.of().formatHex(digest.digest()).getBytes(StandardCharsets.UTF_8));
            upload.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

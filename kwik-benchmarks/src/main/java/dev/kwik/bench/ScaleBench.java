package dev.kwik.bench;

import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.internal.quic.Tls;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Scale on one machine, client and server in this JVM on 127.0.0.1:
 * <ol>
 *   <li>1,000 concurrent idle sessions on one server: heap (after GC) and RSS per session, both ends included;</li>
 *   <li>10,000 open logical streams on one session (each opened by a one-byte message the server accepted):
 *       heap per stream, both ends;</li>
 *   <li>time to open a stream ({@code openStream()}: local, no round trip), median over 10,000;</li>
 *   <li>messages per second on one stream, 1 KiB and 64 KiB messages, the reader taking each whole.</li>
 * </ol>
 * Each figure is the median of {@code runs} runs (default 5) with min and max.
 *
 * <p>Run: {@code java -cp "kwik-benchmarks/target/classes:$(cat kwik-benchmarks/target/classpath.txt)" dev.kwik.bench.ScaleBench [runs]}
 */
public final class ScaleBench {
    static final Duration T = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int sessions = Integer.getInteger("kwik.bench.sessions", 1000);
        int streams = Integer.getInteger("kwik.bench.streams", 10_000);
        SelfSignedCertificate cert = Tls.selfSigned();
        Results out = new Results("scale");
        List<Double> perSessionHeap = new ArrayList<>();
        List<Double> perSessionRss = new ArrayList<>();
        List<Double> perStreamHeap = new ArrayList<>();
        List<Double> openNanos = new ArrayList<>();
        List<Double> small = new ArrayList<>();
        List<Double> large = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            try (KwikServer server = server(cert, streams); KwikClient client = client(cert, streams)) {
                double[] s = idleSessions(server, client, sessions);
                perSessionHeap.add(s[0]);
                perSessionRss.add(s[1]);
                perStreamHeap.add(openStreams(server, client, streams));
                openNanos.add(openTime(server, client, streams));
                small.add(messagesPerSecond(server, client, 1024, 200_000));
                large.add(messagesPerSecond(server, client, 64 << 10, 4_000));
            }
            System.out.printf("run %d: session %.0f B heap %.0f B rss, stream %.0f B heap, open %.0f ns, 1 KiB %.0f msg/s, 64 KiB %.0f msg/s%n",
                    r + 1, perSessionHeap.get(r), perSessionRss.get(r), perStreamHeap.get(r), openNanos.get(r), small.get(r), large.get(r));
        }
        out.add("idle session, heap (both ends)", "bytes", perSessionHeap, "<=", 256 * 1024);
        out.add("idle session, RSS (both ends)", "bytes", perSessionRss, "<=", 256 * 1024);
        out.add("open stream, heap (both ends)", "bytes", perStreamHeap, "<=", 16 * 1024);
        out.add("openStream() time", "ns", openNanos, "<=", 100_000);
        out.add("1 KiB messages on one stream", "msg/s", small, ">=", 50_000);
        out.add("64 KiB messages on one stream", "msg/s", large, null, 0);
        out.print();
        out.write(Path.of(System.getProperty("kwik.bench.out", "kwik-benchmarks/target/bench")));
        cert.delete();
    }

    static KwikServer server(SelfSignedCertificate cert, int streams) {
        return KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(cert.certificate(), cert.privateKey()).maxConcurrentStreams(streams + 16).build().start();
    }

    static KwikClient client(SelfSignedCertificate cert, int streams) {
        return KwikClient.builder().trustCertificate(cert.certificate()).maxConcurrentStreams(streams + 16).build();
    }

    /** Heap and RSS growth per established idle session (client and server ends together). */
    static double[] idleSessions(KwikServer server, KwikClient client, int n) throws Exception {
        String address = "localhost:" + server.localAddress().getPort();
        client.dial(address).close();
        server.accept(T);
        long heap0 = heapAfterGc();
        long rss0 = rss();
        List<KwikSession> open = new ArrayList<>();
        for (int done = 0; done < n; done += 50) {
            List<CompletableFuture<KwikSession>> batch = new ArrayList<>();
            for (int i = 0; i < Math.min(50, n - done); i++) {
                batch.add(client.dialAsync(address));
            }
            for (CompletableFuture<KwikSession> f : batch) {
                open.add(f.get(60, TimeUnit.SECONDS));
                server.accept(T);
            }
        }
        double heap = (heapAfterGc() - heap0) / (double) n;
        double rss = (rss() - rss0) / (double) n;
        open.forEach(s -> s.close(0, "done"));
        return new double[] {heap, rss};
    }

    /** Heap growth per open logical stream on one session (opened on both ends, none finished). */
    static double openStreams(KwikServer server, KwikClient client, int n) throws Exception {
        KwikSession c = client.dial("localhost:" + server.localAddress().getPort());
        KwikServerSession s = acceptFor(server, c);
        long heap0 = heapAfterGc();
        List<KwikStream> mine = new ArrayList<>(n);
        List<KwikStream> theirs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            KwikStream st = c.openStream();
            st.write(new byte[] {1});
            mine.add(st);
        }
        for (int i = 0; i < n; i++) {
            KwikStream in = s.acceptStream(T);
            in.readMessage(T);
            theirs.add(in);
        }
        double perStream = (heapAfterGc() - heap0) / (double) n;
        java.lang.ref.Reference.reachabilityFence(mine);
        java.lang.ref.Reference.reachabilityFence(theirs);
        c.close(0, "done");
        return perStream;
    }

    /** Median time of openStream() (nothing is sent until the first write). */
    static double openTime(KwikServer server, KwikClient client, int n) throws Exception {
        KwikSession c = client.dial("localhost:" + server.localAddress().getPort());
        acceptFor(server, c);
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            c.openStream();
            t[i] = System.nanoTime() - start;
        }
        c.close(0, "done");
        java.util.Arrays.sort(t);
        return t[n / 2];
    }

    /** Messages per second from client to server on one stream, each read whole with readMessage. */
    static double messagesPerSecond(KwikServer server, KwikClient client, int size, int count) throws Exception {
        KwikSession c = client.dial("localhost:" + server.localAddress().getPort());
        KwikServerSession s = acceptFor(server, c);
        KwikStream out = c.openStream();
        byte[] m = new byte[size];
        out.write(m);
        KwikStream in = s.acceptStream(T);
        in.readMessage(T);
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            for (int i = 0; i < count; i++) {
                if (in.readMessage(T).length != size) {
                    throw new IllegalStateException("message " + i + " merged or split");
                }
            }
            return System.nanoTime();
        });
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            out.write(m);
        }
        long end = reader.get(120, TimeUnit.SECONDS);
        c.close(0, "done");
        return count / ((end - start) / 1e9);
    }

    static KwikServerSession acceptFor(KwikServer server, KwikSession c) {
        for (;;) {
            KwikServerSession s = server.accept(T);
            if (s.id().equals(c.id())) {
                return s;
            }
        }
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}

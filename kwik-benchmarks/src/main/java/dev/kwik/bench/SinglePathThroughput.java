package dev.kwik.bench;

import dev.kwik.KwikClient;
import dev.kwik.KwikException;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.StreamReceiver;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One path against the QUIC under it: raw Netty QUIC ({@link RawQuicBaseline}, written against Netty alone, in
 * its best configuration measured here) and KWIK (public API, default settings), both on 127.0.0.1 in this JVM,
 * one connection or session and one stream, the same certificate and the same work at the application boundary.
 * Two figures, each in runs that alternate raw and KWIK so that drift hits both:
 * <ul>
 *   <li>bulk: {@code MiB} in 64 KiB writes, the receiver copying into a byte[] (MB/s);</li>
 *   <li>small messages: 1 KiB writes, raw QUIC's receiver taking bytes, KWIK's reader taking each message whole
 *       with {@code readMessage()} (writes/s).</li>
 * </ul>
 * Prints both configurations, every run, the medians and the ratios KWIK / raw (paired runs).
 *
 * <p>{@code --raw-configs} instead measures the raw baseline in each configuration it can take here (NIO or
 * epoll with GSO, payload size, datagrams per read) and prints their medians, which is how the default
 * {@code -Dkwik.bench.raw} was chosen.
 *
 * <p>Run: {@code java -cp "kwik-benchmarks/target/classes:$(cat kwik-benchmarks/target/classpath.txt)" dev.kwik.bench.SinglePathThroughput [MiB] [runs]}
 * (see docs/BENCHMARKS.md).
 */
public final class SinglePathThroughput {
    /** The best raw configuration measured on this machine with {@code --raw-configs} (docs/BENCHMARKS.md). */
    static final String BEST_RAW = "epoll+gso16/1350/32";
    private static final int SMALL = 1024;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--raw-configs")) {
            rawConfigs(args.length > 1 ? Integer.parseInt(args[1]) : 128, args.length > 2 ? Integer.parseInt(args[2]) : 3);
            return;
        }
        if (args.length > 0 && args[0].equals("--raw-only")) {
            // The raw baseline alone, with CPU per unit of work by thread role.
            SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
            RawQuicBaseline.Config c = RawQuicBaseline.Config.parse(System.getProperty("kwik.bench.raw", BEST_RAW));
            int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
            for (int i = 0; i < runs; i++) {
                ThreadCpu cpu = new ThreadCpu();
                double bulk = RawQuicBaseline.run(c, cert.certificate(), cert.privateKey(), 256L << 20, RawQuicBaseline.CHUNK, cpu).megabytesPerSecond();
                System.out.printf(Locale.ROOT, "raw bulk %.1f MB/s; CPU ns per KiB: %s%n", bulk, cpu.perUnit(256 * 1024));
                cpu = new ThreadCpu();
                double small = RawQuicBaseline.run(c, cert.certificate(), cert.privateKey(), 200_000L * SMALL, SMALL, cpu).megabytesPerSecond() * 1e6 / SMALL;
                System.out.printf(Locale.ROOT, "raw 1 KiB %,.0f writes/s; CPU ns per write: %s%n", small, cpu.perUnit(200_000));
            }
            cert.delete();
            return;
        }
        if (args.length > 0 && args[0].equals("--kwik-only")) {
            // For profilers: KWIK alone, bulk then 1 KiB messages, nothing else in the process.
            SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
            int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
            String which = args.length > 2 ? args[2] : "both";
            boolean pushed = Boolean.getBoolean("kwik.bench.receiver");
            for (int i = 0; i < runs; i++) {
                if (i == runs / 2) {
                    Profiler.start();
                }
                if (!which.equals("small")) {
                    ThreadCpu cpu = new ThreadCpu();
                    double r = pushed ? kwikBulkPushed(cert, 256L << 20, cpu) : kwikBulk(cert, 256L << 20, cpu);
                    System.out.printf(Locale.ROOT, "kwik bulk %.1f MB/s; CPU ns per KiB: %s%n", r, cpu.perUnit(256 * 1024));
                }
                if (!which.equals("bulk")) {
                    ThreadCpu cpu = new ThreadCpu();
                    double r = pushed ? kwikMessagesPushed(cert, 200_000, cpu) : kwikMessages(cert, 200_000, cpu);
                    System.out.printf(Locale.ROOT, "kwik 1 KiB %,.0f msg/s; CPU ns per message: %s%n", r, cpu.perUnit(200_000));
                }
            }
            Profiler.stop();
            cert.delete();
            return;
        }
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int messages = Integer.getInteger("kwik.bench.messages", 200_000);
        long total = (long) mib << 20;
        RawQuicBaseline.Config rawConfig = RawQuicBaseline.Config.parse(System.getProperty("kwik.bench.raw", BEST_RAW));
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        System.out.printf("single path: %d MiB per bulk run, %,d 1 KiB messages per small run, %d runs each, java %s, %d cpus%n",
                mib, messages, runs, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.println("raw Netty QUIC: " + rawConfig.describe() + "; one event loop per side");
        System.out.println("KWIK          : defaults of KwikServer/KwikClient (one event loop per side), one session, one stream");
        // Warm-up, not counted: the JIT must have compiled both before the first counted run (KWIK's rate still
        // climbed for about 1 GiB after a cold start).
        for (int i = 0; i < 3; i++) {
            RawQuicBaseline.run(rawConfig, cert.certificate(), cert.privateKey(), Math.min(total, 256L << 20), RawQuicBaseline.CHUNK);
            kwikBulk(cert, Math.min(total, 256L << 20));
            kwikBulkPushed(cert, Math.min(total, 256L << 20), null);
            RawQuicBaseline.run(rawConfig, cert.certificate(), cert.privateKey(), (long) SMALL * messages / 2, SMALL);
            kwikMessages(cert, messages / 2);
            kwikMessagesPushed(cert, messages / 2, null);
        }
        List<Double> raw = new ArrayList<>();
        List<Double> kwik = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> rawAcksPerDatagram = new ArrayList<>();
        List<Double> rawCpu = new ArrayList<>();
        List<Double> kwikCpu = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<Double> pushed = new ArrayList<>();
        List<Double> pushedRatios = new ArrayList<>();
        List<Double> pushedCpu = new ArrayList<>();
        List<Double> pushedCpuRatios = new ArrayList<>();
        double gib = total / (double) (1L << 30);
        for (int i = 0; i < runs; i++) {
            ThreadCpu rc = new ThreadCpu();
            RawQuicBaseline.Run r = RawQuicBaseline.run(rawConfig, cert.certificate(), cert.privateKey(), total, RawQuicBaseline.CHUNK, rc);
            ThreadCpu kc = new ThreadCpu();
            double k = kwikBulk(cert, total, kc);
            raw.add(r.megabytesPerSecond());
            kwik.add(k);
            ratios.add(k / r.megabytesPerSecond());
            rawAcksPerDatagram.add((double) r.clientDatagramsReceived() / r.clientDatagramsSent());
            rawCpu.add(rc.transportNanos() / 1e9 / gib);
            kwikCpu.add(kc.transportNanos() / 1e9 / gib);
            cpuRatios.add(kwikCpu.get(i) / rawCpu.get(i));
            ThreadCpu pc = new ThreadCpu();
            double p = kwikBulkPushed(cert, total, pc);
            pushed.add(p);
            pushedRatios.add(p / r.megabytesPerSecond());
            pushedCpu.add(pc.transportNanos() / 1e9 / gib);
            pushedCpuRatios.add(pushedCpu.get(i) / rawCpu.get(i));
            System.out.printf(Locale.ROOT, "bulk run %d: raw %.1f MB/s (sender got %.3f datagrams per datagram sent, %.2f CPU s/GiB), "
                            + "kwik %.1f MB/s (%.2f CPU s/GiB), kwik with a receiver %.1f MB/s (%.2f CPU s/GiB)%n",
                    i + 1, r.megabytesPerSecond(), rawAcksPerDatagram.get(i), rawCpu.get(i), k, kwikCpu.get(i), p, pushedCpu.get(i));
        }
        List<Double> rawSmall = new ArrayList<>();
        List<Double> kwikSmall = new ArrayList<>();
        List<Double> smallRatios = new ArrayList<>();
        List<Double> pushedSmall = new ArrayList<>();
        List<Double> pushedSmallRatios = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long bytes = (long) SMALL * messages;
            double r = RawQuicBaseline.run(rawConfig, cert.certificate(), cert.privateKey(), bytes, SMALL).megabytesPerSecond() * 1e6 / SMALL;
            double k = kwikMessages(cert, messages);
            double p = kwikMessagesPushed(cert, messages, null);
            rawSmall.add(r);
            kwikSmall.add(k);
            smallRatios.add(k / r);
            pushedSmall.add(p);
            pushedSmallRatios.add(p / r);
            System.out.printf(Locale.ROOT, "1 KiB run %d: raw %,.0f writes/s, kwik %,.0f msg/s, kwik with a receiver %,.0f msg/s%n", i + 1, r, k, p);
        }
        Results out = new Results("single-path");
        out.note("raw Netty QUIC: " + rawConfig.describe() + " (RawQuicBaseline, no KWIK class)");
        out.note("KWIK: default settings; bulk reader read(byte[64 KiB]) on its own thread, small-message reader readMessage(); "
                + "'with a receiver': a StreamReceiver taking the bytes on the event loop, as raw QUIC's sink does");
        out.add("raw Netty QUIC, " + mib + " MiB in 64 KiB writes", "MB/s", raw, null, 0);
        out.add("KWIK one path, " + mib + " MiB in 64 KiB writes", "MB/s", kwik, null, 0);
        out.add("KWIK one path with a receiver, " + mib + " MiB in 64 KiB writes", "MB/s", pushed, null, 0);
        out.add("KWIK / raw, bulk, reader thread (paired runs)", "", ratios, null, 0);
        out.add("KWIK / raw, bulk, receiver on the event loop like raw's sink (paired runs)", "", pushedRatios, ">=", 0.95);
        out.add("raw sender: datagrams received per datagram sent", "", rawAcksPerDatagram, null, 0);
        out.add("raw Netty QUIC, CPU per GiB (event loops + application threads, both ends)", "s", rawCpu, null, 0);
        out.add("KWIK one path, CPU per GiB (same threads)", "s", kwikCpu, null, 0);
        out.add("KWIK one path with a receiver, CPU per GiB (same threads)", "s", pushedCpu, null, 0);
        out.add("CPU per GiB: KWIK / raw (paired runs)", "", cpuRatios, "<=", 1.3);
        out.add("CPU per GiB: KWIK with a receiver / raw (paired runs)", "", pushedCpuRatios, "<=", 1.3);
        out.add("raw Netty QUIC, 1 KiB writes", "writes/s", rawSmall, null, 0);
        out.add("KWIK, 1 KiB messages (readMessage)", "msg/s", kwikSmall, ">=", 150_000);
        out.add("KWIK / raw, 1 KiB (paired runs)", "", smallRatios, ">=", 0.75);
        out.add("KWIK, 1 KiB messages with a receiver", "msg/s", pushedSmall, null, 0);
        out.add("KWIK with a receiver / raw, 1 KiB (paired runs)", "", pushedSmallRatios, null, 0);
        out.print();
        out.write(java.nio.file.Path.of(System.getProperty("kwik.bench.out", "kwik-benchmarks/target/bench")));
        cert.delete();
    }

    /** The raw baseline in each configuration it can take here, interleaved, medians of {@code runs}. */
    static void rawConfigs(int mib, int runs) throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        List<RawQuicBaseline.Config> configs = new ArrayList<>();
        for (int payload : new int[] {1200, 1350, 1452}) {
            configs.add(new RawQuicBaseline.Config(false, payload, 0, 0));
        }
        configs.add(new RawQuicBaseline.Config(false, 1350, 1, 0));
        configs.add(new RawQuicBaseline.Config(false, 1350, 64, 0));
        configs.add(new RawQuicBaseline.Config(true, 1350, 0, 0));
        configs.add(new RawQuicBaseline.Config(true, 1350, 0, 16));
        configs.add(new RawQuicBaseline.Config(true, 1452, 0, 16));
        configs.add(new RawQuicBaseline.Config(true, 1452, 0, 64));
        configs.add(new RawQuicBaseline.Config(true, 1350, 16, 16));
        configs.add(new RawQuicBaseline.Config(true, 1350, 32, 16));
        configs.removeIf(c -> !RawQuicBaseline.available(c));
        long total = (long) mib << 20;
        List<List<Double>> rates = new ArrayList<>();
        configs.forEach(c -> rates.add(new ArrayList<>()));
        for (RawQuicBaseline.Config c : configs) {
            RawQuicBaseline.run(c, cert.certificate(), cert.privateKey(), 32L << 20, RawQuicBaseline.CHUNK);
        }
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < configs.size(); i++) {
                RawQuicBaseline.Run run = RawQuicBaseline.run(configs.get(i), cert.certificate(), cert.privateKey(), total, RawQuicBaseline.CHUNK);
                rates.get(i).add(run.megabytesPerSecond());
                System.out.printf(Locale.ROOT, "run %d %-22s %6.1f MB/s, sender got %.3f datagrams per datagram sent%n", r + 1,
                        configs.get(i).label(), run.megabytesPerSecond(), (double) run.clientDatagramsReceived() / run.clientDatagramsSent());
            }
        }
        Results out = new Results("raw-configs");
        for (int i = 0; i < configs.size(); i++) {
            out.add(configs.get(i).label() + " (" + configs.get(i).describe() + ")", "MB/s", rates.get(i), null, 0);
        }
        out.print();
        out.write(java.nio.file.Path.of(System.getProperty("kwik.bench.out", "kwik-benchmarks/target/bench")));
        cert.delete();
    }

    /** KWIK: the client writes {@code total} bytes in 64 KiB messages on one stream; the server reads to EOF. MB/s. */
    static double kwikBulk(SelfSignedCertificate cert, long total) throws Exception {
        return kwikBulk(cert, total, null);
    }

    /** As {@link #kwikBulk(SelfSignedCertificate, long)}; {@code cpu}, if given, is read before the session closes. */
    static double kwikBulk(SelfSignedCertificate cert, long total, ThreadCpu cpu) throws Exception {
        double seconds = timed(cert, cpu, in -> {
            byte[] buf = new byte[RawQuicBaseline.CHUNK];
            while (in.read(buf, 0, buf.length) >= 0) {
                // the bytes are the application's now
            }
        }, bulkWriter(total));
        return total / seconds / 1e6;
    }

    /** The client's side of every bulk run: {@code total} bytes in 64 KiB writes, then FIN. */
    private static java.util.function.Consumer<KwikStream> bulkWriter(long total) {
        byte[] chunk = new byte[RawQuicBaseline.CHUNK];
        return out -> {
            for (long sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk);
            }
            out.close();
        };
    }

    /** The client's side of every 1 KiB run: {@code count} writes of 1 KiB. */
    private static java.util.function.Consumer<KwikStream> messageWriter(int count) {
        byte[] m = new byte[SMALL];
        return out -> {
            for (int i = 0; i < count; i++) {
                out.write(m);
            }
        };
    }

    /**
     * As {@link #kwikBulk(SelfSignedCertificate, long, ThreadCpu)}, the server taking the bytes with a
     * {@link StreamReceiver} on its event loop (as raw QUIC's sink does) instead of a reader thread. MB/s.
     */
    static double kwikBulkPushed(SelfSignedCertificate cert, long total, ThreadCpu cpu) throws Exception {
        long[] got = new long[1];
        double seconds = timed(cert, cpu, in -> received(in, (data, end) -> {
            got[0] += data.remaining();
            return false;
        }), bulkWriter(total));
        if (got[0] != total) {
            throw new IllegalStateException("received " + got[0] + " of " + total + " bytes");
        }
        return total / seconds / 1e6;
    }

    /** As {@link #kwikMessages(SelfSignedCertificate, int, ThreadCpu)} with a {@link StreamReceiver}: messages per second. */
    static double kwikMessagesPushed(SelfSignedCertificate cert, int count, ThreadCpu cpu) throws Exception {
        int[] messages = new int[1];
        int[] inMessage = new int[1];
        return count / timed(cert, cpu, in -> received(in, (data, end) -> {
            inMessage[0] += data.remaining();
            if (end) {
                if (inMessage[0] != SMALL) {
                    throw new IllegalStateException("message " + messages[0] + " merged or split: " + inMessage[0] + " bytes");
                }
                inMessage[0] = 0;
                if (++messages[0] == count) {
                    return true;
                }
            }
            return false;
        }), messageWriter(count));
    }

    /** What a bench receiver does with each piece: true when it has all it waits for (before the stream's end). */
    private interface Piece {
        boolean take(java.nio.ByteBuffer data, boolean messageEnd);
    }

    /** Sets a receiver on {@code in} and waits until it has everything (or the stream ended). */
    private static void received(KwikStream in, Piece piece) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        in.receive(new StreamReceiver() {
            @Override
            public void onData(KwikStream stream, java.nio.ByteBuffer data, boolean messageEnd) {
                if (piece.take(data, messageEnd)) {
                    done.complete(null);
                }
            }

            @Override
            public void onEnd(KwikStream stream) {
                done.complete(null);
            }

            @Override
            public void onError(KwikStream stream, KwikException error) {
                done.completeExceptionally(error);
            }
        });
        done.join();
    }

    /** KWIK: {@code count} 1 KiB messages on one stream, each read whole with readMessage. Messages per second. */
    static double kwikMessages(SelfSignedCertificate cert, int count) throws Exception {
        return kwikMessages(cert, count, null);
    }

    static double kwikMessages(SelfSignedCertificate cert, int count, ThreadCpu cpu) throws Exception {
        return count / timed(cert, cpu, in -> {
            for (int i = 0; i < count; i++) {
                if (in.readMessage().length != SMALL) {
                    throw new IllegalStateException("message " + i + " merged or split");
                }
            }
        }, messageWriter(count));
    }

    /**
     * One KWIK session on loopback: the client runs {@code writer} on a stream it opens, the server runs
     * {@code reader} on that stream on another thread. Seconds from the first write to the reader's end; {@code cpu},
     * if given, is read before the session closes.
     */
    private static double timed(SelfSignedCertificate cert, ThreadCpu cpu, java.util.function.Consumer<KwikStream> reader,
                                java.util.function.Consumer<KwikStream> writer) throws Exception {
        try (KwikServer server = server(cert); KwikClient client = client(cert)) {
            KwikSession session = client.dial("localhost:" + server.localAddress().getPort());
            KwikServerSession accepted = server.accept(Duration.ofSeconds(5));
            CompletableFuture<Long> done = CompletableFuture.supplyAsync(() -> {
                reader.accept(accepted.acceptStream(Duration.ofSeconds(10)));
                return System.nanoTime();
            });
            KwikStream out = session.openStream();
            long start = System.nanoTime();
            writer.accept(out);
            long end = done.get(120, TimeUnit.SECONDS);
            if (cpu != null) {
                cpu.stop();
            }
            return (end - start) / 1e9;
        }
    }

    private static KwikServer server(SelfSignedCertificate cert) {
        return KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(cert.certificate(), cert.privateKey()).eventLoopThreads(1).build().start();
    }

    private static KwikClient client(SelfSignedCertificate cert) {
        return KwikClient.builder().trustCertificate(cert.certificate()).eventLoopThreads(1).build();
    }
}

package dev.kwik.bench;

import dev.kwik.ClientInterface;
import dev.kwik.KwikClient;
import dev.kwik.KwikServer;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikSession;
import dev.kwik.KwikStream;
import dev.kwik.MissingRange;
import dev.kwik.PathInfo;
import dev.kwik.PathListener;
import dev.kwik.RawMessage;
import dev.kwik.Role;

import java.io.File;
import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One node of the multi-host file transfer, run as its own process inside a network namespace: {@code primary},
 * {@code secondary} or {@code client}. The primary writes the even chunks of the file, commands the secondary
 * (raw relay) to write the odd ones into the client's stream, re-sends whatever a lost secondary leaves
 * missing, and ends the stream; the client checks every chunk and prints one {@code RESULT key=value ...} line.
 * Uses the public API only.
 *
 * <pre>
 * primary   --bind IP:PORT [--also-bind IP:PORT] [--add-path HOST:PORT]... [--await-paths true] [--scheduler NAME]
 *           [--weights W0,W1,...] [--transfers N] [--path-policy none|fullmesh] --cert PEM --key PEM --secret HEX
 * secondary --bind IP:PORT [--transfers N] --cert PEM --key PEM --secret HEX
 * client    --primary HOST:PORT --size BYTES [--progress-every BYTES] [--stream-window BYTES] [--transfers N]
 *           [--interface ID=ADDRESS[,backup]]... [--all-interfaces true]
 * delay     --route LISTEN_IP:PORT,TARGET_IP:PORT,ONE_WAY_MS ...   (a {@link DelayRelay} per route, until killed)
 * </pre>
 * {@code --weights} gives the weighted scheduler's weight of the first path, then of each added path in order.
 * {@code --transfers N}: N transfers one after the other, each in a new session of the same JVMs (the first
 * ones warm the JIT up on the real links).
 * Certificates: the servers present the given certificate; the client trusts all (the suite measures transport
 * behaviour across hosts; certificate and host-name checks are covered by the core tests).
 */
public final class NetnsNode {
    static final int CHUNK = 64 * 1024;
    /** {@code -Dkwik.bench.maxUdpPayload}: the nodes' {@code maxUdpPayload} (KWIK's default when unset). */
    private static final int MAX_UDP_PAYLOAD = Integer.getInteger("kwik.bench.maxUdpPayload", 0);
    private static final Duration T = Duration.ofSeconds(120);

    public static void main(String[] args) throws Exception {
        Map<String, List<String>> o = parse(args);
        if (!args[0].equals("delay")) {
            warmUp(Long.getLong("kwik.bench.warmup", 32L << 20));
            // With -Dkwik.bench.profile (see Profiler): the node's work after its warm-up only.
            Profiler.start();
            Runtime.getRuntime().addShutdownHook(new Thread(Profiler::stop));
        }
        switch (args[0]) {
            case "primary" -> primary(o);
            case "secondary" -> secondary(o);
            case "client" -> client(o);
            case "delay" -> delay(o);
            default -> throw new IllegalArgumentException("role must be primary, secondary, client or delay");
        }
    }

    private static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            o.computeIfAbsent(args[i].replaceFirst("^--", ""), k -> new ArrayList<>()).add(args[i + 1]);
        }
        return o;
    }

    private static String one(Map<String, List<String>> o, String key) {
        List<String> v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v.get(0);
    }

    /** CPU time of this whole process (all threads), so a run can say whether it was CPU-bound. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static InetSocketAddress addr(String hostPort) {
        int c = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, c), Integer.parseInt(hostPort.substring(c + 1)));
    }

    private static KwikServer server(Map<String, List<String>> o, String id) {
        KwikServer.Builder b = KwikServer.builder().bind(addr(one(o, "bind")))
                .certificate(new File(one(o, "cert")), new File(one(o, "key")))
                .serverId(id).clusterSecret(HexFormat.of().parseHex(one(o, "secret")))
                .scheduler(o.getOrDefault("scheduler", List.of("earliest-arrival")).get(0))
                .pathPolicy(o.getOrDefault("path-policy", List.of("none")).get(0));
        for (String a : o.getOrDefault("also-bind", List.of())) {
            b.alsoBind(addr(a));
        }
        if (MAX_UDP_PAYLOAD > 0) {
            b.maxUdpPayload(MAX_UDP_PAYLOAD);
        }
        return b.build().start();
    }

    private static void primary(Map<String, List<String>> o) throws Exception {
        try (KwikServer server = server(o, "primary")) {
            System.out.println("READY");
            int transfers = Integer.parseInt(o.getOrDefault("transfers", List.of("1")).get(0));
            for (int t = 0; t < transfers; t++) {
                serve(server.accept(T), o);
            }
        }
    }

    /** One client session: its request, the paths to add, the chunks (half by the secondary, if any), its OK. */
    /**
     * With {@code -Dkwik.bench.trace=PREFIX} (through {@code kwik.bench.jvmArgs}), one file per session, PREFIX-nanos:
     * every 100 ms, milliseconds since the transfer began, then per path "| id bytesSent srttMillis cwnd packetsLost".
     * To see where a multipath transfer loses time (slow start, loss episodes, a path underfed).
     */
    private static void tracePaths(KwikServerSession session) {
        String prefix = System.getProperty("kwik.bench.trace");
        if (prefix == null) {
            return;
        }
        Thread t = new Thread(() -> {
            try (PrintWriter w = new PrintWriter(new FileWriter(prefix + "-" + System.nanoTime()))) {
                long t0 = System.nanoTime();
                while (session.isOpen()) {
                    StringBuilder b = new StringBuilder().append((System.nanoTime() - t0) / 1_000_000);
                    for (PathInfo p : session.allPaths()) {
                        b.append(" | ").append(p.pathId()).append(' ').append(p.bytesSent()).append(' ')
                                .append(p.smoothedRtt().toMillis()).append(' ').append(p.congestionWindow())
                                .append(' ').append(p.packetsLost());
                    }
                    w.println(b);
                    w.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                System.out.println("NOTE trace stopped: " + e);
            }
        }, "path-trace");
        t.setDaemon(true);
        t.start();
    }

    private static void serve(KwikServerSession session, Map<String, List<String>> o) throws Exception {
        CompletableFuture<List<MissingRange>> lost = new CompletableFuture<>();
        session.addPathListener(new PathListener() {
            @Override
            public void pathLost(KwikServerSession s, PathInfo path, List<MissingRange> missing) {
                if (path.role() == Role.SECONDARY) {
                    lost.complete(missing);
                }
            }
        });
        KwikStream s = session.acceptStream(T);
        String request = new String(s.readMessage(T), StandardCharsets.UTF_8);
        long cpuAtStart = cpuNanos();
        long size = Long.parseLong(request.substring("GET ".length()));
        int chunks = (int) ((size + CHUNK - 1) / CHUNK);
        ChunkSource src = new ChunkSource(CHUNK);
        List<PathInfo> secondaries = new ArrayList<>();
        List<PathInfo> paths = new ArrayList<>(session.allPaths());
        String[] weights = o.containsKey("weights") ? one(o, "weights").split(",") : new String[0];
        for (int i = 0; i < weights.length && i < paths.size(); i++) {
            session.pathPreferences(paths.get(i).pathId(), Integer.parseInt(weights[i]), false);
        }
        // Like an application would, the primary writes while paths to its own addresses join; it waits
        // only where it needs the path (--await-paths true: a secondary it delegates to).
        boolean await = Boolean.parseBoolean(o.getOrDefault("await-paths", List.of("false")).get(0));
        List<String> adds = o.getOrDefault("add-path", List.of());
        for (int k = 0; k < adds.size(); k++) {
            int w = paths.size() + k < weights.length ? Integer.parseInt(weights[paths.size() + k]) : 0;
            CompletableFuture<PathInfo> joining = session.addPath(addr(adds.get(k))).thenApply(p -> {
                System.out.println("PATH " + p);
                if (w > 0) {
                    session.pathPreferences(p.pathId(), w, false);
                }
                return p;
            });
            if (await) {
                PathInfo p = joining.get(20, TimeUnit.SECONDS);
                if (p.role() == Role.SECONDARY) {
                    secondaries.add(p);
                }
            }
        }
        CompletableFuture<RawMessage> done = new CompletableFuture<>();
        boolean delegate = !secondaries.isEmpty();
        if (delegate) {
            session.sendRaw(secondaries.get(0).pathId(), ("write-odd stream=" + s.id() + " size=" + size).getBytes(StandardCharsets.UTF_8));
            CompletableFuture.runAsync(() -> done.complete(session.receiveRaw(T)));
        }
        CompletableFuture<Void> refill = lost.thenAcceptAsync(missing -> {
            System.out.println("LOST secondary, re-sending " + missing.size() + " ranges");
            for (MissingRange r : missing) {
                long end = r.isOpenEnded() ? size : r.offset() + r.length();
                for (long off = r.offset(); off < end; ) {
                    int index = (int) (off / CHUNK);
                    int inChunk = (int) (off % CHUNK);
                    int n = (int) Math.min(Math.min(CHUNK - inChunk, end - off), size - off);
                    byte[] c = src.chunk(index, (int) Math.min(CHUNK, size - (long) index * CHUNK));
                    s.write(off, c, inChunk, n);
                    off += n;
                }
            }
        });
        tracePaths(session);
        for (int i = 0; i < chunks; i += delegate ? 2 : 1) {
            int len = (int) Math.min(CHUNK, size - (long) i * CHUNK);
            s.write((long) i * CHUNK, src.chunk(i, len), 0, len);
        }
        if (delegate) {
            CompletableFuture.anyOf(done, refill).get(300, TimeUnit.SECONDS);
            if (lost.isDone()) {
                refill.get(300, TimeUnit.SECONDS);
            }
        }
        s.writePosition(size);
        s.close();
        String ack = new String(s.readMessage(T), StandardCharsets.UTF_8);
        System.out.printf("PRIMARY %s cpu_seconds=%.2f paths=%s%n", ack, (cpuNanos() - cpuAtStart) / 1e9, session.allPaths());
    }

    private static void secondary(Map<String, List<String>> o) throws Exception {
        try (KwikServer server = server(o, "secondary")) {
            System.out.println("READY");
            int transfers = Integer.parseInt(o.getOrDefault("transfers", List.of("1")).get(0));
            for (int t = 0; t < transfers; t++) {
                writeOdd(server.accept(T));
            }
        }
    }

    /** One session of the primary's: the odd chunks of the file, at the offsets the primary's command names. */
    private static void writeOdd(KwikServerSession session) throws Exception {
        String cmd = new String(session.receiveRaw(T).data(), StandardCharsets.UTF_8);
        long streamId = Long.parseLong(cmd.replaceAll(".*stream=(\\d+).*", "$1"));
        long size = Long.parseLong(cmd.replaceAll(".*size=(\\d+).*", "$1"));
        int chunks = (int) ((size + CHUNK - 1) / CHUNK);
        ChunkSource src = new ChunkSource(CHUNK);
        KwikStream w = session.attachStream(streamId);
        for (int i = 1; i < chunks; i += 2) {
            int len = (int) Math.min(CHUNK, size - (long) i * CHUNK);
            w.write((long) i * CHUNK, src.chunk(i, len), 0, len);
        }
        w.close();
        session.sendRaw(0, "done".getBytes(StandardCharsets.UTF_8));
        // Stay until the client leaves, so that what was written is acknowledged.
        try {
            session.acceptStream(T);
        } catch (RuntimeException e) {
            System.out.println("SECONDARY finished: " + e.getMessage());
        }
    }

    /**
     * A fresh JVM compiles KWIK's hot paths while it runs them: measured with async-profiler, the C2 compiler
     * threads of a cold node took 4.6 s of CPU during a 3 s transfer, on two cores shared by three node JVMs.
     * So each node first moves data over loopback between a server and a client of its own (both ends,
     * positional writes, whole-message reads), in rounds of {@code bytes}, until a round adds less than 50 ms
     * of JIT compilation (at most 6 rounds, or {@code -Dkwik.bench.warmup.rounds}), and only then says READY.
     * With three node JVMs on two cores it often has not settled after 6 (BENCHMARKS.md: C2 was 70% of a node's
     * CPU during the measured transfer); 20 halved the machine's CPU per GiB of the one-path run.
     */
    private static void warmUp(long bytes) throws Exception {
        if (bytes <= 0) {
            return;
        }
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        try (KwikServer server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).selfSigned().build().start();
             KwikClient client = KwikClient.builder().trustAll().build()) {
            long compiled = jit.getTotalCompilationTime();
            for (int round = 1; round <= Integer.getInteger("kwik.bench.warmup.rounds", 6); round++) {
                warmUpRound(server, client, bytes);
                long now = jit.getTotalCompilationTime();
                if (round >= 2 && now - compiled < 50) {
                    System.out.println("WARM after " + round + " rounds, " + now + " ms of compilation");
                    return;
                }
                compiled = now;
            }
            System.out.println("WARM not settled after " + Integer.getInteger("kwik.bench.warmup.rounds", 6) + " rounds, "
                    + compiled + " ms of compilation");
        }
    }

    private static void warmUpRound(KwikServer server, KwikClient client, long bytes) throws Exception {
        KwikSession cs = client.dial(server.localAddress());
        KwikStream c = cs.openStream();
        c.write(new byte[] {1});
        KwikServerSession ss = server.accept(T);
        KwikStream w = ss.acceptStream(T);
        w.readMessage(T);
        ChunkSource src = new ChunkSource(CHUNK);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (long off = 0; off < bytes; off += CHUNK) {
                w.write(off, src.chunk((int) (off / CHUNK), CHUNK), 0, CHUNK);
            }
            w.close();
        });
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] m;
        for (int i = 0; (m = c.readMessage(T)) != null; i++) {
            d.update(m);
            if (!java.util.Arrays.equals(m, src.chunk(i, CHUNK))) {
                throw new IllegalStateException("warm-up chunk " + i + " differs");
            }
        }
        writer.get(60, TimeUnit.SECONDS);
        cs.close();
    }

    private static void delay(Map<String, List<String>> o) throws Exception {
        for (String r : o.get("route")) {
            String[] p = r.split(",");
            new DelayRelay(addr(p[0]), addr(p[1]), Long.parseLong(p[2])).start("relay-" + p[0]);
        }
        System.out.println("READY");
        Thread.currentThread().join();
    }

    private static void client(Map<String, List<String>> o) throws Exception {
        long size = Long.parseLong(one(o, "size"));
        long progressEvery = Long.parseLong(o.getOrDefault("progress-every", List.of(String.valueOf(size / 10))).get(0));
        int chunks = (int) ((size + CHUNK - 1) / CHUNK);
        ChunkSource src = new ChunkSource(CHUNK);
        long window = Long.parseLong(o.getOrDefault("stream-window", List.of(String.valueOf(2L << 20))).get(0));
        KwikClient.Builder cb = KwikClient.builder().trustAll().streamWindow(window).sessionWindow(Math.max(16L << 20, 4 * window));
        if (MAX_UDP_PAYLOAD > 0) {
            cb.maxUdpPayload(MAX_UDP_PAYLOAD);
        }
        for (String spec : o.getOrDefault("interface", List.of())) {
            // id=ADDRESS or id=ADDRESS,backup
            String[] idRest = spec.split("=", 2);
            String[] parts = idRest[1].split(",");
            ClientInterface i = ClientInterface.ofAddress(idRest[0], java.net.InetAddress.getByName(parts[0]));
            cb.interfaces(parts.length > 1 && parts[1].equals("backup") ? i.asBackup() : i);
        }
        if (Boolean.parseBoolean(o.getOrDefault("all-interfaces", List.of("false")).get(0))) {
            cb.allInterfaces();
        }
        try (KwikClient client = cb.build()) {
            int transfers = Integer.parseInt(o.getOrDefault("transfers", List.of("1")).get(0));
            for (int t = 0; t < transfers; t++) {
                transfer(client, o, size, progressEvery, chunks, src);
            }
        }
    }

    /** One session: request {@code size} bytes, check every chunk, print REQUESTED, PROGRESS and RESULT lines. */
    private static void transfer(KwikClient client, Map<String, List<String>> o, long size, long progressEvery, int chunks,
            ChunkSource src) throws Exception {
        KwikSession session = client.dial(addr(one(o, "primary")));
        KwikStream s = session.openStream();
        long requested = System.nanoTime();
        long cpuAtRequest = cpuNanos();
        s.write(("GET " + size).getBytes(StandardCharsets.UTF_8));
        System.out.println("REQUESTED");
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        long got = 0;
        long start = 0;
        long last = 0;
        long longestStall = 0;
        long nextProgress = progressEvery;
        int bad = 0;
        for (int i = 0; i < chunks; i++) {
            byte[] m = s.readMessage(T);
            long now = System.nanoTime();
            if (start == 0) {
                start = now;
            } else {
                longestStall = Math.max(longestStall, now - last);
            }
            last = now;
            byte[] want = src.chunk(i, (int) Math.min(CHUNK, size - (long) i * CHUNK));
            if (m == null || !java.util.Arrays.equals(m, want)) {
                bad++;
            }
            if (m != null) {
                d.update(m);
                got += m.length;
            }
            expected.update(want);
            if (got >= nextProgress) {
                System.out.println("PROGRESS " + got);
                nextProgress += progressEvery;
            }
        }
        boolean eof = s.readMessage(T) == null;
        double seconds = (last - start) / 1e9;
        boolean ok = bad == 0 && eof && got == size && MessageDigest.isEqual(d.digest(), expected.digest());
        s.write("OK".getBytes(StandardCharsets.UTF_8));
        double completion = (last - requested) / 1e9;
        double cpu = (cpuNanos() - cpuAtRequest) / 1e9;
        System.out.printf("RESULT ok=%s bytes=%d seconds=%.3f goodput_mbit=%.2f completion_seconds=%.3f completion_mbit=%.2f cpu_share=%.2f longest_stall_ms=%d bad_chunks=%d%n",
                ok, got, seconds, got * 8 / seconds / 1e6, completion, got * 8 / completion / 1e6, cpu / completion,
                TimeUnit.NANOSECONDS.toMillis(longestStall), bad);
        session.close();
    }
}

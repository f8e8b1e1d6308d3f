package dev.kwik.bench;

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
 * primary   --bind IP:PORT [--also-bind IP:PORT] [--add-path HOST:PORT]... [--scheduler NAME] --cert PEM --key PEM --secret HEX
 * secondary --bind IP:PORT --cert PEM --key PEM --secret HEX
 * client    --primary HOST:PORT --size BYTES [--progress-every BYTES] [--stream-window BYTES]
 * </pre>
 * Certificates: the servers present the given certificate; the client trusts all (the suite measures transport
 * behaviour across hosts; certificate and host-name checks are covered by the core tests).
 */
public final class NetnsNode {
    static final int CHUNK = 64 * 1024;
    private static final Duration T = Duration.ofSeconds(120);

    public static void main(String[] args) throws Exception {
        Map<String, List<String>> o = parse(args);
        switch (args[0]) {
            case "primary" -> primary(o);
            case "secondary" -> secondary(o);
            case "client" -> client(o);
            default -> throw new IllegalArgumentException("role must be primary, secondary or client");
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

    static InetSocketAddress addr(String hostPort) {
        int c = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, c), Integer.parseInt(hostPort.substring(c + 1)));
    }

    private static KwikServer server(Map<String, List<String>> o, String id) {
        KwikServer.Builder b = KwikServer.builder().bind(addr(one(o, "bind")))
                .certificate(new File(one(o, "cert")), new File(one(o, "key")))
                .serverId(id).clusterSecret(HexFormat.of().parseHex(one(o, "secret")))
                .scheduler(o.getOrDefault("scheduler", List.of("min-rtt")).get(0));
        for (String a : o.getOrDefault("also-bind", List.of())) {
            b.alsoBind(addr(a));
        }
        return b.build().start();
    }

    private static void primary(Map<String, List<String>> o) throws Exception {
        try (KwikServer server = server(o, "primary")) {
            System.out.println("READY");
            KwikServerSession session = server.accept(T);
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
            long size = Long.parseLong(request.substring("GET ".length()));
            int chunks = (int) ((size + CHUNK - 1) / CHUNK);
            ChunkSource src = new ChunkSource(CHUNK);
            List<PathInfo> secondaries = new ArrayList<>();
            for (String a : o.getOrDefault("add-path", List.of())) {
                PathInfo p = session.addPath(addr(a)).get(20, TimeUnit.SECONDS);
                System.out.println("PATH " + p);
                if (p.role() == Role.SECONDARY) {
                    secondaries.add(p);
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
            System.out.println("PRIMARY " + ack + " paths=" + session.allPaths());
        }
    }

    private static void secondary(Map<String, List<String>> o) throws Exception {
        try (KwikServer server = server(o, "secondary")) {
            System.out.println("READY");
            KwikServerSession session = server.accept(T);
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
    }

    private static void client(Map<String, List<String>> o) throws Exception {
        long size = Long.parseLong(one(o, "size"));
        long progressEvery = Long.parseLong(o.getOrDefault("progress-every", List.of(String.valueOf(size / 10))).get(0));
        int chunks = (int) ((size + CHUNK - 1) / CHUNK);
        ChunkSource src = new ChunkSource(CHUNK);
        long window = Long.parseLong(o.getOrDefault("stream-window", List.of(String.valueOf(2L << 20))).get(0));
        try (KwikClient client = KwikClient.builder().trustAll().streamWindow(window)
                .sessionWindow(Math.max(16L << 20, 4 * window)).build()) {
            KwikSession session = client.dial(addr(one(o, "primary")));
            KwikStream s = session.openStream();
            s.write(("GET " + size).getBytes(StandardCharsets.UTF_8));
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
            System.out.printf("RESULT ok=%s bytes=%d seconds=%.3f goodput_mbit=%.2f longest_stall_ms=%d bad_chunks=%d%n",
                    ok, got, seconds, got * 8 / seconds / 1e6, TimeUnit.NANOSECONDS.toMillis(longestStall), bad);
            session.close();
        }
    }
}

package dev.kwik;

import dev.kwik.internal.session.SessionCore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Soak and chaos: the multi-source file transfer (primary writes the even chunks over two paths, a secondary the
 * odd ones) in a loop for {@code kwik.soak.duration} (default 2 minutes; {@code -Psoak} runs 30), while a chaos
 * thread injects random loss (up to 3%), changes link rates (4 to 40 MB/s, policed), and cuts paths: the
 * secondary's, or one of the primary's two. Every transfer must arrive with the right digest, no read may wait
 * longer than {@link #STALL_BOUND}, and sessions, threads and memory must stay flat.
 */
class ChaosSoakTest {
    static final Duration T = Duration.ofSeconds(30);
    /** Longest wait between two reads that deliver bytes: path death (deadAfter, 1 s) plus re-sending under loss. */
    static final Duration STALL_BOUND = Duration.ofSeconds(3);
    static final int CHUNK = 64 << 10;
    static final byte[] SECRET = "chaos-soak-cluster-secret-0123456".getBytes(StandardCharsets.US_ASCII);

    KwikServer primary;
    KwikServer secondary;
    KwikClient client;
    ExecutorService workers = Executors.newCachedThreadPool();
    ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor();
    volatile long progress;
    volatile String stallReport;

    @BeforeEach
    void setUp() {
        primary = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).alsoBind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(Loopback.CERT.certificate(), Loopback.CERT.privateKey())
                .serverId("primary").clusterSecret(SECRET).build().start();
        secondary = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(Loopback.CERT.certificate(), Loopback.CERT.privateKey())
                .serverId("secondary").clusterSecret(SECRET).build().start();
        client = KwikClient.builder().trustCertificate(Loopback.certificate()).build();
        workers.submit(this::secondaryLoop);
    }

    @AfterEach
    void tearDown() {
        chaos.shutdownNow();
        client.close();
        secondary.close();
        primary.close();
        workers.shutdownNow();
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 40, unit = TimeUnit.MINUTES)
    void transfersSurviveRandomLossRateChangesAndPathCuts() throws Exception {
        Duration duration = Duration.parse(System.getProperty("kwik.soak.duration", "PT2M"));
        long end = System.nanoTime() + duration.toNanos();
        SplittableRandom random = new SplittableRandom(Long.getLong("kwik.soak.seed", System.nanoTime()));
        int transfers = 0;
        long bytes = 0;
        long cuts = 0;
        Duration worstStall = Duration.ZERO;
        long[] heapAfterFirst = null;
        while (System.nanoTime() < end || transfers == 0) {
            int size = CHUNK * (32 + random.nextInt(224));
            long seed = random.nextLong();
            try (UdpRelay r1 = new UdpRelay(primary.localAddresses().get(0));
                 UdpRelay r2 = new UdpRelay(primary.localAddresses().get(1));
                 UdpRelay r3 = new UdpRelay(secondary.localAddress())) {
                CompletableFuture<Void> joined = new CompletableFuture<>();
                CompletableFuture<Void> served = CompletableFuture.runAsync(() -> serve(r2, r3, joined), workers);
                Chaos c = new Chaos(random.split(), r1, r2, r3, joined);
                Duration stall = fetch(r1, size, seed, c);
                c.stop();
                served.get(30, TimeUnit.SECONDS);
                worstStall = stall.compareTo(worstStall) > 0 ? stall : worstStall;
                cuts += c.cuts;
                assertThat(stall).as("longest stall of transfer %d (chaos: %s) %s", transfers, c, stallReport).isLessThanOrEqualTo(STALL_BOUND);
            }
            transfers++;
            bytes += size;
            if (transfers == 1) {
                heapAfterFirst = new long[] {usedHeapAfterGc(), threads()};
            }
        }
        Conditions.waitUntil(() -> primary.sessions().isEmpty() && client.openSessions() == 0);
        // Ended connections drain for a while (QUIC's 3 x PTO on the servers' shared sockets): memory is flat if it
        // comes back to the first transfer's level once they have.
        long flat = heapAfterFirst[0] + (64L << 20);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long heap;
        while ((heap = usedHeapAfterGc()) > flat && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        System.out.printf("chaos soak: %d transfers, %d MiB, %d path cuts, worst stall %d ms, heap after first %d MiB, at end %d MiB, threads %d -> %d%n",
                transfers, bytes >> 20, cuts, worstStall.toMillis(), heapAfterFirst[0] >> 20, heap >> 20, heapAfterFirst[1], threads());
        assertThat(heap).as("heap after GC").isLessThan(flat);
        assertThat(threads()).as("threads").isLessThanOrEqualTo((int) heapAfterFirst[1] + 8);
    }

    /** The client: asks for {@code size} bytes, reads them (timing the gaps), checks them, says done, reads EOF. */
    private Duration fetch(UdpRelay r1, int size, long seed, Chaos c) throws Exception {
        KwikSession session = client.dial("localhost:" + r1.port());
        try {
            KwikStream s = session.openStream();
            s.write((size + " " + seed).getBytes(StandardCharsets.UTF_8));
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[CHUNK];
            long at = 0;
            long last = System.nanoTime();
            long started = last;
            long worst = 0;
            stallReport = null;
            while (at < size) {
                int n = s.read(buf, 0, (int) Math.min(buf.length, size - at), T);
                assertThat(n).as("bytes at offset %d of %d", at, size).isPositive();
                progress = at + n;
                long now = System.nanoTime();
                if (now - last > STALL_BOUND.toNanos() && stallReport == null) {
                    stallReport = "stalled " + (now - last) / 1_000_000 + " ms before offset " + at + " at +"
                            + (now - started) / 1_000_000 + " ms; client paths: " + client.paths(session)
                            + "; primary paths: " + primary.sessions().stream().map(KwikServerSession::allPaths).toList();
                }
                worst = Math.max(worst, now - last);
                last = now;
                got.update(buf, 0, n);
                at += n;
            }
            s.write("done".getBytes(StandardCharsets.UTF_8));
            s.close();
            assertThat(s.read(buf, 0, 1, T)).isEqualTo(-1);
            assertThat(got.digest()).as("SHA-256 of %d bytes", size).isEqualTo(expectedDigest(size, seed));
            return Duration.ofNanos(worst);
        } catch (KwikException | AssertionError e) {
            CompletableFuture<KwikException> ended = ((SessionCore) session).terminated();
            throw new AssertionError("transfer of " + size + " bytes failed at " + progress + "; chaos: " + c
                    + "; client paths: " + (ended.isDone() ? "session ended: " + ended.join() : client.paths(session))
                    + "; primary paths: " + primary.sessions().stream().map(KwikServerSession::allPaths).toList(), e);
        } finally {
            session.close();
        }
    }

    /** The primary: even chunks itself, odd ones by the secondary; re-sends what a lost secondary left missing. */
    private void serve(UdpRelay r2, UdpRelay r3, CompletableFuture<Void> joined) {
        KwikServerSession ps = primary.accept(T);
        BlockingQueue<List<MissingRange>> lost = new LinkedBlockingQueue<>();
        ps.addPathListener(new PathListener() {
            @Override
            public void pathLost(KwikServerSession session, PathInfo path, List<MissingRange> missing) {
                if (path.role() == Role.SECONDARY) {
                    lost.add(missing);
                }
            }
        });
        KwikStream s = ps.acceptStream(T);
        String[] ask = new String(s.readMessage(T), StandardCharsets.UTF_8).split(" ");
        int size = Integer.parseInt(ask[0]);
        long seed = Long.parseLong(ask[1]);
        CompletableFuture<PathInfo> second = ps.addPath(new InetSocketAddress("localhost", r2.port()));
        CompletableFuture<PathInfo> helper = ps.addPath(new InetSocketAddress("localhost", r3.port()));
        PathInfo sec = null;
        try {
            second.get(10, TimeUnit.SECONDS);
            sec = helper.get(10, TimeUnit.SECONDS);
            ps.sendRaw(sec.pathId(), ("stream=" + s.id() + " size=" + size + " seed=" + seed).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            // A path the chaos cut before it joined: the primary writes the odd chunks too.
        }
        joined.complete(null);
        // Re-sends run beside the even chunks: the client's window cannot move past a hole the secondary left,
        // so the even chunks beyond it wait for these.
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        CompletableFuture<Void> resent = CompletableFuture.runAsync(() -> {
            while (!done.isDone()) {
                List<MissingRange> missing = poll(lost);
                if (missing != null) {
                    List<MissingRange> ours = missing.stream().filter(m -> m.streamId() == s.id()).toList();
                    // No range for the stream: the secondary never wrote into it, so all its chunks are missing.
                    writeChunks(s, size, seed, 1, ours.isEmpty() ? List.of(new MissingRange(s.id(), 0, -1)) : ours);
                }
            }
        }, workers);
        if (sec == null) {
            writeChunks(s, size, seed, 1, List.of());
        }
        writeChunks(s, size, seed, 0, List.of());
        done.complete(s.readMessage(T));
        resent.join();
        s.writePosition(size);
        s.close();
    }

    private void secondaryLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            KwikServerSession ss;
            try {
                ss = secondary.accept(Duration.ofSeconds(1));
            } catch (KwikTimeoutException e) {
                continue;
            } catch (KwikException e) {
                return;
            }
            workers.submit(() -> {
                try {
                    String[] cmd = new String(ss.receiveRaw(T).data(), StandardCharsets.UTF_8).split(" ");
                    KwikStream w = ss.attachStream(Long.parseLong(cmd[0].substring(7)));
                    writeChunks(w, Integer.parseInt(cmd[1].substring(5)), Long.parseLong(cmd[2].substring(5)), 1, List.of());
                } catch (KwikException e) {
                    // the chaos cut this secondary's path: the primary learns the missing ranges and re-sends them
                }
            });
        }
    }

    /**
     * Writes every second chunk from {@code first} (0 even, 1 odd), each at its offset; with {@code only}
     * non-empty, just the chunks overlapping those ranges (length -1: to the end).
     */
    static void writeChunks(KwikStream s, int size, long seed, int first, List<MissingRange> only) {
        for (int i = first; (long) i * CHUNK < size; i += 2) {
            long from = (long) i * CHUNK;
            long to = Math.min(size, from + CHUNK);
            if (!only.isEmpty() && only.stream().noneMatch(m -> m.offset() < to && (m.length() < 0 || m.offset() + m.length() > from))) {
                continue;
            }
            byte[] chunk = chunk(seed, i, (int) (to - from));
            s.write(from, chunk, 0, chunk.length);
        }
    }

    static byte[] chunk(long seed, int index, int length) {
        byte[] b = new byte[length];
        new SplittableRandom(seed * 31 + index).nextBytes(b);
        return b;
    }

    static byte[] expectedDigest(int size, long seed) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (int i = 0; (long) i * CHUNK < size; i++) {
            d.update(chunk(seed, i, (int) Math.min(CHUNK, size - (long) i * CHUNK)));
        }
        return d.digest();
    }

    private static List<MissingRange> poll(BlockingQueue<List<MissingRange>> q) {
        try {
            return q.poll(20, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Random faults on the three links of one transfer, every 100 to 600 ms, until stopped. */
    final class Chaos {
        private final SplittableRandom random;
        private final UdpRelay[] links;
        private final CompletableFuture<Void> joined;
        private final List<String> log = new ArrayList<>();
        private volatile boolean stopped;
        int cuts;

        Chaos(SplittableRandom random, UdpRelay r1, UdpRelay r2, UdpRelay r3, CompletableFuture<Void> joined) {
            this.random = random;
            this.links = new UdpRelay[] {r1, r2, r3};
            this.joined = joined;
            next();
        }

        private void next() {
            if (!stopped) {
                chaos.schedule(this::act, 100 + random.nextInt(500), TimeUnit.MILLISECONDS);
            }
        }

        private synchronized void act() {
            if (stopped) {
                return;
            }
            int link = random.nextInt(3);
            int what = random.nextInt(10);
            if (what < 4) {
                double loss = random.nextInt(4) / 100.0;
                links[link].loss(loss);
                log.add(at() + "r" + (link + 1) + " loss " + loss);
            } else if (what < 8) {
                long rate = random.nextInt(3) == 0 ? 0 : (4 + random.nextInt(37)) * 1_000_000L;
                links[link].rate(rate);
                log.add(at() + "r" + (link + 1) + " rate " + rate);
            } else if (joined.isDone() && !links[link].isCut()) {
                // Never both of the primary's links: the session needs one path to its primary.
                boolean otherPrimaryCut = link == 0 ? links[1].isCut() : link == 1 && links[0].isCut();
                if (!otherPrimaryCut) {
                    links[link].cut();
                    cuts++;
                    log.add(at() + "r" + (link + 1) + " cut");
                }
            }
            next();
        }

        private final long born = System.nanoTime();

        private String at() {
            return "+" + (System.nanoTime() - born) / 1_000_000 + "ms ";
        }

        synchronized void stop() {
            stopped = true;
        }

        @Override
        public synchronized String toString() {
            return String.join(", ", log);
        }
    }
}

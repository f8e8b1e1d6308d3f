package dev.kwik;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A primary and a secondary server in one JVM: the secondary writes into the client's stream at offsets. */
class SecondaryServerTest {
    static final byte[] SECRET = "kwik test cluster secret, 32 b..".getBytes(StandardCharsets.UTF_8);
    private static final Duration T = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;

    private KwikServer primary;
    private KwikServer secondary;
    private KwikClient client;

    @BeforeEach
    void setUp() {
        primary = server("primary");
        secondary = server("secondary");
        client = KwikClient.builder().trustCertificate(Loopback.certificate()).build();
    }

    static KwikServer server(String id) {
        return KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .certificate(Loopback.CERT.certificate(), Loopback.CERT.privateKey())
                .serverId(id).clusterSecret(SECRET).build().start();
    }

    static InetSocketAddress address(KwikServer s) {
        return new InetSocketAddress("localhost", s.localAddress().getPort());
    }

    @AfterEach
    void tearDown() {
        client.close();
        secondary.close();
        primary.close();
    }

    @Test
    void primaryWritesEvenChunksSecondaryWritesOddChunksClientReadsEachOnceInOrder() throws Exception {
        int size = 20 << 20;
        int chunks = size / CHUNK;
        byte[] file = new byte[size];
        new Random(20).nextBytes(file);

        CompletableFuture<RawMessage> primaryGotDone = new CompletableFuture<>();
        CompletableFuture<String> primarySide = CompletableFuture.supplyAsync(() -> {
            KwikServerSession ps = primary.accept(T);
            KwikStream s = ps.acceptStream(T);
            assertThat(new String(s.readMessage(T), StandardCharsets.UTF_8)).isEqualTo("GET file");
            PathInfo sec = join(ps.addPath(address(secondary)));
            assertThat(sec.role()).isEqualTo(Role.SECONDARY);
            assertThat(ps.activePaths()).extracting(PathInfo::pathId).containsExactly(0L, sec.pathId());
            ps.sendRaw(sec.pathId(), ("write-odd stream=" + s.id()).getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < chunks; i += 2) {
                s.writePosition((long) i * CHUNK);
                s.write(file, i * CHUNK, CHUNK);
            }
            s.writePosition(size);
            s.close();
            primaryGotDone.complete(ps.receiveRaw(T));
            return new String(s.readMessage(T), StandardCharsets.UTF_8);
        });
        CompletableFuture<Void> secondarySide = CompletableFuture.runAsync(() -> {
            KwikServerSession ss = secondary.accept(T);
            assertThat(ss.role()).isEqualTo(Role.SECONDARY);
            RawMessage cmd = ss.receiveRaw(T);
            assertThat(cmd.sourcePathId()).isZero();
            String text = new String(cmd.data(), StandardCharsets.UTF_8);
            assertThat(text).startsWith("write-odd stream=");
            long streamId = Long.parseLong(text.substring(text.indexOf('=') + 1));
            assertThatThrownBy(ss::openStream).extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.STREAM_STATE_ERROR);
            KwikStream w = ss.attachStream(streamId);
            for (int i = 1; i < chunks; i += 2) {
                w.writePosition((long) i * CHUNK);
                w.write(file, i * CHUNK, CHUNK);
            }
            w.close();
            ss.sendRaw(0, "odd chunks written".getBytes(StandardCharsets.UTF_8));
        });

        KwikSession session = client.dial(address(primary));
        KwikStream s = session.openStream();
        s.write("GET file".getBytes(StandardCharsets.UTF_8));
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < chunks; i++) {
            byte[] m = s.readMessage(T);
            assertThat(m).as("chunk %d", i).hasSize(CHUNK);
            assertThat(Arrays.equals(m, 0, CHUNK, file, i * CHUNK, (i + 1) * CHUNK)).as("chunk %d content", i).isTrue();
            d.update(m);
        }
        assertThat(s.readMessage(T)).isNull();
        assertThat(d.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(file));
        s.write("OK".getBytes(StandardCharsets.UTF_8));

        assertThat(primarySide.get(30, TimeUnit.SECONDS)).isEqualTo("OK");
        secondarySide.get(30, TimeUnit.SECONDS);
        RawMessage done = primaryGotDone.get(10, TimeUnit.SECONDS);
        assertThat(done.sourcePathId()).isEqualTo(1);
        assertThat(new String(done.data(), StandardCharsets.UTF_8)).isEqualTo("odd chunks written");
        assertThatThrownBy(() -> session.acceptStream(Duration.ofMillis(300)))
                .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.TIMEOUT);
    }

    @Test
    void secondaryLostMidTransferPrimaryReceivesMissingRangesAndFileIsIntact() throws Exception {
        int size = 8 << 20;
        int chunks = size / CHUNK;
        byte[] file = new byte[size];
        new Random(21).nextBytes(file);
        CompletableFuture<java.util.List<MissingRange>> lost = new CompletableFuture<>();
        CompletableFuture<Void> primarySide = CompletableFuture.runAsync(() -> {
            KwikServerSession ps = primary.accept(T);
            ps.addPathListener(new PathListener() {
                @Override
                public void pathLost(KwikServerSession session, PathInfo path, java.util.List<MissingRange> missing) {
                    if (path.role() == Role.SECONDARY) {
                        lost.complete(missing);
                    }
                }
            });
            KwikStream s = ps.acceptStream(T);
            s.readMessage(T);
            PathInfo sec = join(ps.addPath(address(secondary)));
            ps.sendRaw(sec.pathId(), ("write-odd stream=" + s.id()).getBytes(StandardCharsets.UTF_8));
            // Re-send what the client lacks from another thread: the even-chunk writer may be blocked on credit
            // that only the missing odd chunks can release.
            CompletableFuture<Void> refill = lost.thenAcceptAsync(missing -> {
                assertThat(missing).isNotEmpty().allMatch(r -> r.streamId() == s.id());
                for (MissingRange r : missing) {
                    long end = r.isOpenEnded() ? size : r.offset() + r.length();
                    for (long off = r.offset(); off < end; ) {
                        int n = (int) Math.min(CHUNK - off % CHUNK, end - off);
                        s.write(off, file, (int) off, n);
                        off += n;
                    }
                }
            });
            for (int i = 0; i < chunks; i += 2) {
                s.write((long) i * CHUNK, file, i * CHUNK, CHUNK);
            }
            join2(refill);
            assertThat(ps.deadPaths().size() + ps.allPaths().stream().filter(p -> p.state() == PathState.CLOSED).count()).isEqualTo(1);
            s.writePosition(size);
            s.close();
        });
        CompletableFuture<Void> secondarySide = CompletableFuture.runAsync(() -> {
            KwikServerSession ss = secondary.accept(T);
            KwikStream w = attachAsCommanded(ss);
            for (int i = 1; i < chunks / 2; i += 2) {
                w.writePosition((long) i * CHUNK);
                w.write(file, i * CHUNK, CHUNK);
            }
            // The secondary dies: its QUIC connections drop without a KWIK goodbye.
            for (dev.kwik.internal.path.Path p : ((dev.kwik.internal.session.SessionCore) ss).paths()) {
                p.connection().eventLoop().execute(() -> p.connection().close(ErrorCode.INTERNAL_ERROR, "secondary crashed"));
            }
        });

        KwikSession session = client.dial(address(primary));
        KwikStream s = session.openStream();
        s.write("GET file".getBytes(StandardCharsets.UTF_8));
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < chunks; i++) {
            byte[] m = s.readMessage(T);
            assertThat(Arrays.equals(m, 0, m.length, file, i * CHUNK, (i + 1) * CHUNK)).as("chunk %d", i).isTrue();
            d.update(m);
        }
        assertThat(s.readMessage(T)).isNull();
        assertThat(d.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(file));
        primarySide.get(30, TimeUnit.SECONDS);
        secondarySide.get(30, TimeUnit.SECONDS);
        assertThat(session.isOpen()).isTrue();
    }

    /** Secondary side: waits for the primary's "... stream=ID" raw command and attaches that stream. */
    static KwikStream attachAsCommanded(KwikServerSession ss) {
        String text = new String(ss.receiveRaw(T).data(), StandardCharsets.UTF_8);
        return ss.attachStream(Long.parseLong(text.substring(text.indexOf('=') + 1)));
    }

    static <V> V join2(CompletableFuture<V> f) {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void writersIntoDifferentStreamsEachGetTheirOwnSessionCredit() throws Exception {
        int window = 256 * 1024;
        int size = 1 << 20;
        byte[] a = new byte[size];
        byte[] b = new byte[size];
        new Random(30).nextBytes(a);
        new Random(31).nextBytes(b);
        CompletableFuture<Void> primarySide = CompletableFuture.runAsync(() -> {
            KwikServerSession ps = primary.accept(T);
            KwikStream s0 = ps.acceptStream(T);
            s0.readMessage(T);
            PathInfo sec = join(ps.addPath(address(secondary)));
            ps.sendRaw(sec.pathId(), ("stream=" + s0.id()).getBytes(StandardCharsets.UTF_8));
            KwikStream own = ps.openStream();
            for (int off = 0; off < size; off += CHUNK) {
                own.write(a, off, CHUNK);
            }
            own.close();
            ps.receiveRaw(T);
            s0.writePosition(size);
            s0.close();
        });
        CompletableFuture<Void> secondarySide = CompletableFuture.runAsync(() -> {
            KwikServerSession ss = secondary.accept(T);
            KwikStream w = attachAsCommanded(ss);
            for (int off = 0; off < size; off += CHUNK) {
                w.write(off, b, off, CHUNK);
            }
            ss.sendRaw(0, "done".getBytes(StandardCharsets.UTF_8));
        });
        try (KwikClient small = KwikClient.builder().trustCertificate(Loopback.certificate())
                .streamWindow(window).sessionWindow(window).build()) {
            KwikSession session = small.dial(address(primary));
            KwikStream s0 = session.openStream();
            s0.write("GET".getBytes(StandardCharsets.UTF_8));
            // Nobody reads yet: both writers fill their credit. Combined, that is twice the session window; each
            // server's own share is within it, so neither may be cut off, and the client holds one window per writer.
            dev.kwik.internal.session.SessionCore core = (dev.kwik.internal.session.SessionCore) session;
            Conditions.waitUntil(() -> core.bufferedBytes() == 2L * window);
            assertThat(session.isOpen()).isTrue();
            KwikStream own = session.acceptStream(T);
            assertThat(readAll(own, size)).isEqualTo(a);
            assertThat(readAll(s0, size)).isEqualTo(b);
            primarySide.get(30, TimeUnit.SECONDS);
            secondarySide.get(30, TimeUnit.SECONDS);
            assertThat(session.isOpen()).isTrue();
        }
    }

    private static byte[] readAll(KwikStream s, int size) {
        byte[] all = new byte[size];
        int at = 0;
        int n;
        while ((n = s.read(all, at, all.length - at, T)) > 0) {
            at += n;
        }
        assertThat(at).isEqualTo(size);
        assertThat(s.read(new byte[1], 0, 1, T)).isEqualTo(-1);
        return all;
    }

    @Test
    void rawRelayRefusesUnknownPathsAndOversizeMessagesImmediately() throws Exception {
        KwikSession session = client.dial(address(primary));
        KwikServerSession ps = primary.accept(T);
        assertThatThrownBy(() -> ps.sendRaw(5, new byte[1])).hasMessageContaining("no live path 5")
                .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.PATH_NOT_FOUND);
        assertThatThrownBy(() -> ps.sendRaw(0, new byte[64 * 1024 + 1]))
                .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.PACKET_TOO_LARGE);
        PathInfo sec = join(ps.addPath(address(secondary)));
        KwikServerSession ss = secondary.accept(T);
        byte[] big = new byte[64 * 1024];
        new Random(3).nextBytes(big);
        ps.sendRaw(sec.pathId(), big);
        ps.sendRaw(sec.pathId(), new byte[] {1});
        RawMessage first = ss.receiveRaw(T);
        assertThat(first.data()).isEqualTo(big);
        assertThat(ss.receiveRaw(T).data()).containsExactly(1);
        assertThatThrownBy(() -> ss.receiveRaw(Duration.ofMillis(100)))
                .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(session.isOpen()).isTrue();
    }

    static PathInfo join(CompletableFuture<PathInfo> f) {
        try {
            return f.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

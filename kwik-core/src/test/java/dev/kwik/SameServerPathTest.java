package dev.kwik;

import dev.kwik.internal.path.Path;
import dev.kwik.internal.session.SessionCore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A second path to another address of the same server: more capacity for the same session, and failover. */
class SameServerPathTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;
    private Loopback lo;

    @AfterEach
    void tearDown() {
        lo.close();
    }

    private Loopback.Pair connect(String scheduler) {
        lo = new Loopback(s -> s.alsoBind(new InetSocketAddress("127.0.0.1", 0)).scheduler(scheduler), c -> c.scheduler(scheduler));
        return lo.connect();
    }

    private InetSocketAddress secondAddress() {
        return new InetSocketAddress("localhost", lo.server.localAddresses().get(1).getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "min-rtt"})
    void bothPathsCarryAFairShareOfOneTransfer(String scheduler) throws Exception {
        Loopback.Pair p = connect(scheduler);
        PathInfo added = p.server().addPath(secondAddress()).get(10, TimeUnit.SECONDS);
        assertThat(added.pathId()).isEqualTo(1);
        assertThat(added.role()).isEqualTo(Role.PRIMARY);
        assertThat(added.state()).isEqualTo(PathState.ACTIVE);
        assertThat(added.isDefault()).isFalse();
        assertThat(p.server().activePaths()).extracting(PathInfo::pathId).containsExactly(0L, 1L);

        byte[] sent = transfer(p, 32 << 20, null);
        List<PathInfo> paths = p.server().activePaths();
        long total = paths.stream().mapToLong(PathInfo::bytesSent).sum();
        for (PathInfo path : paths) {
            assertThat(path.bytesSent()).as("path %d of %d bytes (%s): %s", path.pathId(), total, scheduler, paths)
                    .isGreaterThanOrEqualTo(total / 5);
        }
        assertThat(sent).isNotNull();
    }

    @Test
    void killingOnePathMidTransferLosesNothing() throws Exception {
        Loopback.Pair p = connect("round-robin");
        p.server().addPath(secondAddress()).get(10, TimeUnit.SECONDS);
        Path victim = ((SessionCore) p.server()).paths().stream().filter(x -> x.id() == 1).findFirst().orElseThrow();
        transfer(p, 32 << 20, received -> {
            if (received >= 8 << 20 && !victim.isFinished()) {
                victim.connection().eventLoop().execute(() -> victim.connection().close(ErrorCode.NO_ERROR, "killed by the test"));
            }
        });
        // Its unacknowledged data may have moved when its silence made it DEGRADED, before QUIC's close ended it.
        Conditions.waitUntil(victim::isFinished);
        assertThat(p.server().activePaths()).extracting(PathInfo::pathId).containsExactly(0L);
        assertThat(p.server().deadPaths()).extracting(PathInfo::pathId).containsExactly(1L);
        assertThat(p.server().allPaths()).hasSize(2);
        assertThat(p.server().isOpen()).isTrue();
        assertThat(p.client().isOpen()).isTrue();
    }

    @Test
    void removingAPathMovesTrafficAndKeepsTheSession() throws Exception {
        Loopback.Pair p = connect("round-robin");
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        p.server().addPathListener(new PathListener() {
            @Override
            public void pathAdded(KwikServerSession session, PathInfo path) {
                events.add("added " + path.pathId());
            }

            @Override
            public void pathRemoved(KwikServerSession session, PathInfo path) {
                events.add("removed " + path.pathId() + " " + path.state());
            }
        });
        p.server().addPath(secondAddress()).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> p.server().removePath(7).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("no live path 7")
                .extracting(e -> ((KwikException) e.getCause()).code()).isEqualTo(ErrorCode.PATH_NOT_FOUND);
        PathInfo removed = p.server().removePath(0).get(10, TimeUnit.SECONDS);
        assertThat(removed.pathId()).isZero();
        assertThat(removed.state()).isEqualTo(PathState.CLOSED);
        assertThat(p.server().activePaths()).extracting(PathInfo::pathId).containsExactly(1L);
        assertThat(p.server().activePaths().get(0).isDefault()).isTrue();
        assertThat(events).containsExactly("added 1", "removed 0 CLOSED");
        assertThatThrownBy(() -> p.server().removePath(1).get(5, TimeUnit.SECONDS))
                .hasMessageContaining("only path to this server")
                .extracting(e -> ((KwikException) e.getCause()).code()).isEqualTo(ErrorCode.LAST_PATH);
        transfer(p, 4 << 20, null);
    }

    @Test
    void pathLimitIsEnforcedWithAClearError() throws Exception {
        lo = new Loopback(s -> s.alsoBind(new InetSocketAddress("127.0.0.1", 0)).maxPathsPerSession(2), c -> { });
        Loopback.Pair p = lo.connect();
        p.server().addPath(secondAddress()).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> p.server().addPath(secondAddress()).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(KwikException.class).hasMessageContaining("maximum of 2 paths");
        assertThat(p.server().activePaths()).hasSize(2);
    }

    @Test
    void unreachableOrUntrustedAddressFailsTheFutureWithTheClientsReason() throws Exception {
        Loopback.Pair p = connect("min-rtt");
        // 127.0.0.1 does not match the certificate's host name (localhost): the client's TLS check refuses it.
        InetSocketAddress byIp = new InetSocketAddress("127.0.0.1", lo.server.localAddresses().get(1).getPort());
        Throwable t = catchCause(p.server().addPath(byIp));
        assertThat(((KwikException) t).code()).isEqualTo(ErrorCode.TLS_HANDSHAKE_FAILED);
        assertThat(t.getMessage()).contains("could not open path");
        assertThat(p.server().activePaths()).hasSize(1);
        KwikStream s = p.client().openStream();
        s.write("still here".getBytes());
        assertThat(p.server().acceptStream(T).readMessage(T)).isEqualTo("still here".getBytes());
    }

    static Throwable catchCause(CompletableFuture<?> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
            throw new AssertionError("expected failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Server writes {@code size} bytes to the client on a new stream; returns them after checking SHA-256. */
    static byte[] transfer(Loopback.Pair p, int size, java.util.function.LongConsumer progress) throws Exception {
        byte[] data = new byte[size];
        new Random(11).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            KwikStream s = p.server().openStream();
            for (int off = 0; off < size; off += CHUNK) {
                s.write(data, off, Math.min(CHUNK, size - off));
            }
            s.close();
        });
        KwikStream in = p.client().acceptStream(T);
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[CHUNK];
        AtomicLong got = new AtomicLong();
        int n;
        while ((n = in.read(buf, 0, buf.length, T)) >= 0) {
            d.update(buf, 0, n);
            long g = got.addAndGet(n);
            if (progress != null) {
                progress.accept(g);
            }
        }
        writer.get(30, TimeUnit.SECONDS);
        assertThat(got.get()).isEqualTo(size);
        assertThat(d.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        return data;
    }
}

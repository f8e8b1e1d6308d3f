package dev.kwik;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bulk and concurrent transfers over one real QUIC path: every byte arrives, in order, in its own message. */
class TransferTest {
    private static final Duration T = Duration.ofSeconds(30);
    private Loopback lo;
    private Loopback.Pair p;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        lo = new Loopback();
        p = lo.connect();
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
        lo.close();
    }

    @Test
    void sixtyFourMebibytesArriveWithEqualSha256() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        new Random(1).nextBytes(chunk);
        int chunks = 1024;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        Future<byte[]> received = pool.submit(() -> {
            KwikStream s = p.server().acceptStream(T);
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[100_000];
            long total = 0;
            int n;
            while ((n = s.read(buf, 0, buf.length)) >= 0) {
                d.update(buf, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(64L << 20);
            return d.digest();
        });
        KwikStream s = p.client().openStream();
        Random r = new Random(2);
        for (int i = 0; i < chunks; i++) {
            chunk[r.nextInt(chunk.length)] ^= (byte) i;
            sent.update(chunk);
            s.write(chunk);
        }
        s.close();
        assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(sent.digest());
        // Every packet the client kept for retransmission was acknowledged and released.
        dev.kwik.internal.path.Path path = ((dev.kwik.internal.session.SessionCore) p.client()).paths().get(0);
        Conditions.waitUntil(() -> path.unackedPackets() == 0);
    }

    @Test
    void inputAndOutputStreamAdaptersCarryBytesAndEndOfStream() throws Exception {
        byte[] data = new byte[300_000];
        new Random(5).nextBytes(data);
        Future<byte[]> got = pool.submit(() -> p.server().acceptStream(T).inputStream().readAllBytes());
        try (java.io.OutputStream out = p.client().openStream().outputStream()) {
            out.write(data, 0, 100_000);
            out.write(data, 100_000, 200_000);
        }
        assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo(data);
    }

    @Test
    void twoHundredConcurrentStreamsEachCarryTheirOwnPayload() throws Exception {
        int streams = 200;
        Future<?> server = pool.submit(() -> {
            List<Future<?>> echoes = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                KwikStream s = p.server().acceptStream(T);
                echoes.add(pool.submit(() -> {
                    byte[] m;
                    while ((m = s.readMessage(T)) != null) {
                        s.write(m);
                    }
                    s.close();
                    return null;
                }));
            }
            for (Future<?> f : echoes) {
                f.get();
            }
            return null;
        });
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            int id = i;
            clients.add(CompletableFuture.runAsync(() -> {
                KwikStream s = p.client().openStreamSync(T);
                Random r = new Random(id);
                List<byte[]> sentMessages = new ArrayList<>();
                for (int m = 0; m < 5; m++) {
                    byte[] payload = new byte[1 + r.nextInt(20_000)];
                    r.nextBytes(payload);
                    payload[0] = (byte) id;
                    sentMessages.add(payload);
                    s.write(payload);
                }
                s.close();
                for (byte[] expected : sentMessages) {
                    assertThat(s.readMessage(T)).isEqualTo(expected);
                }
                assertThat(s.readMessage(T)).isNull();
            }, pool));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        server.get(10, TimeUnit.SECONDS);
    }

    @Test
    void twoWritesAreReadAsTwoMessagesNeverMerged() throws Exception {
        KwikStream c = p.client().openStream();
        c.write("hello".getBytes());
        c.write("kwik-mp".getBytes());
        c.write("again".getBytes());
        c.write("and-again".getBytes());
        c.close();
        KwikStream s = p.server().acceptStream(T);
        // Wait until everything is buffered so that a merging read would have the chance to merge.
        Conditions.waitUntil(() -> ((dev.kwik.internal.stream.LogicalStream) s).bufferedBytes() == 5 + 7 + 5 + 9);
        byte[] buf = new byte[100];
        assertThat(s.read(buf, 0, buf.length)).isEqualTo(5);
        assertThat(s.read(buf, 0, buf.length)).isEqualTo(7);
        assertThat(new String(buf, 0, 7)).isEqualTo("kwik-mp");
        assertThat(s.readMessage(T)).isEqualTo("again".getBytes());
        assertThat(s.readMessage(T)).isEqualTo("and-again".getBytes());
        assertThat(s.read(buf, 0, buf.length)).isEqualTo(-1);
    }

    @Test
    void tenMebibyteWriteIsOneMessage() throws Exception {
        byte[] big = new byte[10 << 20];
        new Random(3).nextBytes(big);
        Future<byte[]> got = pool.submit(() -> p.server().acceptStream(T).readMessage(T));
        KwikStream c = p.client().openStream();
        c.write(big);
        c.write(new byte[] {42});
        c.close();
        assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo(big);
    }
}

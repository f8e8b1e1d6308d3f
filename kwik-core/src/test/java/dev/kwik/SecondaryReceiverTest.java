package dev.kwik;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.kwik.SecondaryServerTest.address;
import static dev.kwik.SecondaryServerTest.join;
import static org.assertj.core.api.Assertions.assertThat;

/** A {@link StreamReceiver} on the client fed by two writers at once: the primary and a secondary, at offsets. */
class SecondaryReceiverTest extends TwoServers {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;

    @Test
    void chunksFromPrimaryAndSecondaryReachTheReceiverOnceEachAndInOffsetOrder() throws Exception {
        int chunks = 64;
        byte[] file = new byte[chunks * CHUNK];
        new Random(22).nextBytes(file);
        CompletableFuture<String> primarySide = CompletableFuture.supplyAsync(() -> {
            KwikServerSession ps = primary.accept(T);
            KwikStream s = ps.acceptStream(T);
            s.readMessage(T);
            PathInfo sec = join(ps.addPath(address(secondary)));
            ps.sendRaw(sec.pathId(), ("write-odd stream=" + s.id()).getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < chunks; i += 2) {
                s.writePosition((long) i * CHUNK);
                s.write(file, i * CHUNK, CHUNK);
            }
            ps.receiveRaw(T);
            s.writePosition(file.length);
            s.close();
            return new String(s.readMessage(T), StandardCharsets.UTF_8);
        });
        CompletableFuture<Void> secondarySide = CompletableFuture.runAsync(() -> {
            KwikServerSession ss = secondary.accept(T);
            KwikStream w = SecondaryServerTest.attachAsCommanded(ss);
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
        StreamReceiverTest.Collector r = new StreamReceiverTest.Collector();
        s.receive(r);

        assertThat(r.awaitEnd()).isNull();
        assertThat(r.messages).hasSize(chunks);
        for (int i = 0; i < chunks; i++) {
            assertThat(Arrays.equals(r.messages.get(i), 0, r.messages.get(i).length, file, i * CHUNK, (i + 1) * CHUNK))
                    .as("chunk %d", i).isTrue();
        }
        assertThat(r.misuse).isEmpty();
        s.write("OK".getBytes(StandardCharsets.UTF_8));
        assertThat(primarySide.get(30, TimeUnit.SECONDS)).isEqualTo("OK");
        secondarySide.get(30, TimeUnit.SECONDS);
    }
}

package dev.kwik;

import dev.kwik.internal.session.SessionCore;
import dev.kwik.internal.stream.LogicalStream;
import dev.kwik.internal.wire.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Credit in offsets: senders block, receivers never buffer past their windows, violators are cut off. */
class FlowControlTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int STREAM_WINDOW = 64 * 1024;
    private static final int SESSION_WINDOW = 256 * 1024;
    private Loopback lo;

    @AfterEach
    void tearDown() {
        lo.close();
    }

    @Test
    void slowReaderKeepsSendersBlockedWithBoundedReceiverMemory() throws Exception {
        lo = new Loopback(s -> s.streamWindow(STREAM_WINDOW).sessionWindow(SESSION_WINDOW), c -> { });
        Loopback.Pair p = lo.connect();
        int streams = 8;
        int perStream = 1 << 20;
        List<byte[]> payloads = new ArrayList<>();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            byte[] data = new byte[perStream];
            new Random(i).nextBytes(data);
            payloads.add(data);
            KwikStream s = p.client().openStream();
            writers.add(CompletableFuture.runAsync(() -> {
                for (int off = 0; off < data.length; off += 16 * 1024) {
                    s.write(data, off, 16 * 1024);
                }
                s.close();
            }));
        }
        SessionCore server = (SessionCore) p.server();
        // Nobody reads: the session fills up to its window and the writers stay blocked.
        Conditions.waitUntil(() -> server.bufferedBytes() >= SESSION_WINDOW - STREAM_WINDOW);
        for (int i = 0; i < 20; i++) {
            assertThat(server.bufferedBytes()).isLessThanOrEqualTo(SESSION_WINDOW);
            assertThat(writers).noneMatch(CompletableFuture::isDone);
        }
        List<KwikStream> accepted = new ArrayList<>();
        Conditions.waitUntil(() -> {
            KwikStream s;
            while (accepted.size() < streams && (s = tryAccept(p.server())) != null) {
                accepted.add(s);
            }
            return accepted.size() == streams || server.bufferedBytes() >= SESSION_WINDOW - STREAM_WINDOW;
        });
        for (KwikStream s : accepted) {
            assertThat(((LogicalStream) s).bufferedBytes()).isLessThanOrEqualTo(STREAM_WINDOW);
        }
        // Now read everything: every byte arrives and the writers finish.
        List<CompletableFuture<byte[]>> readers = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            KwikStream s = i < accepted.size() ? accepted.get(i) : p.server().acceptStream(T);
            readers.add(CompletableFuture.supplyAsync(() -> {
                byte[] all = new byte[perStream];
                int at = 0;
                int n;
                while ((n = s.read(all, at, all.length - at, T)) > 0) {
                    at += n;
                    assertThat(server.bufferedBytes()).isLessThanOrEqualTo(SESSION_WINDOW);
                }
                assertThat(at).isEqualTo(perStream);
                return all;
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (CompletableFuture<byte[]> r : readers) {
            byte[] got = r.get(30, TimeUnit.SECONDS);
            assertThat(payloads).anySatisfy(expected -> assertThat(got).isEqualTo(expected));
        }
    }

    private static KwikStream tryAccept(KwikSession s) {
        try {
            return s.acceptStream(Duration.ofMillis(1));
        } catch (KwikTimeoutException e) {
            return null;
        }
    }

    @Test
    void peerSendingBeyondCreditGetsFlowControlErrorAndOtherSessionsCarryOn() throws Exception {
        lo = new Loopback(s -> s.streamWindow(STREAM_WINDOW), c -> { });
        Loopback.Pair bystander = lo.connect();
        Loopback.Pair p = lo.connect();
        SessionCore hostile = (SessionCore) p.client();
        // Forge what a broken client would send: a STREAM frame ending past the server's stream credit.
        ByteBuf packet = hostile.newPacket(Frames.MAX_STREAM_HEADER + 100);
        Frames.stream(packet, 0, STREAM_WINDOW - 50, false, true, new byte[100], 0, 100);
        hostile.sendStreamPacket(0, packet);

        KwikException onServer = ((SessionCore) p.server()).terminated().get(10, TimeUnit.SECONDS);
        assertThat(onServer.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        KwikException onClient = hostile.terminated().get(10, TimeUnit.SECONDS);
        assertThat(onClient.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        assertThat(onClient.getMessage()).contains("credit");
        assertThat(((KwikSessionClosedException) onClient).closedByPeer()).isTrue();

        KwikStream s = bystander.client().openStream();
        s.write("still fine".getBytes());
        assertThat(bystander.server().acceptStream(T).readMessage(T)).isEqualTo("still fine".getBytes());
        assertThat(lo.client.dial(lo.address()).isOpen()).isTrue();
    }

    @Test
    void tinyFramesInHugePacketsDoNotPinThePackets() throws Exception {
        lo = new Loopback(s -> s.streamWindow(STREAM_WINDOW), c -> { });
        Loopback.Pair p = lo.connect();
        SessionCore hostile = (SessionCore) p.client();
        SessionCore victim = (SessionCore) p.server();
        long before = directMemory();
        int frames = 1200;
        for (int i = 0; i < frames; i++) {
            // One byte of stream data (a gap before the next), then 40 KiB of PADDING in the same packet.
            ByteBuf packet = hostile.newPacket(Frames.MAX_STREAM_HEADER + 1 + (40 << 10));
            Frames.stream(packet, 0, 2L * i, false, false, new byte[] {7}, 0, 1);
            packet.writeZero(40 << 10);
            hostile.sendStreamPacket(0, packet);
        }
        Conditions.waitUntil(Duration.ofSeconds(60), () -> victim.heldPieces().held() >= frames);
        assertThat(victim.heldPieces().held()).as("fragments held by the server").isEqualTo(frames);
        long grew = directMemory() - before;
        // Pinning each packet would hold 1,200 x 40 KiB = 47 MiB; copies hold 1,200 one-byte buffers.
        assertThat(grew).as("direct memory held for %d one-byte fragments", frames).isLessThan(16L << 20);
        assertThat(victim.isOpen()).isTrue();
    }

    /** Direct memory held by Netty's allocators: the default one (adaptive in Netty 4.2) and the pooled one KWIK uses. */
    static long directMemory() {
        long pooled = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        return io.netty.buffer.ByteBufAllocator.DEFAULT instanceof io.netty.buffer.ByteBufAllocatorMetricProvider m
                && m != PooledByteBufAllocator.DEFAULT ? pooled + m.metric().usedDirectMemory() : pooled;
    }
}

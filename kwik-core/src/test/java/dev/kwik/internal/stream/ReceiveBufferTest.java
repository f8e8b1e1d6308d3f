package dev.kwik.internal.stream;

import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReceiveBufferTest {
    private final ReceiveBuffer rb = new ReceiveBuffer();

    @AfterEach
    void release() {
        rb.discard();
    }

    private static ByteBuf bytes(int... v) {
        ByteBuf b = Unpooled.buffer(v.length);
        for (int x : v) {
            b.writeByte(x);
        }
        return b;
    }

    private long insert(long offset, ByteBuf data, boolean fin, boolean end) throws WireException {
        try {
            return rb.insert(offset, data, fin, end);
        } finally {
            data.release();
        }
    }

    @Test
    void peekShowsBytesUpToTheNextMessageEndAndSkipMovesPastThem() throws WireException {
        insert(0, bytes(1, 2, 3), false, true);
        insert(3, bytes(4, 5), false, true);
        java.nio.ByteBuffer first = rb.peek();
        assertThat(first.remaining()).isEqualTo(3);
        assertThat(first.get(0)).isEqualTo((byte) 1);
        assertThat(rb.endsMessage(rb.readOffset() + 3)).isTrue();
        rb.skip(3);
        assertThat(rb.readOffset()).isEqualTo(3);
        assertThat(rb.peek().remaining()).isEqualTo(2);
        rb.skip(2);
        assertThat(rb.peek()).isNull();
        assertThat(rb.bufferedBytes()).isZero();
        assertThatThrownBy(() -> rb.skip(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passThroughCountsBytesAsReadWithoutHoldingThemAndKeepsTheFinalSizeRules() throws WireException {
        assertThat(rb.canPassThrough(0)).isTrue();
        assertThat(rb.canPassThrough(1)).isFalse();
        assertThat(rb.passThrough(0, 100, false)).isEqualTo(100);
        assertThat(rb.readOffset()).isEqualTo(100);
        assertThat(rb.bufferedBytes()).isZero();
        // Something held (bytes past a gap) means the next frame must go through the buffer.
        insert(150, bytes(1), false, false);
        assertThat(rb.canPassThrough(100)).isFalse();
        insert(100, Unpooled.wrappedBuffer(new byte[50]), false, false);
        byte[] out = new byte[64];
        assertThat(rb.read(out, 0, 64)).isEqualTo(51);
        assertThat(rb.canPassThrough(151)).isTrue();
        assertThat(rb.passThrough(151, 9, true)).isEqualTo(9);
        assertThat(rb.isFinished()).isTrue();
        assertThatThrownBy(() -> rb.passThrough(160, 1, false))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FINAL_SIZE_ERROR);
    }

    @Test
    void readsStopAtMessageBoundaries() throws WireException {
        insert(0, bytes(1, 2, 3), false, true);
        insert(3, bytes(4, 5), false, true);
        byte[] out = new byte[10];
        assertThat(rb.read(out, 0, 10)).isEqualTo(3);
        assertThat(rb.read(out, 0, 10)).isEqualTo(2);
        assertThat(out[0]).isEqualTo((byte) 4);
        assertThat(rb.read(out, 0, 10)).isZero();
    }

    @Test
    void outOfOrderSegmentsBecomeReadableWhenTheGapFills() throws WireException {
        insert(3, bytes(4, 5, 6), false, true);
        byte[] out = new byte[10];
        assertThat(rb.read(out, 0, 10)).isZero();
        insert(0, bytes(1, 2, 3), false, false);
        assertThat(rb.read(out, 0, 10)).isEqualTo(6);
        assertThat(out).startsWith(1, 2, 3, 4, 5, 6);
    }

    @Test
    void equalDuplicatesAreDroppedAndConflictingBytesAreAProtocolViolation() throws WireException {
        insert(0, bytes(1, 2, 3, 4), false, false);
        insert(2, bytes(3, 4, 5, 6), false, false);
        assertThat(rb.bufferedBytes()).isEqualTo(6);
        assertThatThrownBy(() -> insert(1, bytes(2, 9), false, false))
                .isInstanceOf(WireException.class).hasMessageContaining("conflicting")
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.PROTOCOL_VIOLATION);
        assertThat(rb.bufferedBytes()).isEqualTo(6);
    }

    @Test
    void aRefusedFrameLeavesNoTrace() throws WireException {
        insert(0, bytes(1, 2, 3, 4), false, true);
        assertThatThrownBy(() -> insert(1, bytes(9), true, true)).isInstanceOf(WireException.class);
        assertThat(rb.finalSize()).isEqualTo(-1);
        assertThat(rb.highestOffset()).isEqualTo(4);
        byte[] out = new byte[10];
        assertThat(rb.read(out, 0, 10)).as("no message boundary at 2 from the refused frame").isEqualTo(4);
    }

    @Test
    void finalSizeRulesAreEnforced() throws WireException {
        insert(0, bytes(1, 2), false, false);
        insert(5, bytes(6), true, false);
        assertThat(rb.finalSize()).isEqualTo(6);
        assertThatThrownBy(() -> insert(6, bytes(7), false, false))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FINAL_SIZE_ERROR);
        assertThatThrownBy(() -> insert(3, bytes(4), true, false))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FINAL_SIZE_ERROR);
        ReceiveBuffer other = new ReceiveBuffer();
        ByteBuf d = bytes(1, 2, 3);
        other.insert(0, d, false, false);
        d.release();
        ByteBuf fin = bytes();
        assertThatThrownBy(() -> other.insert(2, fin, true, false))
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FINAL_SIZE_ERROR);
        fin.release();
        other.discard();
    }

    @Test
    void endOfStreamOnlyAfterEveryByteBelowTheFinalSize() throws WireException {
        insert(2, bytes(3), true, true);
        byte[] out = new byte[10];
        assertThat(rb.read(out, 0, 10)).isZero();
        assertThat(rb.isFinished()).isFalse();
        insert(0, bytes(1, 2), false, true);
        assertThat(rb.read(out, 0, 10)).isEqualTo(2);
        assertThat(rb.read(out, 0, 10)).isEqualTo(1);
        assertThat(rb.read(out, 0, 10)).isEqualTo(-1);
    }

    @Test
    void randomArrivalOrderWithDuplicatesReassemblesExactly() throws WireException {
        Random r = new Random(7);
        byte[] data = new byte[50_000];
        r.nextBytes(data);
        List<int[]> pieces = new ArrayList<>();
        for (int at = 0; at < data.length; ) {
            int len = Math.min(data.length - at, 1 + r.nextInt(3000));
            pieces.add(new int[] {at, len});
            at += len;
        }
        List<int[]> arrivals = new ArrayList<>(pieces);
        for (int i = 0; i < 40; i++) {
            arrivals.add(pieces.get(r.nextInt(pieces.size())));
        }
        Collections.shuffle(arrivals, r);
        byte[] out = new byte[data.length];
        int read = 0;
        for (int[] a : arrivals) {
            boolean last = a[0] + a[1] == data.length;
            insert(a[0], Unpooled.wrappedBuffer(data, a[0], a[1]), last, true);
            int n;
            while ((n = rb.read(out, read, out.length - read)) > 0) {
                read += n;
            }
        }
        assertThat(read).isEqualTo(data.length);
        assertThat(out).isEqualTo(data);
        assertThat(rb.isFinished()).isTrue();
        assertThat(rb.bufferedBytes()).isZero();
    }

    @Test
    void piecesAreTakenPerHeldSegmentAndMessageEndAndGivenBackWhenRead() throws WireException {
        HeldPieces budget = new HeldPieces(3);
        ReceiveBuffer b = new ReceiveBuffer(budget);
        ByteBuf one = bytes(1);
        try {
            b.insert(0, one, false, true);
            b.insert(4, one, false, false);
            assertThat(budget.held()).isEqualTo(3);
            assertThatThrownBy(() -> b.insert(8, one, false, false)).isInstanceOf(WireException.class)
                    .hasMessageContaining("pieces").extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
            assertThat(b.highestOffset()).as("a refused frame leaves no trace").isEqualTo(5);
            b.insert(0, one, false, true);
            assertThat(budget.held()).as("bytes and end already held cost nothing").isEqualTo(3);
            assertThat(b.read(new byte[4], 0, 4)).isEqualTo(1);
            assertThat(budget.held()).isEqualTo(1);
            b.discard();
            assertThat(budget.held()).isZero();
        } finally {
            one.release();
        }
    }

    @Test
    void inOrderFramesShareBuffersFromTheSecondOnAndStillReadOneMessageEach() throws WireException {
        HeldPieces budget = new HeldPieces(Long.MAX_VALUE);
        ReceiveBuffer b = new ReceiveBuffer(budget);
        ByteBuf kib = Unpooled.buffer(1024);
        try {
            for (int i = 0; i < 64; i++) {
                kib.clear();
                for (int j = 0; j < 1024; j++) {
                    kib.writeByte(i);
                }
                b.insert(1024L * i, kib, false, true);
            }
            // 64 message ends, the first frame alone, then 63 KiB gathered into buffers of ReceiveBuffer.GATHER bytes.
            long buffers = budget.held() - 64;
            assertThat(buffers).isEqualTo(1 + (63 * 1024 + ReceiveBuffer.GATHER - 1) / ReceiveBuffer.GATHER);
            byte[] m = new byte[4096];
            for (int i = 0; i < 64; i++) {
                assertThat(b.read(m, 0, m.length)).as("message %d", i).isEqualTo(1024);
                assertThat(m[0]).isEqualTo((byte) i);
                assertThat(m[1023]).isEqualTo((byte) i);
            }
            assertThat(budget.held()).isZero();
            assertThat(b.bufferedBytes()).isZero();
        } finally {
            kib.release();
            b.discard();
        }
    }

    @Test
    void memoryHeldIsTheBytesPlusAtMostOnePartlyFilledGatheringBuffer() throws WireException {
        insert(0, bytes(1), false, false);
        assertThat(rb.heldCapacity()).as("a stream's first frame: a buffer of its own size").isEqualTo(1);
        insert(1, bytes(2), false, false);
        assertThat(rb.heldCapacity()).isEqualTo(1 + ReceiveBuffer.GATHER);
        insert(10, bytes(9), false, false);
        assertThat(rb.heldCapacity()).as("past a gap: its own size").isEqualTo(2 + ReceiveBuffer.GATHER);
        Random random = new Random(7);
        long at = 2;
        while (at < 10) {
            insert(at, bytes(0), false, false);
            at++;
        }
        at++;
        for (int i = 0; i < 200; i++) {
            int n = 1 + random.nextInt(3000);
            insert(at, Unpooled.buffer(n).writeZero(n), false, false);
            at += n;
            assertThat(rb.heldCapacity()).isLessThanOrEqualTo(rb.bufferedBytes() + ReceiveBuffer.GATHER);
        }
    }

    @Test
    void truncatingInsideTheContiguousBytesKeepsWhatIsBelowAndDropsTheRest() throws WireException {
        for (int i = 0; i < 10; i++) {
            insert(i * 3L, bytes(i, i, i), false, true);
        }
        insert(40, bytes(9, 9), false, false);
        byte[] out = new byte[64];
        assertThat(rb.read(out, 0, 64)).isEqualTo(3);
        assertThat(rb.truncate(7)).as("bytes 7..30 and 40..42").isEqualTo(23 + 2);
        assertThat(rb.highestOffset()).isEqualTo(7);
        assertThat(rb.bufferedBytes()).isEqualTo(4);
        assertThat(rb.read(out, 0, 64)).isEqualTo(3);
        assertThat(rb.read(out, 0, 64)).as("the message cut at 7 ends there").isEqualTo(1);
        assertThat(out[0]).isEqualTo((byte) 2);
        assertThat(rb.bufferedBytes()).isZero();
    }

    @Test
    void gapsAndTheGracefulKeepSeeTheContiguousBytesAsHeld() throws WireException {
        insert(0, bytes(1, 2), false, false);
        insert(2, bytes(3, 4), false, true);
        insert(6, bytes(7), false, true);
        assertThat(rb.gaps()).extracting(g -> g[0] + ":" + g[1]).containsExactly("4:2", "7:-1");
        assertThat(rb.keepContiguousOnHeap()).as("the byte past the gap").isEqualTo(1);
        byte[] out = new byte[8];
        assertThat(rb.read(out, 0, 8)).isEqualTo(4);
        assertThat(out).startsWith(1, 2, 3, 4);
        assertThat(rb.readableNow()).isZero();
    }
}

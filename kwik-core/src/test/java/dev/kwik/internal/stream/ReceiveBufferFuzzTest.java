package dev.kwik.internal.stream;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.VarInt;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for reassembly: frames at arbitrary offsets (up to 2^62), lengths, FIN and MESSAGE_END flags,
 * some carrying bytes that conflict with what was sent, interleaved with reads of arbitrary sizes. The model
 * is the sender's stream, where the byte at offset {@code o} is {@link #at(long)}; the properties:
 * <ul>
 *   <li>reads return exactly the model's bytes in order (or bytes a conflicting frame placed where nothing
 *       was held yet, which the model then records), never crossing a message end;</li>
 *   <li>a refused frame leaves no trace (read position, highest offset, final size, buffered bytes);</li>
 *   <li>refusals carry PROTOCOL_VIOLATION (conflicting bytes), FINAL_SIZE_ERROR or FLOW_CONTROL_ERROR (the piece
 *       budget, drawn small), nothing else is thrown;</li>
 *   <li>the buffered count equals what is held, and every byte and piece is given back at the end.</li>
 * </ul>
 */
class ReceiveBufferFuzzTest {

    static byte at(long offset) {
        return (byte) (offset * 31 + (offset >>> 8) + 7);
    }

    @FuzzTest(maxDuration = "60s")
    void framesAtArbitraryOffsets(FuzzedDataProvider data) {
        HeldPieces budget = new HeldPieces(data.consumeInt(1, 64));
        ReceiveBuffer rb = new ReceiveBuffer(budget);
        Map<Long, Byte> planted = new HashMap<>();
        TreeSet<Long> ends = new TreeSet<>();
        try {
            for (int op = 0; op < 64 && data.remainingBytes() > 0; op++) {
                if (data.consumeBoolean()) {
                    insert(rb, budget, data, planted, ends);
                } else {
                    read(rb, data.consumeInt(1, 4096), planted, ends);
                }
                assertThat(rb.bufferedBytes()).isBetween(0L, Math.max(0, rb.highestOffset() - rb.readOffset()));
                assertThat(rb.isFinished()).isEqualTo(rb.finalSize() >= 0 && rb.readOffset() == rb.finalSize());
            }
        } finally {
            rb.discard();
            assertThat(rb.bufferedBytes()).isZero();
            assertThat(budget.held()).as("every piece given back").isZero();
        }
    }

    private static void insert(ReceiveBuffer rb, HeldPieces budget, FuzzedDataProvider data, Map<Long, Byte> planted, TreeSet<Long> ends) {
        long offset = data.consumeBoolean() ? data.consumeLong(0, 1 << 16) : data.consumeLong(0, VarInt.MAX);
        int len = (int) Math.min(data.consumeInt(0, 2048), VarInt.MAX - offset);
        boolean fin = data.consumeProbabilityDouble() < 0.1;
        boolean messageEnd = data.consumeBoolean();
        int conflictAt = data.consumeProbabilityDouble() < 0.1 && len > 0 ? data.consumeInt(0, len - 1) : -1;
        ByteBuf frame = Unpooled.buffer(len);
        for (int i = 0; i < len; i++) {
            frame.writeByte(i == conflictAt ? ~at(offset + i) : at(offset + i));
        }
        long read = rb.readOffset();
        long highest = rb.highestOffset();
        long finalSize = rb.finalSize();
        long buffered = rb.bufferedBytes();
        long held = budget.held();
        try {
            rb.insert(offset, frame, fin, messageEnd);
            if (conflictAt >= 0 && offset + conflictAt >= read) {
                planted.put(offset + conflictAt, (byte) ~at(offset + conflictAt));
            }
            if (messageEnd && offset + len > read) {
                ends.add(offset + len);
            }
        } catch (WireException e) {
            assertThat(e.code()).isIn(ErrorCode.PROTOCOL_VIOLATION, ErrorCode.FINAL_SIZE_ERROR, ErrorCode.FLOW_CONTROL_ERROR);
            assertThat(budget.held()).isEqualTo(held).isLessThanOrEqualTo(budget.limit());
            if (e.code() == ErrorCode.PROTOCOL_VIOLATION) {
                long from = Math.max(offset, read);
                boolean plantedInRange = planted.keySet().stream().anyMatch(o -> o >= from && o < offset + len);
                assertThat(conflictAt >= 0 || plantedInRange).as("conflict reported without conflicting bytes").isTrue();
            }
            assertThat(new long[] {rb.readOffset(), rb.highestOffset(), rb.finalSize(), rb.bufferedBytes()})
                    .as("a refused frame leaves no trace").containsExactly(read, highest, finalSize, buffered);
        } finally {
            frame.release();
        }
    }

    private static void read(ReceiveBuffer rb, int len, Map<Long, Byte> planted, TreeSet<Long> ends) {
        long from = rb.readOffset();
        byte[] out = new byte[len];
        int n = rb.read(out, 0, len);
        if (n < 0) {
            assertThat(rb.isFinished()).isTrue();
            return;
        }
        assertThat(rb.readOffset()).isEqualTo(from + n);
        for (int i = 0; i < n; i++) {
            long o = from + i;
            assertThat(out[i]).as("byte at offset %d", o).isEqualTo(planted.getOrDefault(o, at(o)));
        }
        Long end = ends.higher(from);
        if (end != null) {
            assertThat(from + n).as("a read never crosses a message end").isLessThanOrEqualTo(end);
        }
    }
}

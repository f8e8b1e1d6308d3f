package dev.kwik.bench.micro;

import dev.kwik.internal.stream.HeldPieces;
import dev.kwik.internal.stream.ReceiveBuffer;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reassembly cost per 1 KiB frame: 64 frames inserted in order or pairwise swapped (out of order), each a
 * message, then read message by message. Per operation = per frame. The copy out of the packet (so a held
 * frame does not pin its packet) is part of what is measured.
 */
@State(Scope.Thread)
public class ReassemblyBench {
    static final int FRAMES = 64;
    static final int SIZE = 1024;
    private ByteBuf frame;
    private final byte[] dst = new byte[SIZE];
    private final HeldPieces budget = new HeldPieces(1 << 20);
    private long offset;
    private ReceiveBuffer rb;

    @Setup(Level.Trial)
    public void setUp() {
        frame = Unpooled.directBuffer(SIZE).writeZero(SIZE);
        rb = new ReceiveBuffer(budget);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rb.discard();
        frame.release();
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int inOrderInsertAndRead() throws WireException {
        int read = 0;
        for (int i = 0; i < FRAMES; i++) {
            rb.insert(offset + (long) i * SIZE, frame, false, true);
        }
        for (int i = 0; i < FRAMES; i++) {
            read += rb.read(dst, 0, SIZE);
        }
        offset += (long) FRAMES * SIZE;
        return read;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int outOfOrderInsertAndRead() throws WireException {
        int read = 0;
        for (int i = 0; i < FRAMES; i += 2) {
            rb.insert(offset + (long) (i + 1) * SIZE, frame, false, true);
            rb.insert(offset + (long) i * SIZE, frame, false, true);
        }
        for (int i = 0; i < FRAMES; i++) {
            read += rb.read(dst, 0, SIZE);
        }
        offset += (long) FRAMES * SIZE;
        return read;
    }
}

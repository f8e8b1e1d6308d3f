package dev.kwik.internal.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link PacketFramerTest} cannot see through a pipeline: views versus copies, and release mid-read. */
class PacketAssemblerTest {
    private static ByteBuf packets(int... sizes) {
        ByteBuf b = Unpooled.buffer();
        for (int size : sizes) {
            VarInt.write(b, size);
            for (int i = 0; i < size; i++) {
                b.writeByte(size);
            }
        }
        return b;
    }

    @Test
    void aPacketWholeInOneReadIsAViewOfThatReadAndASplitOneIsGathered() throws WireException {
        PacketAssembler a = new PacketAssembler(1000);
        ByteBuf in = packets(10, 20);
        ByteBuf first = in.readRetainedSlice(1 + 10 + 1 + 5); // packet 10 whole, then the start of packet 20
        List<Boolean> views = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        PacketAssembler.Sink sink = body -> {
            sizes.add(body.readableBytes());
            views.add(body.hasArray() && body.array() == in.array());
        };
        a.feed(first, sink);
        a.feed(in, sink);
        assertThat(sizes).containsExactly(10, 20);
        assertThat(views).containsExactly(true, false);
        assertThat(first.isReadable()).isFalse();
        assertThat(in.isReadable()).isFalse();
        first.release();
        in.release();
    }

    @Test
    void releasedWhileAPacketIsHandledTheRestOfTheReadAndLaterReadsAreIgnored() throws WireException {
        PacketAssembler a = new PacketAssembler(1000);
        ByteBuf in = packets(10, 20);
        ByteBuf first = in.readRetainedSlice(1 + 10 + 1 + 5);
        List<Integer> sizes = new ArrayList<>();
        PacketAssembler.Sink sink = body -> {
            sizes.add(body.readableBytes());
            a.release(); // the packet's handler ended the stream
        };
        a.feed(first, sink);
        assertThat(first.isReadable()).as("the rest of the read is skipped, not kept").isFalse();
        a.feed(in, sink);
        assertThat(sizes).containsExactly(10);
        assertThat(in.isReadable()).isFalse();
        first.release();
        in.release();
    }
}

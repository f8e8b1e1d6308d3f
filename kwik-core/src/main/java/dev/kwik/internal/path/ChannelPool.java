package dev.kwik.internal.path;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.collection.LongObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * The data channels (unidirectional QUIC streams) of one path and which logical streams ride on each. A
 * logical stream keeps its channel from its first frame to its FIN or reset, so its frames stay in order;
 * each channel carries up to {@code streamsPerChannel} logical streams. The pool opens a channel when every
 * open one is full and ends (FIN) a channel that no stream uses once fewer channels would do.
 *
 * <p>Event-loop confined.
 */
final class ChannelPool {
    static final class DataChannel {
        Channel channel;
        /** Packets of this drain, or every packet since the channel was asked for until it opens. */
        final PacketBatch batch = new PacketBatch();
        int assigned;
        boolean dirty;
    }

    private final PathConnection conn;
    private final int streamsPerChannel;
    private final List<DataChannel> channels = new ArrayList<>();
    private final LongObjectHashMap<DataChannel> byStream = new LongObjectHashMap<>();
    private boolean closed;

    ChannelPool(PathConnection conn, int streamsPerChannel) {
        this.conn = conn;
        this.streamsPerChannel = streamsPerChannel;
    }

    /** The channel for a logical stream's frames, assigning (and opening) one on first use. */
    DataChannel channelFor(long streamId) {
        DataChannel dc = byStream.get(streamId);
        if (dc != null) {
            return dc;
        }
        DataChannel best = null;
        for (DataChannel c : channels) {
            if (c.assigned < streamsPerChannel && (best == null || c.assigned < best.assigned)) {
                best = c;
            }
        }
        if (best == null) {
            best = open();
        }
        best.assigned++;
        byStream.put(streamId, best);
        return best;
    }

    /** Adds a packet to the channel's batch, written by {@link #flush} (or when the channel opens). */
    void write(DataChannel dc, ByteBuf packet) {
        dc.batch.add(packet);
        dc.dirty = dc.channel != null;
    }

    /** Writes each open channel's batch: one QUIC stream write per channel. */
    void flush() {
        for (DataChannel c : channels) {
            if (c.dirty) {
                c.dirty = false;
                c.batch.writeTo(c.channel);
            }
        }
    }

    /** The logical stream sent its last frame: free its slot and end channels no longer needed. */
    void release(long streamId) {
        DataChannel dc = byStream.remove(streamId);
        if (dc == null) {
            return;
        }
        dc.assigned--;
        int needed = Math.max(1, (byStream.size() + streamsPerChannel - 1) / streamsPerChannel);
        if (dc.assigned == 0 && channels.size() > needed && dc.channel != null) {
            channels.remove(dc);
            if (dc.dirty) {
                dc.dirty = false;
                dc.batch.writeTo(dc.channel);
            }
            conn.finishDataChannel(dc.channel);
        }
    }

    int size() {
        return channels.size();
    }

    private DataChannel open() {
        DataChannel dc = new DataChannel();
        channels.add(dc);
        conn.openDataChannel(ch -> {
            if (closed) {
                ch.close();
                return;
            }
            dc.channel = ch;
            dc.dirty = false;
            dc.batch.writeTo(ch);
        }, cause -> {
            // The connection is going away: the path's close handling reports it; drop what waited here.
            dc.batch.release();
        });
        return dc;
    }

    void close() {
        closed = true;
        for (DataChannel c : channels) {
            c.batch.release();
        }
        channels.clear();
        byStream.clear();
    }
}

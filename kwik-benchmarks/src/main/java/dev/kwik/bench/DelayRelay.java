package dev.kwik.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A user-space link emulator for UDP flows: datagrams to {@code listen} go to {@code target} and answers come
 * back, each direction held for {@code oneWayMillis} (this kernel has no {@code netem}). Rate limits stay with
 * tc on the veth the flow also crosses. Each client address gets its own socket towards the target, like a NAT,
 * so that a client's new connection (a new session from a new port) gets its own answers while the old one
 * drains; FIFO per direction, and a queue of at most 65,536 datagrams per direction beyond which datagrams are
 * dropped, like a full router queue.
 */
final class DelayRelay {
    private static final int QUEUE = 65_536;
    private final DatagramChannel front;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final Map<SocketAddress, DatagramChannel> flows = new ConcurrentHashMap<>();
    private final BlockingQueue<Held> up = new ArrayBlockingQueue<>(QUEUE);
    private final BlockingQueue<Held> down = new ArrayBlockingQueue<>(QUEUE);
    private String name;

    /** A datagram and where it goes: the flow's socket towards the target (up), or the client (down). */
    private record Held(long dueNanos, ByteBuffer data, SocketAddress client, DatagramChannel flow) {
    }

    DelayRelay(InetSocketAddress listen, InetSocketAddress target, long oneWayMillis) throws IOException {
        this.delayNanos = oneWayMillis * 1_000_000;
        this.target = target;
        this.front = DatagramChannel.open().setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20)
                .setOption(StandardSocketOptions.SO_SNDBUF, 8 << 20).bind(listen);
    }

    void start(String name) {
        this.name = name;
        thread(name + "-up-in", () -> {
            for (;;) {
                ByteBuffer b = ByteBuffer.allocate(2048);
                SocketAddress client = front.receive(b);
                up.offer(new Held(System.nanoTime() + delayNanos, b.flip(), client, flow(client)));
            }
        });
        thread(name + "-up-out", () -> {
            for (;;) {
                Held h = due(up.take());
                h.flow.write(h.data);
            }
        });
        thread(name + "-down-out", () -> {
            for (;;) {
                Held h = due(down.take());
                front.send(h.data, h.client);
            }
        });
    }

    /** The socket towards the target for one client address, and the thread that reads its answers. */
    private DatagramChannel flow(SocketAddress client) {
        return flows.computeIfAbsent(client, c -> {
            try {
                DatagramChannel back = DatagramChannel.open().setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20)
                        .setOption(StandardSocketOptions.SO_SNDBUF, 8 << 20).connect(target);
                thread(name + "-down-in-" + flows.size(), () -> {
                    for (;;) {
                        ByteBuffer b = ByteBuffer.allocate(2048);
                        back.receive(b);
                        down.offer(new Held(System.nanoTime() + delayNanos, b.flip(), c, back));
                    }
                });
                return back;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Held due(Held h) {
        long wait;
        while ((wait = h.dueNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        return h;
    }

    private interface Loop {
        void run() throws Exception;
    }

    private static void thread(String name, Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (Exception e) {
                System.out.println("RELAY " + name + " stopped: " + e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }
}

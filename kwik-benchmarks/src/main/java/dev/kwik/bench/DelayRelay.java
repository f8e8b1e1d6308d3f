package dev.kwik.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A user-space link emulator for one UDP flow: datagrams to {@code listen} go to {@code target} and answers come
 * back, each direction held for {@code oneWayMillis} (this kernel has no {@code netem}). Rate limits stay with
 * tc on the veth the flow also crosses. One client per relay (the first to send), FIFO per direction, and a
 * queue of at most 65,536 datagrams per direction beyond which datagrams are dropped, like a full router queue.
 */
final class DelayRelay {
    private static final int QUEUE = 65_536;
    private final DatagramChannel front;
    private final DatagramChannel back;
    private final long delayNanos;
    private volatile SocketAddress client;

    private record Held(long dueNanos, ByteBuffer data) {
    }

    DelayRelay(InetSocketAddress listen, InetSocketAddress target, long oneWayMillis) throws IOException {
        this.delayNanos = oneWayMillis * 1_000_000;
        this.front = DatagramChannel.open().setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20)
                .setOption(StandardSocketOptions.SO_SNDBUF, 8 << 20).bind(listen);
        this.back = DatagramChannel.open().setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20)
                .setOption(StandardSocketOptions.SO_SNDBUF, 8 << 20).connect(target);
    }

    void start(String name) {
        BlockingQueue<Held> up = new ArrayBlockingQueue<>(QUEUE);
        BlockingQueue<Held> down = new ArrayBlockingQueue<>(QUEUE);
        thread(name + "-up-in", () -> {
            for (;;) {
                ByteBuffer b = ByteBuffer.allocate(2048);
                client = front.receive(b);
                up.offer(new Held(System.nanoTime() + delayNanos, b.flip()));
            }
        });
        thread(name + "-down-in", () -> {
            for (;;) {
                ByteBuffer b = ByteBuffer.allocate(2048);
                back.receive(b);
                down.offer(new Held(System.nanoTime() + delayNanos, b.flip()));
            }
        });
        thread(name + "-up-out", () -> {
            for (;;) {
                back.write(due(up.take()).data);
            }
        });
        thread(name + "-down-out", () -> {
            for (;;) {
                Held h = due(down.take());
                SocketAddress c = client;
                if (c != null) {
                    front.send(h.data, c);
                }
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

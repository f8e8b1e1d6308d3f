package dev.kwik;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A user-space UDP link between one client and one server on loopback: the client talks to {@link #port()},
 * the relay forwards both ways. {@link #cut()} silently drops everything from then on, like a pulled cable —
 * no ICMP, no close — which is what heartbeat-based path death must detect. {@link #loss(double)} drops a
 * random share of datagrams and {@link #rate(long)} polices each direction to a byte rate (drops what exceeds
 * it, like a token-bucket filter with a small burst).
 */
final class UdpRelay implements AutoCloseable {
    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress target;
    private volatile SocketAddress client;
    private volatile boolean cut;
    private volatile double loss;
    private volatile long bytesPerSecond;
    private final java.util.concurrent.atomic.AtomicInteger largestDown = new java.util.concurrent.atomic.AtomicInteger();

    UdpRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        front.setReceiveBufferSize(4 << 20);
        back.setReceiveBufferSize(4 << 20);
        start("relay-up", front, true);
        start("relay-down", back, false);
    }

    private void start(String name, DatagramSocket in, boolean up) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            java.util.SplittableRandom random = new java.util.SplittableRandom();
            double tokens = 0;
            long last = System.nanoTime();
            while (!in.isClosed()) {
                try {
                    p.setLength(buf.length);
                    in.receive(p);
                    if (cut || random.nextDouble() < loss) {
                        continue;
                    }
                    long rate = bytesPerSecond;
                    if (rate > 0) {
                        long now = System.nanoTime();
                        tokens = Math.min(rate / 20.0, tokens + (now - last) * rate / 1e9);
                        last = now;
                        if (tokens < p.getLength()) {
                            continue;
                        }
                        tokens -= p.getLength();
                    }
                    if (up) {
                        client = p.getSocketAddress();
                        back.send(new DatagramPacket(buf, p.getLength(), target));
                    } else if (client != null) {
                        largestDown.accumulateAndGet(p.getLength(), Math::max);
                        front.send(new DatagramPacket(buf, p.getLength(), client));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** The largest UDP payload forwarded from the server to the client so far, in bytes. */
    int largestDatagramToClient() {
        return largestDown.get();
    }

    /** Where the client should send (a loopback address and port). */
    int port() {
        return front.getLocalPort();
    }

    /** Drops this share (0 to 1) of the datagrams in each direction, at random. */
    void loss(double share) {
        loss = share;
    }

    /** Polices each direction to this many bytes per second (burst: 50 ms worth); 0 for no limit. */
    void rate(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    boolean isCut() {
        return cut;
    }

    /** Drops every datagram from now on, both ways. */
    void cut() {
        cut = true;
    }

    @Override
    public void close() {
        front.close();
        back.close();
    }
}

package dev.kwik.spring.autoconfigure;

import dev.kwik.KwikServerSession;
import dev.kwik.KwikStream;

import java.util.concurrent.CompletableFuture;

/**
 * The handler loop of the docs: every stream of the session, each message echoed, until the client closes. Records
 * the thread it ran on and how many streams it served.
 */
public final class EchoHandler implements KwikSessionHandler {
    public final CompletableFuture<Thread> thread = new CompletableFuture<>();
    public final CompletableFuture<Integer> served = new CompletableFuture<>();

    @Override
    public void handle(KwikServerSession session) {
        thread.complete(Thread.currentThread());
        int n = 0;
        KwikStream s;
        while ((s = session.acceptStream()) != null) {
            byte[] m;
            while ((m = s.readMessage()) != null) {
                s.write(m);
            }
            s.close();
            n++;
        }
        served.complete(n);
    }
}

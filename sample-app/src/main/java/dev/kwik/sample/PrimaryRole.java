package dev.kwik.sample;

import dev.kwik.KwikException;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikStream;
import dev.kwik.KwikTimeoutException;
import dev.kwik.MissingRange;
import dev.kwik.PathInfo;
import dev.kwik.PathListener;
import dev.kwik.RawMessage;
import dev.kwik.Role;
import dev.kwik.spring.autoconfigure.HostPort;
import dev.kwik.spring.autoconfigure.KwikSessionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The primary server's side of one download: announce the file, bring the secondary in with {@code addPath},
 * write the even chunks and command the secondary (raw relay) to write the odd ones, re-send whatever a lost
 * secondary leaves missing, and end the stream once the client acknowledges.
 */
@Component
@Profile("primary")
class PrimaryRole implements KwikSessionHandler {
    private static final Logger log = LoggerFactory.getLogger(PrimaryRole.class);
    private static final Duration T = Duration.ofSeconds(60);

    private final DemoProperties props;
    private volatile String digest;

    PrimaryRole(DemoProperties props) {
        this.props = props;
    }

    private FileSource open() {
        return new FileSource(props.getFile(), props.getSize().toBytes(), (int) props.getChunk().toBytes());
    }

    @Override
    public void handle(KwikServerSession session) throws Exception {
        CompletableFuture<List<MissingRange>> lost = new CompletableFuture<>();
        session.addPathListener(new PathListener() {
            @Override
            public void pathLost(KwikServerSession s, PathInfo path, List<MissingRange> missing) {
                if (path.role() == Role.SECONDARY) {
                    lost.complete(missing);
                }
            }
        });
        KwikStream s = session.acceptStream(T);
        DemoMessages.Message request = DemoMessages.Message.parse(s.readMessage(T));
        if (!request.verb().equals("GET")) {
            s.reset(1);
            return;
        }
        try (FileSource src = open()) {
            if (digest == null) {
                digest = src.sha256();
            }
            s.write(DemoMessages.encode("FILE", "name", src.name(), "size", src.size(), "chunk", src.chunkSize(),
                    "sha256", digest));
            long base = s.writePosition();
            log.info("event=transfer-start session={} file={} size={} chunks={}", session.id(), src.name(), src.size(),
                    src.chunks());

            PathInfo secondary = addSecondary(session);
            AtomicLong resent = new AtomicLong();
            AtomicBoolean acknowledged = new AtomicBoolean();
            CompletableFuture<Void> helper = CompletableFuture.completedFuture(null);
            if (secondary != null) {
                session.sendRaw(secondary.pathId(), DemoMessages.encode("SEND", "stream", s.id(), "base", base,
                        "size", src.size(), "chunk", src.chunkSize(), "first", 1, "step", 2));
                helper = CompletableFuture.runAsync(() -> followSecondary(session, s, src, base, lost, resent,
                        acknowledged));
            }
            for (int i = 0; i < src.chunks(); i += secondary != null ? 2 : 1) {
                s.write(base + (long) i * src.chunkSize(), src.chunk(i), 0, src.length(i));
            }

            DemoMessages.Message ack = DemoMessages.Message.parse(s.readMessage(Duration.ofMinutes(10)));
            acknowledged.set(true);
            helper.get(T.toMillis(), TimeUnit.MILLISECONDS); // a refill in progress finishes before the FIN
            s.writePosition(base + src.size());
            s.write(DemoMessages.encode("DONE", "resent", resent.get()));
            s.close();
            log.info("event=transfer-acknowledged session={} ok={} resent={}", session.id(), ack.get("ok"), resent.get());
            if (secondary != null) {
                try {
                    session.sendRaw(secondary.pathId(), DemoMessages.encode("FINISHED"));
                } catch (KwikException gone) {
                    log.debug("event=secondary-gone reason={}", gone.getMessage());
                }
            }
        }
    }

    private PathInfo addSecondary(KwikServerSession session) {
        String a = props.getSecondary();
        if (a == null || a.isBlank()) {
            return null;
        }
        try {
            PathInfo p = session.addPath(HostPort.parse(a, 1).toAddress()).get(15, TimeUnit.SECONDS);
            log.info("event=secondary-added session={} path={} address={}", session.id(), p.pathId(), a);
            return p;
        } catch (Exception e) {
            log.warn("event=secondary-unavailable session={} address={} reason={} (the primary sends everything)",
                    session.id(), a, e.getCause() != null ? e.getCause().getMessage() : e.toString());
            return null;
        }
    }

    /** Waits for the secondary's report; writes its chunks here if it refused, its missing ranges if it was lost. */
    private void followSecondary(KwikServerSession session, KwikStream s, FileSource src, long base,
                                 CompletableFuture<List<MissingRange>> lost, AtomicLong resent,
                                 AtomicBoolean acknowledged) {
        while (session.isOpen() && !acknowledged.get()) {
            if (lost.isDone()) {
                List<MissingRange> missing = lost.join();
                log.info("event=secondary-lost session={} missing-ranges={}", session.id(), missing.size());
                for (MissingRange r : missing) {
                    long end = r.isOpenEnded() ? base + src.size() : Math.min(r.offset() + r.length(), base + src.size());
                    resent.addAndGet(writeRange(s, src, base, r.offset(), end));
                }
                return;
            }
            RawMessage m;
            try {
                m = session.receiveRaw(Duration.ofMillis(200));
            } catch (KwikTimeoutException e) {
                continue;
            }
            DemoMessages.Message report = DemoMessages.Message.parse(m.data());
            if (report.verb().equals("REFUSED")) {
                log.warn("event=secondary-refused session={} reason={}", session.id(), report.fields());
                for (int i = 1; i < src.chunks(); i += 2) {
                    s.write(base + (long) i * src.chunkSize(), src.chunk(i), 0, src.length(i));
                    resent.addAndGet(src.length(i));
                }
                return;
            }
            log.info("event=secondary-sent session={} bytes={}", session.id(), report.get("bytes"));
            // Keep watching: a secondary lost before the client acknowledged its bytes leaves ranges to re-send.
        }
    }

    /**
     * Writes the secondary's chunks (odd indexes) that fall in {@code [from, to)}. The client reports every byte it
     * lacks in the streams the secondary wrote into, which includes even chunks this server is still sending.
     */
    private static long writeRange(KwikStream s, FileSource src, long base, long from, long to) {
        long written = 0;
        for (long off = Math.max(from, base); off < to; ) {
            int index = (int) ((off - base) / src.chunkSize());
            int inChunk = (int) ((off - base) % src.chunkSize());
            int n = (int) Math.min(src.length(index) - inChunk, to - off);
            if (index % 2 == 1) {
                s.write(off, src.chunk(index), inChunk, n);
                written += n;
            }
            off += n;
        }
        return written;
    }
}

package dev.kwik.sample;

import dev.kwik.KwikException;
import dev.kwik.KwikServerSession;
import dev.kwik.KwikStream;
import dev.kwik.RawMessage;
import dev.kwik.spring.autoconfigure.KwikSessionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * The secondary server: waits for the primary's command (raw relay through the client), writes its chunks
 * straight into the client's stream at the offsets it was told, and reports back to the primary.
 */
@Component
@Profile("secondary")
class SecondaryRole implements KwikSessionHandler {
    private static final Logger log = LoggerFactory.getLogger(SecondaryRole.class);
    private static final Duration T = Duration.ofSeconds(60);

    private final DemoProperties props;

    SecondaryRole(DemoProperties props) {
        this.props = props;
    }

    @Override
    public void handle(KwikServerSession session) {
        try {
            RawMessage raw = session.receiveRaw(T);
            DemoMessages.Message cmd = DemoMessages.Message.parse(raw.data());
            if (!cmd.verb().equals("SEND")) {
                return;
            }
            long size = cmd.number("size");
            int chunk = (int) cmd.number("chunk");
            try (FileSource src = new FileSource(props.getFile(), size, chunk)) {
                if (src.size() != size) {
                    session.sendRaw(raw.sourcePathId(), DemoMessages.encode("REFUSED", "reason", "size-mismatch",
                            "mine", src.size()));
                    return;
                }
                long base = cmd.number("base");
                KwikStream w = session.attachStream(cmd.number("stream"));
                long bytes = 0;
                for (int i = (int) cmd.number("first"); i < src.chunks(); i += (int) cmd.number("step")) {
                    w.write(base + (long) i * chunk, src.chunk(i), 0, src.length(i));
                    bytes += src.length(i);
                }
                w.close();
                session.sendRaw(raw.sourcePathId(), DemoMessages.encode("SENT", "bytes", bytes));
                log.info("event=chunks-written session={} bytes={}", session.id(), bytes);
            }
            RawMessage end = session.receiveRaw(Duration.ofMinutes(10));
            log.info("event=exchange-finished session={} message={}", session.id(),
                    DemoMessages.Message.parse(end.data()).verb());
        } catch (KwikException e) {
            log.info("event=session-ended session={} code={} reason={}", session.id(), e.code(), e.getMessage());
        }
    }
}

package dev.kwik;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** A self-signed server removes its temporary certificate files once, however often it is closed, and quietly. */
class SelfSignedServerTest {
    @Test
    void closingTwiceDeletesTheCertificateFilesOnceWithoutWarnings() {
        Logger netty = (Logger) LoggerFactory.getLogger(io.netty.handler.ssl.util.SelfSignedCertificate.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        netty.addAppender(events);
        try {
            KwikServer server = KwikServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).selfSigned().build().start();
            File cert = server.selfSignedCertificate();
            assertThat(cert).exists();
            server.close();
            server.close();
            assertThat(cert).doesNotExist();
            assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        } finally {
            netty.detachAppender(events);
        }
    }
}

package dev.kwik;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Fails a test class when Netty's leak detector (run at paranoid level by surefire) reported a leaked buffer
 * while it ran. Registered for every test class through the JUnit extension service file; the appender is
 * wired to Netty's ResourceLeakDetector logger in logback-test.xml.
 */
public final class LeakGuard extends AppenderBase<ILoggingEvent> implements AfterAllCallback {
    private static final List<String> REPORTS = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getFormattedMessage().contains("LEAK")) {
            synchronized (REPORTS) {
                REPORTS.add(e.getFormattedMessage());
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Leaks are reported when a collected buffer is noticed by a later allocation: collect, then allocate.
        for (int i = 0; i < 3; i++) {
            System.gc();
            for (int j = 0; j < 64; j++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                b.release();
            }
        }
        List<String> found;
        synchronized (REPORTS) {
            found = new ArrayList<>(REPORTS);
            REPORTS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " Netty buffer leak report(s) during "
                    + context.getDisplayName() + ":\n" + String.join("\n", found));
        }
    }
}

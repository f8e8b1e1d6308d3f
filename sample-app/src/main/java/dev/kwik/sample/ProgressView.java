package dev.kwik.sample;

import dev.kwik.PathInfo;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The client's console: one bar per path (bytes received, rate), redrawn at most four times a second on a
 * terminal, or a plain line every two seconds when output goes to a file or pipe; and the final summary table.
 */
final class ProgressView {
    private static final int BAR = 24;
    private final PrintStream out;
    private final boolean terminal;
    private final Supplier<List<PathInfo>> paths;
    private final long fileSize;
    private final Map<Long, long[]> last = new HashMap<>();
    private long lastPrint;
    private int drawnLines;

    ProgressView(PrintStream out, Supplier<List<PathInfo>> paths, long fileSize) {
        this.out = out;
        this.terminal = System.console() != null;
        this.paths = paths;
        this.fileSize = fileSize;
    }

    /** Redraws if enough time has passed; call as often as convenient. */
    void maybeDraw(long received) {
        long now = System.nanoTime();
        long every = terminal ? 250_000_000L : 2_000_000_000L;
        if (now - lastPrint < every) {
            return;
        }
        double seconds = lastPrint == 0 ? 0 : (now - lastPrint) / 1e9;
        lastPrint = now;
        StringBuilder b = new StringBuilder();
        List<PathInfo> ps = paths.get();
        for (PathInfo p : ps) {
            long[] prev = last.computeIfAbsent(p.pathId(), k -> new long[1]);
            double rate = seconds > 0 ? (p.bytesReceived() - prev[0]) / seconds : 0;
            prev[0] = p.bytesReceived();
            int filled = (int) Math.min(BAR, Math.round(BAR * (double) p.bytesReceived() / Math.max(1, fileSize)));
            b.append(String.format(Locale.ROOT, "  %-9s %-21s [%s%s] %8s %10s/s  %s%n", p.role().name().toLowerCase(Locale.ROOT),
                    p.remoteAddress().getHostString() + ":" + p.remoteAddress().getPort(), "#".repeat(filled),
                    ".".repeat(BAR - filled), mib(p.bytesReceived()), mib((long) rate), p.state()));
        }
        b.append(String.format(Locale.ROOT, "  file      %5.1f%%  %s of %s%n", 100.0 * received / Math.max(1, fileSize),
                mib(received), mib(fileSize)));
        if (terminal && drawnLines > 0) {
            out.print("\033[" + drawnLines + "A\033[J"); // back over the previous frame
        }
        out.print(b);
        out.flush();
        drawnLines = ps.size() + 1;
    }

    /** Forces the next {@link #maybeDraw} to draw. */
    void reset() {
        lastPrint = 0;
    }

    void summary(List<PathInfo> ps, long bytes, double seconds, boolean digestOk, long resent, String killNote) {
        long total = ps.stream().mapToLong(PathInfo::bytesReceived).sum();
        out.println();
        out.println("  path  role       address                 state    received     share");
        for (PathInfo p : ps) {
            out.printf(Locale.ROOT, "  %4d  %-9s  %-22s  %-7s  %10s  %6.1f%%%n", p.pathId(),
                    p.role().name().toLowerCase(Locale.ROOT), p.remoteAddress().getHostString() + ":"
                            + p.remoteAddress().getPort(), p.state(), mib(p.bytesReceived()),
                    100.0 * p.bytesReceived() / Math.max(1, total));
        }
        out.printf(Locale.ROOT, "  %s in %.2f s: %.1f MB/s; SHA-256 %s%n", mib(bytes), seconds, bytes / seconds / 1e6,
                digestOk ? "OK (matches the primary's)" : "MISMATCH");
        if (killNote != null) {
            out.println("  " + killNote);
        }
        if (resent > 0) {
            out.printf(Locale.ROOT, "  the primary re-sent %s the secondary left missing; the file is %s%n", mib(resent),
                    digestOk ? "intact" : "NOT intact");
        }
        out.flush();
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}

package dev.kwik.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;

/** The file-transfer demo's settings ({@code demo.*}); the KWIK ones are {@code kwik.*}. */
@ConfigurationProperties("demo")
public class DemoProperties {
    /** A real file to transfer (every server needs the same file). Unset: a generated file of {@code demo.size}. */
    private Path file;

    /** Size of the generated file. */
    private DataSize size = DataSize.ofMegabytes(64);

    /** Bytes per chunk: one positioned write, one message on the client. */
    private DataSize chunk = DataSize.ofKilobytes(256);

    /** Where the client writes what it received. */
    private Path output = Path.of(System.getProperty("java.io.tmpdir"), "kwik-demo-download.bin");

    /** The secondary server the primary brings into each session, as host:port. */
    private String secondary = "localhost:4434";

    /** Stop the secondary server once the client has this share of the file, e.g. 50% (all-in-one mode only). */
    private String killSecondaryAfter;

    /** Exit after the transfer: status 0 when the digest matches, 1 otherwise. Else keep serving actuator. */
    private boolean exit;

    /** Wait this long before asking for the file (lets a scraper see the meters at zero first). */
    private Duration startDelay = Duration.ZERO;

    public Duration getStartDelay() {
        return startDelay;
    }

    public void setStartDelay(Duration startDelay) {
        this.startDelay = startDelay;
    }

    /** Where the development certificate shared by the demo's servers (and trusted by its client) is kept. */
    private Path certificates = Path.of(System.getProperty("java.io.tmpdir"), "kwik-demo-certificates");

    public Path getFile() {
        return file;
    }

    public void setFile(Path file) {
        this.file = file;
    }

    public DataSize getSize() {
        return size;
    }

    public void setSize(DataSize size) {
        this.size = size;
    }

    public DataSize getChunk() {
        return chunk;
    }

    public void setChunk(DataSize chunk) {
        this.chunk = chunk;
    }

    public Path getOutput() {
        return output;
    }

    public void setOutput(Path output) {
        this.output = output;
    }

    public String getSecondary() {
        return secondary;
    }

    public void setSecondary(String secondary) {
        this.secondary = secondary;
    }

    public String getKillSecondaryAfter() {
        return killSecondaryAfter;
    }

    public void setKillSecondaryAfter(String killSecondaryAfter) {
        this.killSecondaryAfter = killSecondaryAfter;
    }

    public boolean isExit() {
        return exit;
    }

    public void setExit(boolean exit) {
        this.exit = exit;
    }

    public Path getCertificates() {
        return certificates;
    }

    public void setCertificates(Path certificates) {
        this.certificates = certificates;
    }

    /** {@code demo.kill-secondary-after} as a fraction in (0, 1), or -1 when unset. */
    double killFraction() {
        if (killSecondaryAfter == null || killSecondaryAfter.isBlank()) {
            return -1;
        }
        String v = killSecondaryAfter.trim();
        double f = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100 : Double.parseDouble(v);
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException("demo.kill-secondary-after must be between 0% and 100%: " + v);
        }
        return f;
    }
}

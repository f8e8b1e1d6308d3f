package dev.kwik.internal.stream;

import java.io.OutputStream;

/** {@link OutputStream} whose every write call is one KWIK message. */
final class StreamOutput extends OutputStream {
    private final LogicalStream stream;

    StreamOutput(LogicalStream stream) {
        this.stream = stream;
    }

    @Override
    public void write(int b) {
        stream.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        stream.write(b, off, len);
    }

    @Override
    public void close() {
        stream.close();
    }
}

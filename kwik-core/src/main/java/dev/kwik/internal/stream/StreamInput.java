package dev.kwik.internal.stream;

import java.io.InputStream;

/** {@link InputStream} over a logical stream's reads; message boundaries only shorten reads. */
final class StreamInput extends InputStream {
    private final LogicalStream stream;
    private final byte[] one = new byte[1];

    StreamInput(LogicalStream stream) {
        this.stream = stream;
    }

    @Override
    public int read() {
        int n = stream.read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        return stream.read(b, off, len);
    }

    @Override
    public void close() {
        if (!stream.atEof()) {
            stream.stopSending(0);
        }
    }
}

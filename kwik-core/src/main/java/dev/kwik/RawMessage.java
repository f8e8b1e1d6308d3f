package dev.kwik;

import java.util.Arrays;

/**
 * Opaque bytes another server of the session relayed through the client ({@link KwikServerSession#sendRaw}).
 * One {@code sendRaw} call is one message: boundaries are kept.
 */
public final class RawMessage {
    private final long sourcePathId;
    private final byte[] data;

    public RawMessage(long sourcePathId, byte[] data) {
        this.sourcePathId = sourcePathId;
        this.data = data;
    }

    /** The client's path to the server that sent it (0 for the primary's first path). */
    public long sourcePathId() {
        return sourcePathId;
    }

    /** The bytes, exactly as given to {@code sendRaw}. */
    public byte[] data() {
        return data;
    }

    @Override
    public String toString() {
        return "RawMessage[from path " + sourcePathId + ", " + data.length + " bytes: "
                + Arrays.toString(Arrays.copyOf(data, Math.min(8, data.length))) + (data.length > 8 ? "…]" : "]");
    }
}

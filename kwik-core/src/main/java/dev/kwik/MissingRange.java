package dev.kwik;

/**
 * Bytes of one of the client's streams that a lost secondary server was writing and that the client does not
 * have. {@code length} is -1 for an open-ended range: nothing at or above {@code offset} has arrived yet.
 */
public record MissingRange(long streamId, long offset, long length) {
    /** Whether the range runs to the end of the stream (nothing from {@link #offset()} on has arrived). */
    public boolean isOpenEnded() {
        return length < 0;
    }
}

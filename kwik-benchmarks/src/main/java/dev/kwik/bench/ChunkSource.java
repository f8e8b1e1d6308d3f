package dev.kwik.bench;

import java.util.SplittableRandom;

/** Deterministic file content: chunk {@code i} is the same bytes on every node, so nobody ships the file around. */
final class ChunkSource {
    private final int chunkSize;

    ChunkSource(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    byte[] chunk(int index, int length) {
        byte[] b = new byte[length];
        SplittableRandom r = new SplittableRandom(0x6b77696bL ^ index * 0x9E3779B97F4A7C15L);
        for (int i = 0; i < length; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < length; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    int chunkSize() {
        return chunkSize;
    }
}

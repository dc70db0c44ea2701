package org.camelreplicator.copy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Rows exactly as a PostgreSQL source wrote them with {@code COPY ... TO STDOUT}, one line each,
 * ready for {@code COPY ... FROM STDIN}: nothing is decoded or re-encoded on the way, which is
 * both exact and the cheapest path between two PostgreSQL servers.
 *
 * @param data   the lines; only the first {@code length} bytes are used
 * @param length bytes used
 * @param rows   lines in the batch
 */
public record CopyTextBatch(byte[] data, int length, int rows) implements Batch {

    @Override
    public int size() {
        return rows;
    }

    @Override
    public Batch slice(int from, int to) {
        int start = lineStart(from);
        int end = lineStart(to);
        return new CopyTextBatch(Arrays.copyOfRange(data, start, end), end - start, to - from);
    }

    @Override
    public String rowText(int row) {
        int start = lineStart(row);
        int end = lineStart(row + 1) - 1;
        return new String(data, start, Math.max(0, end - start), StandardCharsets.UTF_8);
    }

    /** Byte offset of line n (lines end with \n; newlines inside values are escaped). */
    private int lineStart(int n) {
        int pos = 0;
        for (int line = 0; line < n && pos < length; line++) {
            while (pos < length && data[pos] != '\n') {
                pos++;
            }
            pos++;
        }
        return Math.min(pos, length);
    }
}

package org.camelreplicator.copy;

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
}

package org.camelreplicator.ledger;

import java.time.OffsetDateTime;

/**
 * One row of {@code tables}, with its row and chunk counts summed from {@code chunks}.
 * {@code planned}: its chunks are recorded ({@code chunks_total} is set in the transaction that
 * records them); {@code rowsBefore}: the rows the target table held when the table started, after
 * its TRUNCATE (0 unless --no-truncate kept some).
 */
public record TableRecord(String table, String targetTable, int planOrder, String phase, String status,
                          long estimatedRows, long rowsCopied, int chunksTotal, int chunksDone,
                          OffsetDateTime startedAt, OffsetDateTime finishedAt, String error,
                          boolean planned, long rowsBefore) {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    /** A table sync found unchanged: one probe query, nothing read. */
    public static final String UNCHANGED = "unchanged";
}

package org.camelreplicator.copy;

/**
 * What one exchange carries from the chunk reader to the batch writer: a bounded slice of a chunk's
 * rows, either as values ({@link RowBatch}) or already in PostgreSQL's COPY text format
 * ({@link CopyTextBatch}) when source and target both speak it.
 */
public sealed interface Batch permits RowBatch, CopyTextBatch, CopyBinaryBatch {

    /** Rows in the batch. */
    int size();

    /** Rows [from, to) as a batch of their own, to narrow a refused batch down to its bad rows. */
    Batch slice(int from, int to);

    /** One row as text, for the record of a rejected row. */
    String rowText(int row);
}

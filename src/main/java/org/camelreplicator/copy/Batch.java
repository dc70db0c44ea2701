package org.camelreplicator.copy;

/**
 * What one exchange carries from the chunk reader to the batch writer: a bounded slice of a chunk's
 * rows, either as values ({@link RowBatch}) or already in PostgreSQL's COPY text format
 * ({@link CopyTextBatch}) when source and target both speak it.
 */
public sealed interface Batch permits RowBatch, CopyTextBatch {

    /** Rows in the batch. */
    int size();
}

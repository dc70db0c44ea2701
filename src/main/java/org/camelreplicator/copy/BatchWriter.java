package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;

import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.plan.TablePlan;

/** Writes batches into the target table inside the chunk's open transaction. */
public interface BatchWriter {

    /** A target's bulk writer: COPY FROM STDIN where the engine speaks PostgreSQL's COPY, JDBC batches elsewhere. */
    static BatchWriter of(TargetDialect target) {
        return target.copiesText() ? new PgCopyWriter(target) : new JdbcBatchWriter(target);
    }

    /** Writes one batch by itself (one COPY, one JDBC batch). @return the bytes sent to the target, or 0 when the writer cannot tell */
    long write(Connection target, TablePlan table, Batch batch, WriteOptions options) throws SQLException;

    /**
     * Opens the write of a whole chunk, whose batches then go in one after the other (PostgreSQL:
     * one COPY FROM STDIN for the chunk). Writers without such a stream write batch by batch.
     */
    default ChunkWrite open(Connection target, TablePlan table, WriteOptions options) {
        return new ChunkWrite() {
            @Override
            public long write(Batch batch) throws SQLException {
                return BatchWriter.this.write(target, table, batch, options);
            }

            @Override
            public void finish() {
                // each batch was complete when written
            }

            @Override
            public void cancel() {
                // nothing is left open between batches
            }
        };
    }

    /** The writes of one chunk, in its transaction. */
    interface ChunkWrite {

        /** Sends a batch; the target may report a refused row of it (or of an earlier batch) here or at {@link #finish}. */
        long write(Batch batch) throws SQLException;

        /** Ends the chunk's write; the rows are then in the transaction, to commit with the chunk's done mark. */
        void finish() throws SQLException;

        /** Abandons an unfinished write so the transaction can be rolled back. */
        void cancel();
    }
}

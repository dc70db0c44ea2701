package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.stream.Collectors;

import org.camelreplicator.config.ReplicatorSettings.NulCharacters;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.plan.TablePlan;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows with {@code COPY ... FROM STDIN} through pgjdbc's CopyManager, the fastest way rows
 * enter PostgreSQL: a load sends each chunk as one COPY ({@link #open}), a sync or a rejecting load
 * one COPY per batch ({@link #write}). Values are encoded to COPY text and handed to the server in
 * slices of {@value #FLUSH_BYTES} bytes, so a batch of wide rows never needs one large buffer;
 * batches that are already COPY text or binary go through untouched.
 */
public final class PgCopyWriter implements BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(PgCopyWriter.class);

    private static final int FLUSH_BYTES = 256 * 1024;

    private final TargetDialect dialect;

    public PgCopyWriter(TargetDialect dialect) {
        this.dialect = dialect;
    }

    /** The binary format's trailer: a field count of -1. */
    private static final byte[] BINARY_TRAILER = {(byte) 0xFF, (byte) 0xFF};

    @Override
    public long write(Connection target, TablePlan table, Batch batch, WriteOptions options) throws SQLException {
        ChunkCopy copy = new ChunkCopy(target, table, options);
        try {
            long bytes = copy.write(batch);
            copy.finish();
            return bytes;
        } finally {
            copy.cancel();
        }
    }

    @Override
    public ChunkWrite open(Connection target, TablePlan table, WriteOptions options) {
        return new ChunkCopy(target, table, options);
    }

    /** One COPY FROM STDIN, opened by the first batch in the format that batch comes in. */
    private final class ChunkCopy implements ChunkWrite {

        private final Connection target;
        private final TablePlan table;
        private final WriteOptions options;
        private CopyIn copy;
        private boolean binary;

        ChunkCopy(Connection target, TablePlan table, WriteOptions options) {
            this.target = target;
            this.table = table;
            this.options = options;
        }

        @Override
        public long write(Batch batch) throws SQLException {
            if (copy == null) {
                binary = batch instanceof CopyBinaryBatch;
                copy = target.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(table) + (binary ? " (FORMAT binary)" : ""));
            } else if (binary != batch instanceof CopyBinaryBatch) {
                throw new IllegalStateException("A chunk's batches come in one COPY format; got " + batch.getClass().getSimpleName());
            }
            if (batch instanceof CopyTextBatch text) {
                copy.writeToCopy(text.data(), 0, text.length());
                return text.length();
            }
            if (batch instanceof CopyBinaryBatch rows) {
                copy.writeToCopy(rows.data(), 0, rows.length());
                return rows.length();
            }
            return encode(copy, table, (RowBatch) batch, options);
        }

        @Override
        public void finish() throws SQLException {
            if (copy != null) {
                if (binary) {
                    copy.writeToCopy(BINARY_TRAILER, 0, BINARY_TRAILER.length);
                }
                copy.endCopy();
            }
        }

        @Override
        public void cancel() {
            if (copy != null && copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException e) {
                    // the transaction is rolled back next; a broken connection is discarded by the pool
                    LOG.debug("Cancelling the COPY into {} failed: {}", table.id(), e.getMessage());
                }
            }
        }
    }

    /** Encodes and sends the rows; answers the bytes sent. */
    private static long encode(CopyIn copy, TablePlan table, RowBatch batch, WriteOptions options) throws SQLException {
        CopyTextEncoder encoder = new CopyTextEncoder(FLUSH_BYTES + 64 * 1024, options.nul() == NulCharacters.STRIP);
        long sent = 0;
        for (Object[] row : batch.rows()) {
            int bad = encoder.row(row);
            if (bad >= 0) {
                throw new BadValueException(table, bad, row, encoder.problem());
            }
            if (encoder.length() >= FLUSH_BYTES) {
                copy.writeToCopy(encoder.buffer(), 0, encoder.length());
                sent += encoder.length();
                encoder.reset();
            }
        }
        if (encoder.length() > 0) {
            copy.writeToCopy(encoder.buffer(), 0, encoder.length());
            sent += encoder.length();
        }
        if (encoder.strippedNuls() > 0) {
            LOG.warn("{}: removed {} NUL characters from text values of a batch of {} rows (replicator.text.nul=strip)",
                    table.id(), encoder.strippedNuls(), batch.size());
        }
        return sent;
    }

    String copySql(TablePlan table) {
        String columns = table.targetColumns().stream().map(dialect::quoteIfNeeded).collect(Collectors.joining(", "));
        return "COPY " + dialect.qualifiedTarget(table.targetSchema(), table.targetName()) + " (" + columns + ") FROM STDIN";
    }
}

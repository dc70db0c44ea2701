package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.stream.Collectors;

import org.camelreplicator.config.ReplicatorSettings.NulCharacters;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.plan.TablePlan;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch with one {@code COPY ... FROM STDIN} through pgjdbc's CopyManager, the fastest way
 * rows enter PostgreSQL. Values are encoded to COPY text and handed to the server in slices of
 * {@value #FLUSH_BYTES} bytes, so a batch of wide rows never needs one large buffer; batches that
 * are already COPY text go through untouched.
 */
public final class PgCopyWriter implements BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(PgCopyWriter.class);

    private static final int FLUSH_BYTES = 256 * 1024;

    private final Dialect dialect;

    public PgCopyWriter(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public long write(Connection target, TablePlan table, Batch batch, WriteOptions options) throws SQLException {
        CopyIn copy = target.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(table));
        try {
            long bytes;
            if (batch instanceof CopyTextBatch text) {
                copy.writeToCopy(text.data(), 0, text.length());
                bytes = text.length();
            } else {
                bytes = encode(copy, table, (RowBatch) batch, options);
            }
            copy.endCopy();
            return bytes;
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
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

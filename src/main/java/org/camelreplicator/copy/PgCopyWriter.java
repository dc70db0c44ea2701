package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.stream.Collectors;

import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.plan.TablePlan;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes a batch with one {@code COPY ... FROM STDIN} through pgjdbc's CopyManager, the fastest way
 * rows enter PostgreSQL. The encoded rows are handed to the server in slices of
 * {@value #FLUSH_BYTES} bytes, so a batch of wide rows never needs one large buffer.
 */
public final class PgCopyWriter implements BatchWriter {

    private static final int FLUSH_BYTES = 256 * 1024;

    private final Dialect dialect;

    public PgCopyWriter(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public void write(Connection target, TablePlan table, RowBatch batch) throws SQLException {
        CopyIn copy = target.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(table));
        try {
            CopyTextEncoder encoder = new CopyTextEncoder(FLUSH_BYTES + 64 * 1024);
            for (Object[] row : batch.rows()) {
                int bad = encoder.row(row);
                if (bad >= 0) {
                    throw new BadValueException(table, bad, row, encoder.problem());
                }
                if (encoder.length() >= FLUSH_BYTES) {
                    copy.writeToCopy(encoder.buffer(), 0, encoder.length());
                    encoder.reset();
                }
            }
            if (encoder.length() > 0) {
                copy.writeToCopy(encoder.buffer(), 0, encoder.length());
            }
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    String copySql(TablePlan table) {
        String columns = table.targetColumns().stream().map(dialect::quoteIfNeeded).collect(Collectors.joining(", "));
        return "COPY " + dialect.qualifiedTarget(table.targetSchema(), table.targetName()) + " (" + columns + ") FROM STDIN";
    }
}

package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.stream.Collectors;

import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.plan.TablePlan;

/** Writes a batch with one JDBC batch of INSERTs: the portable bulk path for targets without COPY. */
public final class JdbcBatchWriter implements BatchWriter {

    private final TargetDialect dialect;

    public JdbcBatchWriter(TargetDialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public long write(Connection target, TablePlan table, Batch batch, WriteOptions options) throws SQLException {
        if (!(batch instanceof RowBatch rows)) {
            throw new IllegalArgumentException(dialect.name() + " takes rows as values, not " + batch.getClass().getSimpleName());
        }
        try (PreparedStatement ps = target.prepareStatement(insertSql(table))) {
            for (Object[] row : rows.rows()) {
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return 0;
    }

    String insertSql(TablePlan table) {
        String columns = table.targetColumns().stream().map(dialect::quoteIfNeeded).collect(Collectors.joining(", "));
        String marks = String.join(", ", Collections.nCopies(table.targetColumns().size(), "?"));
        return "INSERT INTO " + dialect.qualifiedTarget(table.targetSchema(), table.targetName())
                + " (" + columns + ") VALUES (" + marks + ")";
    }
}

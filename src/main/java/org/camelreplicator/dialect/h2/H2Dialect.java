package org.camelreplicator.dialect.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.IdentifierLimit;
import org.camelreplicator.dialect.NotCarriedQuery;

/** H2, the demo source and a JDBC-batch target. */
public final class H2Dialect implements Dialect {

    private static final Pattern PLAIN = Pattern.compile("[A-Z_][A-Z0-9_]*");

    /** Views, triggers, routines, ON UPDATE clauses, check constraints and comments of a schema, from H2 2's INFORMATION_SCHEMA. */
    static final List<NotCarriedQuery> NOT_CARRIED = List.of(
            new NotCarriedQuery(NotCarried.Kind.VIEW, "SELECT NULL, TABLE_NAME FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY 2"),
            new NotCarriedQuery(NotCarried.Kind.TRIGGER, "SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS"
                    + " WHERE EVENT_OBJECT_SCHEMA = ? ORDER BY 1, 2"),
            new NotCarriedQuery(NotCarried.Kind.ROUTINE, "SELECT NULL, ROUTINE_NAME FROM INFORMATION_SCHEMA.ROUTINES"
                    + " WHERE ROUTINE_SCHEMA = ? ORDER BY 2"),
            new NotCarriedQuery(NotCarried.Kind.ON_UPDATE, "SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_SCHEMA = ? AND COLUMN_ON_UPDATE IS NOT NULL ORDER BY TABLE_NAME, ORDINAL_POSITION"),
            new NotCarriedQuery(NotCarried.Kind.CHECK, "SELECT TABLE_NAME, CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                    + " WHERE TABLE_SCHEMA = ? AND CONSTRAINT_TYPE = 'CHECK' ORDER BY 1, 2"),
            new NotCarriedQuery(NotCarried.Kind.COMMENT, "SELECT TABLE_NAME, NULL FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND REMARKS <> '' ORDER BY 1"),
            new NotCarriedQuery(NotCarried.Kind.COMMENT, "SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_SCHEMA = ? AND REMARKS <> '' ORDER BY TABLE_NAME, ORDINAL_POSITION"));

    /**
     * H2 computes a whole result before it returns its first row unless the query runs lazily: a
     * chunk would wait for all its rows (and hold them, spilled to a temporary file) before the first
     * batch, and a stop would wait for that too.
     */
    @Override
    public void prepareForStreaming(Connection c) throws SQLException {
        Dialect.super.prepareForStreaming(c);
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET LAZY_QUERY_EXECUTION TRUE");
        }
    }

    @Override
    public String name() {
        return "H2";
    }

    /** H2 folds unquoted names to upper case, so anything else is quoted. */
    @Override
    public String quoteIfNeeded(String identifier) {
        return PLAIN.matcher(identifier).matches() ? identifier : quote(identifier);
    }

    @Override
    public IdentifierLimit identifierLimit() {
        return IdentifierLimit.characters(256);
    }

    @Override
    public boolean isSystemSchema(String schema) {
        return schema.equalsIgnoreCase("INFORMATION_SCHEMA");
    }

    @Override
    public TableSpec refine(Connection c, TableSpec t) throws SQLException {
        String sql = "SELECT ROW_COUNT_ESTIMATE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? t.withEstimatedRows(rs.getLong(1)) : t;
            }
        }
    }

    @Override
    public List<NotCarried> notCarried(Connection c, String catalog, String schema) throws SQLException {
        return NotCarriedQuery.readAll(this, c, schema, NOT_CARRIED);
    }

    @Override
    public String targetType(String postgresType) {
        String t = postgresType.toLowerCase(Locale.ROOT);
        if (t.equals("bytea")) {
            return "varbinary";
        }
        if (t.equals("jsonb")) {
            return "json";
        }
        return postgresType;
    }

    /** TRANSACTIONAL: without it H2 commits the open transaction before creating a table. */
    @Override
    public boolean canUpsert() {
        return true;
    }

    @Override
    public String createStageSql(String qualifiedTable, String stage, List<String> columns) {
        return "CREATE LOCAL TEMPORARY TABLE " + quoteIfNeeded(stage) + " ON COMMIT DROP TRANSACTIONAL AS SELECT "
                + columnList("", columns) + " FROM " + qualifiedTable + " WITH NO DATA";
    }

    /** The standard MERGE; unlike PostgreSQL's ON CONFLICT it needs no unique index on the key. */
    @Override
    public String upsertSql(String qualifiedTable, String stage, List<String> columns, List<String> key) {
        String on = String.join(" AND ", key.stream().map(k -> "t." + quoteIfNeeded(k) + " = s." + quoteIfNeeded(k)).toList());
        List<String> updates = columns.stream().filter(c -> !key.contains(c)).map(c -> quoteIfNeeded(c) + " = s." + quoteIfNeeded(c)).toList();
        String insert = " WHEN NOT MATCHED THEN INSERT (" + columnList("", columns)
                + ") VALUES (" + columnList("s.", columns) + ")";
        return "MERGE INTO " + qualifiedTable + " t USING " + quoteIfNeeded(stage) + " s ON (" + on + ")"
                + (updates.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET " + String.join(", ", updates)) + insert;
    }
}

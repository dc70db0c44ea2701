package org.camelreplicator.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.copy.BatchWriter;
import org.camelreplicator.copy.PgCopyWriter;

/** PostgreSQL as a source (exact types from pg_catalog, server-side cursors) and as the first-class target (COPY). */
public final class PostgresDialect implements Dialect {

    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

    private static final String COLUMNS_SQL = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid),
                   a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%'
              FROM pg_attribute a
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
            """;

    private final BatchWriter writer = new PgCopyWriter(this);

    @Override
    public String name() {
        return "PostgreSQL";
    }

    @Override
    public String quoteIfNeeded(String identifier) {
        boolean plain = PLAIN.matcher(identifier).matches() && !PostgresTypes.RESERVED.contains(identifier);
        return plain ? identifier : quote(identifier);
    }

    /** bytea boundaries in hex input form; everything else as an untyped literal the column's type reads. */
    @Override
    public String literal(Object value) {
        if (value instanceof byte[] bytes) {
            return "'\\x" + java.util.HexFormat.of().formatHex(bytes) + "'";
        }
        return Dialect.super.literal(value);
    }

    @Override
    public boolean copiesText() {
        return true;
    }

    /** Built-in types whose binary form holds only the value; a type modifier such as (12,2) or (3) does not change it. */
    private static final Set<String> BINARY_COPY_TYPES = Set.of("smallint", "integer", "bigint", "numeric", "real",
            "double precision", "boolean", "text", "character varying", "character", "date", "timestamp without time zone",
            "timestamp with time zone", "time without time zone", "time with time zone", "interval", "uuid", "bytea",
            "json", "jsonb");

    @Override
    public boolean copiesBinary(String postgresType) {
        return BINARY_COPY_TYPES.contains(postgresType.replaceAll("\\(\\d+(,\\d+)?\\)", ""));
    }

    @Override
    public boolean isSystemSchema(String schema) {
        return schema.startsWith("pg_") || schema.equals("information_schema");
    }

    @Override
    public Map<String, String> columnTypes(Connection c, String qualifiedTable) throws SQLException {
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, qualifiedTable);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return types;
    }

    /** Replaces the driver's short type names (int4, _text) with format_type's exact ones (integer, text[]). */
    @Override
    public TableSpec refine(Connection c, TableSpec t) throws SQLException {
        String regclass = qualified(t.schema(), t.name());
        Map<String, Object[]> exact = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    exact.put(rs.getString(1), new Object[] {rs.getString(2), rs.getString(3), rs.getBoolean(4)});
                }
            }
        }
        List<ColumnSpec> columns = new ArrayList<>();
        for (ColumnSpec col : t.columns()) {
            Object[] e = exact.get(col.name());
            columns.add(e == null ? col : new ColumnSpec(col.name(), col.jdbcType(), (String) e[0], col.size(), col.scale(),
                    col.nullable(), (String) e[1], (Boolean) e[2]));
        }
        long estimate = -1;
        try (PreparedStatement ps = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    estimate = rs.getLong(1);
                }
            }
        }
        return new TableSpec(t.catalog(), t.schema(), t.name(), columns, t.primaryKey(), estimate);
    }

    @Override
    public long estimatedBytes(Connection c, TableSpec table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_total_relation_size(?::regclass)")) {
            ps.setString(1, qualified(table.schema(), table.name()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static final String USER_TYPES_SQL = """
            SELECT DISTINCT t.oid, t.typtype, format_type(t.oid, NULL), n.nspname,
                   (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
                   format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
                   (SELECT string_agg(pg_get_constraintdef(c.oid), ' ' ORDER BY c.conname) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c')
              FROM pg_attribute a
              JOIN pg_type u ON u.oid = a.atttypid
              JOIN pg_type t ON t.oid = CASE WHEN u.typcategory = 'A' THEN u.typelem ELSE u.oid END
              JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype IN ('e', 'd')
            """;

    /**
     * Enum and domain types the table's columns (or their arrays) use, created in the same schema
     * on the target; CREATE TYPE has no IF NOT EXISTS, so each runs in a block that takes an
     * existing type as done.
     */
    @Override
    public List<String> prerequisites(Connection c, TableSpec t) throws SQLException {
        List<String> ddl = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(USER_TYPES_SQL)) {
            ps.setString(1, qualified(t.schema(), t.name()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String schema = rs.getString(4);
                    String name = quote(schema) + "." + quote(rs.getString(3).replaceFirst("^.*\\.", "").replace("\"", ""));
                    String create = "e".equals(rs.getString(2))
                            ? "CREATE TYPE " + name + " AS ENUM (" + rs.getString(5) + ")"
                            : "CREATE DOMAIN " + name + " AS " + rs.getString(6)
                            + (rs.getString(8) == null ? "" : " DEFAULT " + rs.getString(8))
                            + (rs.getBoolean(7) ? " NOT NULL" : "")
                            + (rs.getString(9) == null ? "" : " " + rs.getString(9));
                    ddl.add(createSchemaSql(schema));
                    ddl.add("DO $replicator$ BEGIN " + create + "; EXCEPTION WHEN duplicate_object THEN NULL; END $replicator$");
                }
            }
        }
        return ddl;
    }

    /** pgjdbc only streams with a fetch size inside a transaction; otherwise it reads the whole result. */
    @Override
    public void prepareForStreaming(Connection c) throws SQLException {
        c.setAutoCommit(false);
        c.setReadOnly(true);
    }

    /**
     * PostgreSQL to PostgreSQL: the server's own text form of every value is what COPY reads back,
     * exactly (numeric digits, time zones, arrays, ranges, json). Only bytea comes as bytes, so
     * non-PostgreSQL targets get binary data they can store.
     */
    @Override
    public ValueReader reader(ColumnSpec column) {
        return switch (column.jdbcType()) {
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> ValueReaders.BYTES;
            default -> ValueReaders.STRING;
        };
    }

    /** pgjdbc reports timestamptz as TIMESTAMP: its values are instants, read with their offset. */
    @Override
    public ValueReader watermarkReader(ColumnSpec column) {
        return column.typeName().equalsIgnoreCase("timestamptz") ? ValueReaders.TIMESTAMP_TZ : ValueReaders.forJdbcType(column);
    }

    @Override
    public String postgresType(ColumnSpec column) {
        return column.typeName();
    }

    /** Defaults are already PostgreSQL expressions; sequence defaults wait for the sequence step. */
    @Override
    public String postgresDefault(ColumnSpec column) {
        String d = column.defaultValue();
        return d == null || d.startsWith("nextval(") ? null : d;
    }

    @Override
    public BatchWriter batchWriter() {
        return writer;
    }

    /** setval(..., max + 1, false): the next value handed out is one past the largest copied. */
    @Override
    public String resetIdentitySql(String qualifiedTable, String column) {
        return "SELECT setval(pg_get_serial_sequence(" + literal(qualifiedTable) + ", " + literal(column) + "), COALESCE(MAX("
                + quoteIfNeeded(column) + "), 0) + 1, false) FROM " + qualifiedTable;
    }

    /**
     * As pgcopydb sets for its index builds: the default 64 MB makes the sort of a few million keys
     * spill to disk. Per build, for its transaction only.
     */
    @Override
    public List<String> keyBuildSettings() {
        return List.of("SET LOCAL maintenance_work_mem = '512MB'");
    }

    /**
     * A chunk's commit need not wait for its WAL to reach the disk: if the server crashes first,
     * the chunk's rows and its done mark are lost together, and a resumed run copies it again.
     */
    @Override
    public List<String> chunkTransactionSettings() {
        return List.of("SET LOCAL synchronous_commit = off");
    }

    @Override
    public String analyzeSql(String qualifiedTable) {
        return "ANALYZE " + qualifiedTable;
    }

    /**
     * {@code xmin}, opted into by naming it as the watermark: the id of the transaction that wrote
     * each row version, so inserts and updates of any table are seen without a timestamp column.
     * Every id below the oldest transaction still open has finished, so sync advances only to there.
     * Compared as a 32-bit number: after a transaction id wraparound (about 4 billion transactions)
     * the table must be loaded again.
     */
    @Override
    public java.util.Optional<SystemWatermark> systemWatermark(TableSpec table, String watermark) {
        if (!watermark.equalsIgnoreCase("xmin")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new SystemWatermark("xmin::text::bigint",
                "SELECT txid_snapshot_xmin(txid_current_snapshot()) % 4294967296"));
    }

    /**
     * SET LOCAL: the wait applies to this lock only; the lock itself is the session's and outlives
     * the transaction. In milliseconds, at least 1: a lock_timeout of 0 would wait forever.
     */
    @Override
    public List<String> lockSql(long key, int waitSeconds) {
        return List.of("SET LOCAL lock_timeout = " + Math.max(1, waitSeconds * 1000L), "SELECT pg_advisory_lock(" + key + ")");
    }

    @Override
    public String unlockSql(long key) {
        return "SELECT pg_advisory_unlock(" + key + ")";
    }

    /** A bigint advisory lock shows in pg_locks as its high half in classid and its low half in objid. */
    @Override
    public String lockHolderSql(long key) {
        return "SELECT 'its PostgreSQL session ' || a.pid || COALESCE(' (' || NULLIF(a.application_name, 'PostgreSQL JDBC Driver') || ')', '')"
                + " || COALESCE(' from ' || host(a.client_addr), '') || ', connected since ' || date_trunc('second', a.backend_start)"
                + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                + " AND l.classid::bigint = " + (key >>> 32) + " AND l.objid::bigint = " + (key & 0xFFFFFFFFL) + " AND l.objsubid = 1";
    }

    @Override
    public boolean canUpsert() {
        return true;
    }

    @Override
    public String createStageSql(String qualifiedTable, String stage, List<String> columns) {
        return "CREATE TEMPORARY TABLE " + quoteIfNeeded(stage) + " ON COMMIT DROP AS SELECT "
                + columnList("", columns) + " FROM " + qualifiedTable + " WITH NO DATA";
    }

    @Override
    public String upsertSql(String qualifiedTable, String stage, List<String> columns, List<String> key) {
        String list = columnList("", columns);
        String conflict = columnList("", key);
        List<String> updates = columns.stream().filter(c -> !key.contains(c))
                .map(c -> quoteIfNeeded(c) + " = EXCLUDED." + quoteIfNeeded(c)).toList();
        return "INSERT INTO " + qualifiedTable + " (" + list + ") SELECT " + list + " FROM " + quoteIfNeeded(stage)
                + " ON CONFLICT (" + conflict + ") DO " + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", updates));
    }
}

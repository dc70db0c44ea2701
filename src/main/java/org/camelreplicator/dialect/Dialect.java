package org.camelreplicator.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.catalog.TableSpec;

/**
 * Everything that differs between engines, one implementation per engine: identifier quoting,
 * catalog quirks, streaming read settings, value readers, the mapping of source types to
 * PostgreSQL types, and, when the engine is the target, its DDL types and bulk writer.
 * Code outside this package never asks which engine it talks to.
 */
public interface Dialect {

    String name();

    // ---- identifiers

    /** Quotes an identifier for this engine, always; used for every source name. */
    default String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** Quotes a target identifier only where the engine would otherwise change or reject it. */
    default String quoteIfNeeded(String identifier) {
        return quote(identifier);
    }

    default String qualified(String schema, String table) {
        return schema == null || schema.isEmpty() ? quote(table) : quote(schema) + "." + quote(table);
    }

    default String qualifiedTarget(String schema, String table) {
        return schema == null || schema.isEmpty() ? quoteIfNeeded(table) : quoteIfNeeded(schema) + "." + quoteIfNeeded(table);
    }

    /** The longest name this engine keeps, as a target; PostgreSQL's 63 bytes where an engine does not say. */
    default IdentifierLimit identifierLimit() {
        return IdentifierLimit.bytes(63);
    }

    // ---- catalog

    /** The schema read when the user names none. */
    default String defaultSchema(Connection c) throws SQLException {
        return c.getSchema();
    }

    /** The JDBC catalog to pass to metadata calls (MySQL's database), or null. */
    default String catalog(Connection c) throws SQLException {
        return null;
    }

    default String[] tableTypes() {
        return new String[] {"TABLE"};
    }

    default boolean isSystemSchema(String schema) {
        String s = schema.toLowerCase(Locale.ROOT);
        return s.equals("information_schema") || s.equals("pg_catalog") || s.equals("sys");
    }

    /** Tables the engine keeps for itself inside user schemas. */
    default boolean isInternalTable(String table) {
        return false;
    }

    /** Corrects what the JDBC metadata reported (exact type names, row estimate). */
    default TableSpec refine(Connection c, TableSpec table) throws SQLException {
        return table;
    }

    /**
     * Corrects what {@link java.sql.DatabaseMetaData#getIndexInfo} reported about the table's indexes:
     * their kind (FULLTEXT, SPATIAL, partial) and the length of column prefixes they cover.
     */
    default List<IndexSpec> refineIndexes(Connection c, TableSpec table, List<IndexSpec> indexes) throws SQLException {
        return indexes;
    }

    /**
     * What a schema (of a catalog, for MySQL) holds that a load does not carry to the target: views,
     * triggers, routines, ON UPDATE clauses, check constraints, comments; one query per kind, from the
     * engine's own catalog. Items of a table name it as the catalog does ({@link TableSpec#name()}).
     */
    default List<NotCarried> notCarried(Connection c, String catalog, String schema) throws SQLException {
        return List.of();
    }

    /**
     * The plain views of a schema with their SQL as this engine writes it, in the order they were
     * created, for replicator.copy-views; null when the engine's view SQL is not portable to a
     * PostgreSQL target (only a PostgreSQL source's is).
     */
    default List<ViewSpec> views(Connection c, String schema) throws SQLException {
        return null;
    }

    /** A view of the source: its name and the query that defines it, with the schema's own tables unqualified. */
    record ViewSpec(String name, String query) {
    }

    /**
     * A PostGIS geometry of this column's stored value on a PostgreSQL target, for a spatial index
     * over it, or null when the source stores no geometry this way.
     *
     * @param targetColumn the target column, quoted for the target
     */
    default String postgisGeometry(ColumnSpec column, String targetColumn) {
        return null;
    }

    /** The table's size on disk as the engine reports it, or -1 when it does not say. */
    default long estimatedBytes(Connection c, TableSpec table) throws SQLException {
        return -1;
    }

    // ---- reading

    /** Puts a source connection into the mode in which large results stream instead of buffering. */
    default void prepareForStreaming(Connection c) throws SQLException {
        c.setReadOnly(true);
    }

    /** How a column is written in the chunk's SELECT; engines with types JDBC cannot read convert them here. */
    default String selectExpression(ColumnSpec column) {
        return quote(column.name());
    }

    /** The result set type for streaming a chunk (SQL Server has a faster forward-only kind of its own). */
    default int streamingResultSetType() {
        return java.sql.ResultSet.TYPE_FORWARD_ONLY;
    }

    default void configureStreamingStatement(Statement s, int fetchSize) throws SQLException {
        s.setFetchSize(fetchSize);
    }

    /**
     * A value written into SQL where it cannot be bound as a parameter (a COPY query, a row filter's
     * soft-delete rule). Numbers as they are; booleans as SQL's TRUE and FALSE (PostgreSQL, H2, MySQL,
     * SQLite 3.23 on); anything else as a quoted string with its quotes doubled.
     */
    default String literal(Object value) {
        if (value instanceof Number) {
            return value.toString();
        }
        if (value instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        return "'" + String.valueOf(value).replace("'", "''") + "'";
    }

    /** A chunk boundary as this engine's driver binds it best; most take java.time and UUID values as they are. */
    default Object bindable(Object value) {
        return value;
    }

    /**
     * Whether the engine reads and writes PostgreSQL's COPY text format; when source and target both
     * do, rows pass between them without being decoded.
     */
    default boolean copiesText() {
        return false;
    }

    /**
     * Whether values of this PostgreSQL type (as format_type writes it) can be copied into this engine
     * in PostgreSQL's binary COPY format between two databases: built-in types whose binary form
     * names no database-specific object (an enum's or an array's element type id would).
     */
    default boolean copiesBinary(String postgresType) {
        return false;
    }

    /** The exact types of a table's columns by column name (PostgreSQL: as format_type writes them), or none when the engine does not say. */
    default java.util.Map<String, String> columnTypes(Connection c, String qualifiedTable) throws SQLException {
        return java.util.Map.of();
    }

    /**
     * How a value is read for a column transform: as the Java value its type stands for (Integer,
     * BigDecimal, LocalDate...), which the transform's expressions and lookups work with. The same as
     * {@link #reader} unless the dialect reads values as text for the COPY path.
     */
    default ValueReader transformReader(ColumnSpec column) {
        return reader(column);
    }

    default ValueReader reader(ColumnSpec column) {
        return ValueReaders.forJdbcType(column);
    }

    /**
     * A key column in an ORDER BY that sorts its text by code point, as verify merges the keys of
     * two engines whose collations differ; {@code quotedColumn} is a column of a text type.
     */
    default String orderByCodePoint(String quotedColumn) {
        return quotedColumn;
    }

    /** The digest of a range of rows this engine computes itself (verify), or empty when rows are hashed as they stream. */
    default java.util.Optional<ServerDigest> serverDigest() {
        return java.util.Optional.empty();
    }

    /** The PostgreSQL type that holds every value of this source column without change. */
    default String postgresType(ColumnSpec column) {
        return PostgresTypes.fromJdbc(column);
    }

    /**
     * A CHECK constraint that keeps the target column to the values the source type allows (a
     * MySQL enum's labels), or null.
     *
     * @param targetColumn the target column, quoted for the target
     */
    default String postgresCheck(ColumnSpec column, String targetColumn) {
        return null;
    }

    /**
     * DDL the target needs before this table can be created, for copies between two engines of
     * this kind (a PostgreSQL source's enum and domain types); idempotent statements.
     */
    default List<String> prerequisites(Connection c, TableSpec table) throws SQLException {
        return List.of();
    }

    /** A column default that means the same on PostgreSQL, or null when it does not translate. */
    default String postgresDefault(ColumnSpec column) {
        return Defaults.portable(column.defaultValue());
    }

    // ---- faults

    /** The engine's own error numbers for failures worth retrying (deadlock, lock timeout, lost connection). */
    default Set<Integer> transientErrorCodes() {
        return Set.of();
    }

    /** Whether trying again may succeed: see {@link TransientErrors} for the standard rules. */
    default boolean isTransient(Throwable error) {
        return TransientErrors.isTransient(error, transientErrorCodes());
    }

    // ---- as a target

    /**
     * What makes an integer column fill itself (identity), in CREATE TABLE; null when the engine has
     * no such clause. {@code sequence} is the qualified name the plan chose for the sequence behind it.
     */
    default String identityClause(String sequence) {
        return "GENERATED BY DEFAULT AS IDENTITY";
    }

    /** Moves a column's identity sequence past the largest copied value, or null when the engine needs nothing. */
    default String resetIdentitySql(String qualifiedTable, String column) {
        return null;
    }

    /** Settings for the transaction that builds a key or an index over loaded rows (memory for the sort). */
    default List<String> keyBuildSettings() {
        return List.of();
    }

    /** Settings for the transaction of a load's chunk, whose rows and done mark commit together. */
    default List<String> chunkTransactionSettings() {
        return List.of();
    }

    /** Refreshes the planner statistics of a loaded table, or null. */
    default String analyzeSql(String qualifiedTable) {
        return null;
    }

    /** Whether this engine as a target has materialized views to refresh (replicator.table.<t>.refresh-views). */
    default boolean hasMaterializedViews() {
        return false;
    }

    /**
     * Why {@code REFRESH MATERIALIZED VIEW CONCURRENTLY} cannot refresh this view (as the target's SQL
     * names it), or null when it can. An engine without materialized views answers why not.
     */
    default String refreshConcurrentlyRefused(java.sql.Connection c, String view) throws java.sql.SQLException {
        return name() + " has no materialized views";
    }

    /**
     * How a source full-text index over these columns is built on this engine, after
     * {@code CREATE INDEX name ON table}, or null when the engine has nothing like it.
     *
     * @param columns the target columns, quoted
     */
    default String fullTextIndexKey(List<String> columns) {
        return null;
    }

    /**
     * How a source spatial index over this geometry is built on this engine, after
     * {@code CREATE INDEX name ON table}, or null when the engine (or this database, without PostGIS)
     * cannot.
     */
    default String spatialIndexKey(Connection target, String geometry) throws SQLException {
        return null;
    }

    /** The key part of an index over the first {@code length} characters (or bytes) of a column, or null when the engine has none. */
    default String prefixIndexKey(String column, int length) {
        return null;
    }

    /** This engine's spelling of a PostgreSQL type, for DDL on a non-PostgreSQL target. */
    default String targetType(String postgresType) {
        return postgresType;
    }

    /** The fastest way this engine takes rows in. */
    /** The source's current local date and time: the clock a timestamp watermark is held back from. */
    default java.time.LocalDateTime localNow(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT LOCALTIMESTAMP")) {
            rs.next();
            return rs.getObject(1, java.time.LocalDateTime.class);
        }
    }

    /**
     * Reads a watermark value with its type (a timestamp as a date-time, an id as a number), also
     * where {@link #reader} passes values on as text.
     */
    default ValueReader watermarkReader(ColumnSpec column) {
        return ValueReaders.forJdbcType(column);
    }

    /**
     * A change marker the engine keeps itself, named as a table's watermark (PostgreSQL's
     * {@code xmin}, a SQL Server rowversion column), or empty for an ordinary column.
     */
    default java.util.Optional<SystemWatermark> systemWatermark(TableSpec table, String watermark) {
        return java.util.Optional.empty();
    }

    /**
     * Statements, run in one transaction, that take the lock {@code key} for this session, waiting
     * at most {@code waitSeconds} (and failing after), held until unlocked or the session ends, even
     * by a crash (PostgreSQL's advisory locks): what keeps two processes from running on one ledger.
     * Empty when the engine has none (an H2 file is opened by one process).
     */
    default List<String> lockSql(long key, int waitSeconds) {
        return List.of();
    }

    /**
     * SQL that takes, in the order given, the lock ADD FOREIGN KEY takes on each of these tables,
     * so that keys added in parallel wait for each other instead of deadlocking; null when the
     * engine needs none.
     */
    default String lockTablesSql(List<String> qualifiedTables) {
        return null;
    }

    /** SQL that releases the lock {@link #lockSql} took. */
    default String unlockSql(long key) {
        return null;
    }

    /** SQL answering who holds the lock, in words (one row), for the message that refuses a second run. */
    default String lockHolderSql(long key) {
        return null;
    }

    /** Column names quoted as needed, comma-separated, each after {@code prefix} (e.g. "s."). */
    default String columnList(String prefix, List<String> columns) {
        return String.join(", ", columns.stream().map(c -> prefix + quoteIfNeeded(c)).toList());
    }

    /** Whether sync can upsert into this engine as a target: {@link #createStageSql} and {@link #upsertSql} exist. */
    default boolean canUpsert() {
        return false;
    }

    /**
     * SQL that creates an empty session table with these columns of {@code qualifiedTable}, dropped
     * when the transaction ends: where sync stages changed rows, or source keys.
     */
    default String createStageSql(String qualifiedTable, String stage, List<String> columns) {
        throw new IllegalStateException(name() + " has no staging table for sync; canUpsert() is checked before a sync starts");
    }

    /** Moves the staged rows into the table: rows whose key exists are updated, the others inserted. */
    default String upsertSql(String qualifiedTable, String stage, List<String> columns, List<String> key) {
        throw new IllegalStateException(name() + " has no upsert for sync; canUpsert() is checked before a sync starts");
    }

    /** Whether this engine can create a schema with IF NOT EXISTS. */
    default String createSchemaSql(String schema) {
        return "CREATE SCHEMA IF NOT EXISTS " + quoteIfNeeded(schema);
    }

    default String truncateSql(String qualifiedTable) {
        return "TRUNCATE TABLE " + qualifiedTable;
    }

    // ---- partitioned targets (replicator.table.<t>.partition-by)

    /** Whether this engine as a target has declarative range partitions: {@link #partitionByRangeSql} and the rest. */
    default boolean partitionsByRange() {
        return false;
    }

    /** What follows a CREATE TABLE's column list to make it a table partitioned by ranges of the column. */
    default String partitionByRangeSql(String quotedColumn) {
        throw new IllegalStateException(name() + " has no partitioned tables; partitionsByRange() is checked when the tables are planned");
    }

    /**
     * CREATE TABLE IF NOT EXISTS {@code qualifiedPartition} as the partition of {@code qualifiedParent} for
     * the values [from, to), or its DEFAULT partition when both are null.
     */
    default String createPartitionSql(String qualifiedParent, String qualifiedPartition, Object from, Object to) {
        throw new IllegalStateException(name() + " has no partitioned tables; partitionsByRange() is checked when the tables are planned");
    }

    /** A query answering the distinct calendar months (their first days, as dates) of a date or timestamp column's values in a table. */
    default String distinctMonthsSql(String qualifiedTable, String quotedColumn) {
        throw new IllegalStateException(name() + " has no partitioned tables; partitionsByRange() is checked when the tables are planned");
    }

    /** The names of the partitions of a table, each with its bound as the engine prints it ("DEFAULT", "FOR VALUES FROM ..."). */
    default Map<String, String> partitions(Connection c, String schema, String table) throws SQLException {
        return Map.of();
    }

    // ---- privileges

    /**
     * The statements (GRANT ..., ALTER TABLE ... OWNER TO ...) that would give the connected user
     * what it lacks of these privileges; empty when it has them all, or when this engine cannot tell.
     * Objects that do not exist are left out: the user creates them, and owns them.
     */
    default List<String> missingGrants(Connection c, List<Privilege> needed) throws SQLException {
        return List.of();
    }

    /**
     * What a refused statement (SQLState 42501) names, as the privileges the replicator needs on
     * that object: all it does there on the target, reading on the source. Empty when the message
     * does not say.
     */
    default List<Privilege> refused(SQLException refusal, boolean target) {
        return List.of();
    }
}

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
 * What an engine says whichever role it plays, source or target: its name, identifier quoting, its catalog as JDBC
 * reports it and how to refine that, literals, reading values back (verify reads both sides), which failures are
 * transient, and privileges. {@link SourceDialect} and {@link TargetDialect} add each role's own; {@link Dialect} is an
 * engine that plays both. Code outside this package never asks which engine it talks to.
 */
public interface EngineDialect {

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

    // ---- faults

    /** The engine's own error numbers for failures worth retrying (deadlock, lock timeout, lost connection). */
    default Set<Integer> transientErrorCodes() {
        return Set.of();
    }

    /** Whether trying again may succeed: see {@link TransientErrors} for the standard rules. */
    default boolean isTransient(Throwable error) {
        return TransientErrors.isTransient(error, transientErrorCodes());
    }

    /** The fastest way this engine takes rows in. */
    /** The source's current local date and time: the clock a timestamp watermark is held back from. */
    default java.time.LocalDateTime localNow(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT LOCALTIMESTAMP")) {
            rs.next();
            return rs.getObject(1, java.time.LocalDateTime.class);
        }
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


    /**
     * What a schema (of a catalog, for MySQL) holds that a load does not carry to the target: views,
     * triggers, routines, ON UPDATE clauses, check constraints, comments; one query per kind, from the
     * engine's own catalog. Items of a table name it as the catalog does ({@link TableSpec#name()}).
     */
    default List<NotCarried> notCarried(Connection c, String catalog, String schema) throws SQLException {
        return List.of();
    }

    /**
     * DDL the target needs before this table can be created, for copies between two engines of
     * this kind (a PostgreSQL source's enum and domain types); idempotent statements.
     */
    default List<String> prerequisites(Connection c, TableSpec table) throws SQLException {
        return List.of();
    }

    /** A query answering the distinct calendar months (their first days, as dates) of a date or timestamp column's values in a table. */
    default String distinctMonthsSql(String qualifiedTable, String quotedColumn) {
        throw new IllegalStateException(name() + " has no partitioned tables; partitionsByRange() is checked when the tables are planned");
    }

    // ---- reading

    /** Puts a source connection into the mode in which large results stream instead of buffering. */
    default void prepareForStreaming(Connection c) throws SQLException {
        c.setReadOnly(true);
    }

    /** The result set type for streaming a chunk (SQL Server has a faster forward-only kind of its own). */
    default int streamingResultSetType() {
        return java.sql.ResultSet.TYPE_FORWARD_ONLY;
    }

    default void configureStreamingStatement(Statement s, int fetchSize) throws SQLException {
        s.setFetchSize(fetchSize);
    }
}

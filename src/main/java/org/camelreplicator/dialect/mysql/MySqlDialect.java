package org.camelreplicator.dialect.mysql;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Defaults;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.IdentifierLimit;
import org.camelreplicator.dialect.NotCarriedQuery;
import org.camelreplicator.dialect.PostgresTypes;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.dialect.ValueReaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MySQL and MariaDB, through mariadb-java-client (product name "MariaDB") or MySQL Connector/J
 * ("MySQL"). A MySQL database is a JDBC catalog, not a schema: the tables read are those of the
 * database the connection URL names. Exact column types come from
 * {@code information_schema.columns.column_type} ({@code tinyint(1)}, {@code int(10) unsigned},
 * {@code enum('a','b')}); values are read so that nothing changes on the way: unsigned BIGINT as
 * BigDecimal, TIME as text (its range is -838:59:59 to 838:59:59), dates and times parsed from the
 * server's own text, zero dates by the documented rule. The mapping and the rules are in
 * docs/TYPES-MYSQL.md.
 */
public final class MySqlDialect implements Dialect {

    private static final Logger LOG = LoggerFactory.getLogger(MySqlDialect.class);

    private static final String COLUMNS_SQL = """
            SELECT column_name, column_type, is_nullable, column_default, extra
              FROM information_schema.columns
             WHERE table_schema = ? AND table_name = ?
            """;
    /** MariaDB's JSON is LONGTEXT with a CHECK (json_valid(`col`)) constraint. */
    private static final String JSON_CHECKS_SQL = """
            SELECT check_clause FROM information_schema.check_constraints
             WHERE constraint_schema = ? AND table_name = ? AND check_clause LIKE 'json_valid(%'
            """;
    private static final String SIZE_SQL = """
            SELECT table_rows, data_length + index_length
              FROM information_schema.tables
             WHERE table_schema = ? AND table_name = ?
            """;

    /** Each index's kind and the prefix length of each column (sub_part), which getIndexInfo does not give. */
    private static final String INDEXES_SQL = """
            SELECT index_name, seq_in_index, index_type, sub_part
              FROM information_schema.statistics
             WHERE table_schema = ? AND table_name = ?
            """;

    /** Views, triggers, routines, ON UPDATE clauses and comments of a database (checks: {@link #checkConstraints}). */
    static final List<NotCarriedQuery> NOT_CARRIED = List.of(
            new NotCarriedQuery(NotCarried.Kind.VIEW,
                    "SELECT NULL, table_name FROM information_schema.views WHERE table_schema = ? ORDER BY 2"),
            new NotCarriedQuery(NotCarried.Kind.TRIGGER, "SELECT event_object_table, trigger_name FROM information_schema.triggers"
                    + " WHERE trigger_schema = ? ORDER BY 1, 2"),
            new NotCarriedQuery(NotCarried.Kind.ROUTINE, "SELECT NULL, CONCAT(LOWER(routine_type), ' ', routine_name)"
                    + " FROM information_schema.routines WHERE routine_schema = ? ORDER BY 2"),
            new NotCarriedQuery(NotCarried.Kind.ON_UPDATE, "SELECT table_name, column_name FROM information_schema.columns"
                    + " WHERE table_schema = ? AND LOWER(extra) LIKE '%on update%' ORDER BY table_name, ordinal_position"),
            new NotCarriedQuery(NotCarried.Kind.COMMENT, "SELECT table_name, NULL FROM information_schema.tables"
                    + " WHERE table_schema = ? AND table_type = 'BASE TABLE' AND table_comment <> '' ORDER BY 1"),
            new NotCarriedQuery(NotCarried.Kind.COMMENT, "SELECT table_name, column_name FROM information_schema.columns"
                    + " WHERE table_schema = ? AND column_comment <> '' ORDER BY table_name, ordinal_position"));

    /** MariaDB keeps the table of each check (column checks are named after their column, so names repeat across tables). */
    static final String MARIADB_CHECKS_SQL = "SELECT table_name, constraint_name, check_clause FROM information_schema.check_constraints"
            + " WHERE constraint_schema = ? ORDER BY 1, 2";
    /** MySQL 8.0.16+: check names are unique in a database; their table is in table_constraints. */
    static final String MYSQL_CHECKS_SQL = """
            SELECT tc.table_name, tc.constraint_name, cc.check_clause
              FROM information_schema.table_constraints tc
              JOIN information_schema.check_constraints cc
                ON cc.constraint_schema = tc.constraint_schema AND cc.constraint_name = tc.constraint_name
             WHERE tc.constraint_schema = ? AND tc.constraint_type = 'CHECK'
             ORDER BY 1, 2
            """;

    private static final Set<String> GEOMETRY = Set.of("geometry", "point", "linestring", "polygon", "multipoint",
            "multilinestring", "multipolygon", "geometrycollection", "geomcollection");
    private static final Set<String> BINARY = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");
    private static final Set<String> TEXT = Set.of("tinytext", "text", "mediumtext", "longtext");

    /**
     * MySQL and MariaDB error numbers worth a retry: lock wait timeout, deadlock, too many
     * connections (global and per user), server shutdown, connection killed, network read/write
     * errors, and the client's "cannot connect", "server has gone away" and "lost connection".
     */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(1205, 1213, 1040, 1203, 1053, 1927, 1158, 1159, 1160,
            1161, 1614, 2002, 2003, 2006, 2013);

    private final String name;
    /** Columns whose zero dates were already reported as copied to NULL. */
    private final Set<String> zeroDatesReported = ConcurrentHashMap.newKeySet();

    public MySqlDialect() {
        this("MySQL");
    }

    /** @param productName what the driver reports: "MySQL" (Connector/J) or "MariaDB" (mariadb-java-client) */
    public MySqlDialect(String productName) {
        this.name = productName;
    }

    @Override
    public String name() {
        return name;
    }

    // ---- identifiers

    @Override
    public String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    /** Tables, columns, indexes and constraints: 64 characters. */
    @Override
    public IdentifierLimit identifierLimit() {
        return IdentifierLimit.characters(64);
    }

    // ---- catalog

    /**
     * The database is the JDBC catalog ({@link #catalog}); drivers report no schema, so this is null,
     * except with Connector/J's {@code databaseTerm=SCHEMA}, where the database is the schema.
     */
    @Override
    public String defaultSchema(Connection c) throws SQLException {
        return c.getSchema();
    }

    /**
     * The database the connection uses, so only its tables are read: without it the drivers list
     * the tables of every database on the server, mysql and sys included.
     */
    @Override
    public String catalog(Connection c) throws SQLException {
        String catalog = c.getCatalog();
        if (catalog == null && c.getSchema() == null) {
            throw new SQLException("The MySQL/MariaDB source URL names no database, so there is no table to read."
                    + " Put the database in source.url, as in jdbc:mariadb://host:3306/mydb", "3D000");
        }
        return catalog;
    }

    @Override
    public boolean isSystemSchema(String schema) {
        String s = schema.toLowerCase(Locale.ROOT);
        return s.equals("information_schema") || s.equals("mysql") || s.equals("performance_schema") || s.equals("sys");
    }

    /**
     * Exact types from {@code information_schema.columns.column_type}, nullability and defaults as
     * the server keeps them (MySQL's unquoted string defaults quoted as MariaDB shows them), MariaDB's
     * JSON columns (LONGTEXT with a json_valid check) as {@code json}, and the row estimate from
     * {@code information_schema.tables.table_rows}. The JDBC type codes are corrected where the
     * drivers' would mislead code that reads them: YEAR is a number, not a DATE; BIGINT UNSIGNED does
     * not fit a long; INT UNSIGNED does not fit an int.
     */
    @Override
    public TableSpec refine(Connection c, TableSpec t) throws SQLException {
        String database = database(c, t);
        boolean mariaDb = isMariaDb(c);
        Map<String, String[]> exact = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, database);
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    exact.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)});
                }
            }
        }
        Set<String> json = mariaDb ? jsonColumns(c, database, t.name()) : Set.of();
        List<ColumnSpec> columns = new ArrayList<>();
        for (ColumnSpec col : t.columns()) {
            String[] e = exact.get(col.name());
            if (e == null) {
                columns.add(col);
                continue;
            }
            String typeName = json.contains(col.name()) ? "json" : e[0];
            String extra = e[3] == null ? "" : e[3].toLowerCase(Locale.ROOT);
            String dflt = mariaDb ? e[2] : mariaDbStyleDefault(e[2], typeName, extra);
            if ("NULL".equalsIgnoreCase(dflt)) {
                dflt = null; // MariaDB's way of saying "no default" on a nullable column; a 'NULL' string is quoted
            }
            columns.add(new ColumnSpec(col.name(), jdbcType(col, typeName), typeName, col.size(), col.scale(),
                    "YES".equalsIgnoreCase(e[1]), dflt, extra.contains("auto_increment")));
        }
        long rows = -1;
        try (PreparedStatement ps = c.prepareStatement(SIZE_SQL)) {
            ps.setString(1, database);
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long r = rs.getLong(1);
                    rows = rs.wasNull() ? -1 : r;
                }
            }
        }
        return new TableSpec(t.catalog(), t.schema(), t.name(), columns, t.primaryKey(), rows);
    }

    /** data_length + index_length: InnoDB's pages for rows and indexes, as the server estimates them. */
    @Override
    public long estimatedBytes(Connection c, TableSpec table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SIZE_SQL)) {
            ps.setString(1, database(c, table));
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                long bytes = rs.getLong(2);
                return rs.wasNull() ? -1 : bytes;
            }
        }
    }

    private static String database(Connection c, TableSpec t) throws SQLException {
        if (t.catalog() != null) {
            return t.catalog();
        }
        return t.schema() != null ? t.schema() : c.getCatalog();
    }

    private static boolean isMariaDb(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        return md.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("mariadb")
                || String.valueOf(md.getDatabaseProductVersion()).toLowerCase(Locale.ROOT).contains("mariadb");
    }

    private static Set<String> jsonColumns(Connection c, String database, String table) {
        Set<String> columns = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(JSON_CHECKS_SQL)) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String column = jsonCheckColumn(rs.getString(1));
                    if (column != null) {
                        columns.add(column);
                    }
                }
            }
        } catch (SQLException e) {
            // MariaDB before 10.2 has no check_constraints: its JSON columns stay longtext (text)
            LOG.debug("No JSON check constraints for {}.{}: {}", database, table, e.getMessage());
        }
        return columns;
    }

    /** The column of MariaDB's JSON check, {@code json_valid(`doc`)}, or null when the clause is another check. */
    static String jsonCheckColumn(String clause) {
        String c = clause == null ? "" : clause.trim();
        if (c.startsWith("json_valid(`") && c.endsWith("`)")) {
            return c.substring("json_valid(`".length(), c.length() - 2).replace("``", "`");
        }
        return null;
    }

    /**
     * FULLTEXT and SPATIAL indexes, and column prefixes ({@code KEY (title(20))}: sub_part), from
     * {@code information_schema.statistics}; the drivers report them all as ordinary indexes.
     */
    @Override
    public List<IndexSpec> refineIndexes(Connection c, TableSpec t, List<IndexSpec> indexes) throws SQLException {
        Map<String, String> types = new HashMap<>();
        Map<String, Map<Integer, Integer>> prefixes = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(INDEXES_SQL)) {
            ps.setString(1, database(c, t));
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String index = rs.getString(1);
                    types.put(index, rs.getString(3));
                    int prefix = rs.getInt(4);
                    if (!rs.wasNull()) {
                        prefixes.computeIfAbsent(index, k -> new HashMap<>()).put(rs.getInt(2), prefix);
                    }
                }
            }
        }
        List<IndexSpec> result = new ArrayList<>();
        for (IndexSpec index : indexes) {
            String type = String.valueOf(types.get(index.name())).toUpperCase(Locale.ROOT);
            if (type.equals("FULLTEXT")) {
                result.add(index.withKind(IndexSpec.Kind.FULLTEXT));
            } else if (type.equals("SPATIAL")) {
                result.add(index.withKind(IndexSpec.Kind.SPATIAL));
            } else if (prefixes.containsKey(index.name()) && index.kind() == IndexSpec.Kind.PLAIN) {
                Map<Integer, Integer> parts = prefixes.get(index.name());
                List<Integer> lengths = new ArrayList<>();
                for (int i = 1; i <= index.columns().size(); i++) {
                    lengths.add(parts.getOrDefault(i, 0));
                }
                result.add(index.withPrefixLengths(lengths));
            } else {
                result.add(index);
            }
        }
        return result;
    }

    /**
     * Views, triggers, routines, ON UPDATE clauses, check constraints and comments of the database,
     * from information_schema. MariaDB's JSON checks ({@code json_valid(`col`)}) are not among the
     * checks: the column becomes jsonb, which holds only valid JSON.
     */
    @Override
    public List<NotCarried> notCarried(Connection c, String catalog, String schema) throws SQLException {
        String database = catalog != null ? catalog : schema;
        List<NotCarried> result = new ArrayList<>(NotCarriedQuery.readAll(this, c, database, NOT_CARRIED));
        try {
            result.addAll(checkConstraints(c, database, isMariaDb(c) ? MARIADB_CHECKS_SQL : MYSQL_CHECKS_SQL));
        } catch (SQLException e) {
            if (isTransient(e)) {
                throw e;
            }
            // MySQL before 8.0.16 and MariaDB before 10.2 keep no check constraints
            LOG.warn("Cannot list the check constraints of {} in the source ({}); the report of what the load does not"
                    + " carry leaves them out", database, e.getMessage());
        }
        return result;
    }

    static List<NotCarried> checkConstraints(Connection c, String database, String sql) throws SQLException {
        List<NotCarried> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (jsonCheckColumn(rs.getString(3)) == null) {
                        result.add(new NotCarried(NotCarried.Kind.CHECK, rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        return result;
    }

    /**
     * A geometry column holds MySQL's own format (4 bytes of SRID, little-endian, then OGC WKB), copied
     * as bytea: this is the PostGIS geometry of it, with its SRID.
     */
    @Override
    public String postgisGeometry(ColumnSpec column, String targetColumn) {
        if (!GEOMETRY.contains(MySqlType.parse(column.typeName(), column).base())) {
            return null;
        }
        String c = targetColumn;
        return "ST_SetSRID(ST_GeomFromWKB(substring(" + c + " from 5)), get_byte(" + c + ", 0) + 256 * get_byte(" + c
                + ", 1) + 65536 * get_byte(" + c + ", 2) + 16777216 * get_byte(" + c + ", 3))";
    }

    private static int jdbcType(ColumnSpec col, String typeName) {
        MySqlType type = MySqlType.parse(typeName, col);
        return switch (type.base()) {
            case "year" -> Types.SMALLINT;
            case "int", "integer" -> type.unsigned() ? Types.BIGINT : col.jdbcType();
            case "bigint" -> type.unsigned() ? Types.DECIMAL : col.jdbcType();
            default -> col.jdbcType();
        };
    }

    /**
     * MySQL shows a literal string default unquoted ({@code abc}) and an expression as it is,
     * marked DEFAULT_GENERATED (8.0.13 on); MariaDB quotes literals ({@code 'abc'}). Turned into
     * MariaDB's form so {@link #postgresDefault} reads one form.
     */
    static String mariaDbStyleDefault(String value, String typeName, String extra) {
        if (value == null || extra.contains("default_generated")) {
            return value;
        }
        String base = MySqlType.parse(typeName, null).base();
        String upper = value.toUpperCase(Locale.ROOT);
        boolean numeric = switch (base) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "dec", "fixed",
                    "float", "double", "real", "year", "bit", "bool", "boolean" -> true;
            default -> false;
        };
        if (numeric || upper.startsWith("CURRENT_TIMESTAMP") || upper.startsWith("NOW(")) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    // ---- reading

    /**
     * Read-only, and the session time zone set to UTC, so TIMESTAMP values (kept in UTC by the
     * server, shown in the session's zone) arrive as the instants they are, even in the hour a
     * daylight-saving change repeats.
     */
    @Override
    public void prepareForStreaming(Connection c) throws SQLException {
        c.setReadOnly(true);
        try (Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
        }
    }

    /**
     * mariadb-java-client streams rows when a fetch size is set. MySQL Connector/J reads the whole
     * result into memory unless the fetch size is Integer.MIN_VALUE (row-by-row streaming) or the
     * URL has useCursorFetch=true (a server cursor, fetched fetchSize rows at a time).
     */
    @Override
    public void configureStreamingStatement(Statement s, int fetchSize) throws SQLException {
        DatabaseMetaData md = s.getConnection().getMetaData();
        String driver = String.valueOf(md.getDriverName()).toLowerCase(Locale.ROOT);
        if (driver.contains("mysql connector")) {
            String url = String.valueOf(md.getURL()).toLowerCase(Locale.ROOT);
            s.setFetchSize(url.contains("usecursorfetch=true") ? fetchSize : Integer.MIN_VALUE);
        } else {
            s.setFetchSize(fetchSize);
        }
    }

    /**
     * FLOAT is selected as {@code (f * 1E0)}, a DOUBLE holding exactly the stored binary32 value:
     * over the text protocol (the drivers' default) the server prints a FLOAT column rounded to 6
     * significant digits (123456792 arrives as 123457000), a DOUBLE with every digit it needs.
     * Multiplying keeps the sign of -0, where adding 0 would not.
     */
    @Override
    public String selectExpression(ColumnSpec column) {
        String c = quote(column.name());
        return MySqlType.parse(column.typeName(), column).base().equals("float") ? "(" + c + " * 1E0) AS " + c : c;
    }

    /** The text's UTF-8 bytes, whose order is code point order, whatever the column's character set and collation. */
    @Override
    public String orderByCodePoint(String quotedColumn) {
        return "CAST(CONVERT(" + quotedColumn + " USING utf8mb4) AS BINARY)";
    }

    /**
     * MySQL reads backslashes in string literals as escapes (unless NO_BACKSLASH_ESCAPES), so text
     * with a backslash or a control character is written as a hex string in utf8mb4, which means the
     * same in every sql_mode; bytes as hex; booleans as TRUE/FALSE.
     */
    @Override
    public String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Number) {
            return value.toString();
        }
        if (value instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        if (value instanceof byte[] bytes) {
            return "X'" + HexFormat.of().formatHex(bytes) + "'";
        }
        String s;
        if (value instanceof LocalDateTime t) {
            s = t.toString().replace('T', ' ');
        } else if (value instanceof OffsetDateTime t) {
            s = t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().toString().replace('T', ' ');
        } else {
            s = String.valueOf(value);
        }
        boolean plain = s.chars().allMatch(ch -> ch >= 0x20 && ch != '\\' && ch != 0x7f);
        if (plain) {
            return "'" + s.replace("'", "''") + "'";
        }
        return "_utf8mb4 X'" + HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8)) + "'";
    }

    @Override
    public ValueReader reader(ColumnSpec column) {
        MySqlType type = MySqlType.parse(column.typeName(), column);
        String base = type.base();
        if (type.isBoolean()) {
            return base.equals("bit") ? BIT_BOOLEAN : TINYINT_BOOLEAN;
        }
        if (GEOMETRY.contains(base) || BINARY.contains(base)) {
            return ValueReaders.BYTES;
        }
        return switch (base) {
            case "tinyint", "smallint", "mediumint", "year" -> ValueReaders.INT;
            case "int", "integer" -> type.unsigned() ? ValueReaders.LONG : ValueReaders.INT;
            case "bigint" -> type.unsigned() ? UNSIGNED_BIGINT : ValueReaders.LONG;
            case "decimal", "numeric", "dec", "fixed" -> ValueReaders.DECIMAL;
            case "float" -> new FloatReader(column);
            case "double", "real", "double precision" -> ValueReaders.DOUBLE;
            case "bit" -> bits(type.length());
            case "date" -> new DateReader(column, Kind.DATE);
            case "datetime" -> new DateReader(column, Kind.DATETIME);
            case "timestamp" -> new DateReader(column, Kind.TIMESTAMP);
            case "time", "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json", "uuid",
                    "inet4", "inet6" -> ValueReaders.STRING;
            default -> ValueReaders.forJdbcType(column);
        };
    }

    // ---- types

    /** The PostgreSQL type for a MySQL column, by its exact type (column_type); docs/TYPES-MYSQL.md has the table. */
    @Override
    public String postgresType(ColumnSpec column) {
        MySqlType type = MySqlType.parse(column.typeName(), column);
        String base = type.base();
        if (type.isBoolean()) {
            return "boolean";
        }
        if (GEOMETRY.contains(base) || BINARY.contains(base)) {
            return "bytea";
        }
        if (TEXT.contains(base)) {
            return "text";
        }
        return switch (base) {
            case "tinyint" -> "smallint";
            case "smallint" -> type.unsigned() ? "integer" : "smallint";
            case "mediumint" -> "integer";
            case "int", "integer" -> type.unsigned() ? "bigint" : "integer";
            case "bigint" -> type.unsigned() ? "numeric(20,0)" : "bigint";
            case "decimal", "numeric", "dec", "fixed" -> PostgresTypes.numeric(type.length(), type.scale());
            case "float" -> "real";
            case "double", "real", "double precision" -> "double precision";
            case "bit" -> "bit varying(" + type.length() + ")";
            case "year" -> "smallint";
            case "date" -> "date";
            case "datetime" -> "timestamp(" + type.length() + ")";
            case "timestamp" -> "timestamp(" + type.length() + ") with time zone";
            // MySQL's TIME is a duration from -838:59:59 to 838:59:59, not only a time of day
            case "time" -> "interval(" + type.length() + ")";
            case "char" -> PostgresTypes.sized("char", type.length());
            case "varchar" -> PostgresTypes.sized("varchar", type.length());
            case "enum" -> PostgresTypes.sized("varchar", type.longestLabel());
            case "set" -> "text";
            case "json" -> "jsonb";
            case "uuid" -> "uuid";
            case "inet4", "inet6" -> "inet";
            default -> PostgresTypes.fromJdbc(column);
        };
    }

    /**
     * Literal defaults of the column's type, CURRENT_TIMESTAMP and CURRENT_DATE. Zero dates have no
     * PostgreSQL equivalent and are left off; boolean columns take 0/1 and b'0'/b'1' as false/true;
     * BIT(n) defaults become bit strings of n digits.
     */
    @Override
    public String postgresDefault(ColumnSpec column) {
        String d = column.defaultValue();
        if (d == null || d.isBlank() || d.trim().equalsIgnoreCase("NULL")) {
            return null;
        }
        d = d.trim();
        MySqlType type = MySqlType.parse(column.typeName(), column);
        String base = type.base();
        String literal = unquote(d);
        String value = literal != null ? literal : d;
        if (type.isBoolean()) {
            Long bits = bitValue(value);
            return bits == null || bits > 1 ? null : bits == 1 ? "true" : "false";
        }
        if (base.equals("bit")) {
            Long bits = bitValue(value);
            return bits == null ? null : "B'" + bitString(bits, type.length()) + "'";
        }
        String upper = d.toUpperCase(Locale.ROOT);
        switch (base) {
            case "date", "datetime", "timestamp" -> {
                if (upper.startsWith("CURRENT_TIMESTAMP") || upper.startsWith("NOW(") || upper.equals("LOCALTIMESTAMP")
                        || upper.startsWith("LOCALTIMESTAMP(")) {
                    return base.equals("date") ? "CURRENT_DATE" : "CURRENT_TIMESTAMP";
                }
                if (upper.equals("CURDATE()") || upper.startsWith("CURRENT_DATE")) {
                    return "CURRENT_DATE";
                }
                if (literal == null || hasZeroPart(literal)) {
                    return null;
                }
                return pgQuote(literal);
            }
            default -> {
                if (GEOMETRY.contains(base)) {
                    return null;
                }
                if (literal != null) {
                    return BINARY.contains(base) ? "'\\x" + HexFormat.of().formatHex(literal.getBytes(StandardCharsets.UTF_8)) + "'"
                            : pgQuote(literal);
                }
                return Defaults.portable(d);
            }
        }
    }

    /** MySQL's string literal 'it''s \\ here' as its value, or null when the text is not one quoted literal. */
    static String unquote(String s) {
        if (s.length() < 2 || s.charAt(0) != '\'' || s.charAt(s.length() - 1) != '\'') {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char ch = s.charAt(i);
            if (ch == '\'') {
                if (i + 1 < s.length() - 1 && s.charAt(i + 1) == '\'') {
                    out.append('\'');
                    i++;
                    continue;
                }
                return null; // a lone quote: two literals or an expression
            }
            if (ch == '\\' && i + 1 < s.length() - 1) {
                char next = s.charAt(++i);
                switch (next) {
                    case '0' -> out.append('\0');
                    case 'b' -> out.append('\b');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'Z' -> out.append('\u001a');
                    case '%', '_' -> out.append('\\').append(next);
                    default -> out.append(next);
                }
                continue;
            }
            out.append(ch);
        }
        return out.toString();
    }

    private static String pgQuote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** b'101', 0b101, a decimal number or '1' as a number; null when it is none of these. */
    private static Long bitValue(String v) {
        String s = v.trim();
        try {
            if ((s.startsWith("b'") || s.startsWith("B'")) && s.endsWith("'")) {
                String digits = s.substring(2, s.length() - 1);
                return digits.isEmpty() ? 0L : Long.parseUnsignedLong(digits, 2);
            }
            if (s.startsWith("0b")) {
                return Long.parseUnsignedLong(s.substring(2), 2);
            }
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String bitString(long value, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = length - 1; i >= 0; i--) {
            sb.append(i < 64 && ((value >>> i) & 1) == 1 ? '1' : '0');
        }
        return sb.toString();
    }

    // ---- faults

    @Override
    public Set<Integer> transientErrorCodes() {
        return TRANSIENT_CODES;
    }

    // ---- as a target

    // ---- value readers

    /** BIGINT UNSIGNED up to 18446744073709551615, past Long.MAX_VALUE: read as BigDecimal, exactly. */
    static final ValueReader UNSIGNED_BIGINT = ResultSet::getBigDecimal;

    /** BIT(1): its one bit as false/true. */
    static final ValueReader BIT_BOOLEAN = (rs, i) -> {
        byte[] b = rs.getBytes(i);
        if (b == null) {
            return null;
        }
        return b.length > 0 && (b[b.length - 1] & 1) == 1;
    };

    /** BIT(n): the n bits as a string of 0 and 1, most significant first, as PostgreSQL's bit varying takes it. */
    static ValueReader bits(int length) {
        return (rs, i) -> {
            byte[] b = rs.getBytes(i);
            if (b == null) {
                return null;
            }
            char[] out = new char[length];
            for (int k = 0; k < length; k++) {
                int bit = length - 1 - k;
                int index = b.length - 1 - bit / 8;
                out[k] = index >= 0 && ((b[index] >> (bit % 8)) & 1) == 1 ? '1' : '0';
            }
            return new String(out);
        };
    }

    /**
     * TINYINT(1) is MySQL's BOOLEAN, copied as boolean: 0 is false, 1 is true. Any other value (the
     * column holds -128..127) does not fit, and is refused (a bad row) rather than turned into true as
     * JDBC's getBoolean would.
     */
    static final ValueReader TINYINT_BOOLEAN = (rs, index) -> {
        int v = rs.getInt(index);
        if (rs.wasNull()) {
            return null;
        }
        if (v == 0 || v == 1) {
            return v == 1;
        }
        throw badValue("holds " + v + ", but TINYINT(1) columns are copied as boolean, which"
                + " takes only 0 and 1. Change the value in the source, or declare the column TINYINT (without the"
                + " display width 1) so it is copied as smallint", "22003");
    };

    /**
     * FLOAT, read from the DOUBLE that {@link #selectExpression} selects: the stored binary32 value
     * exactly. A FLOAT column read as it is over the text protocol arrives rounded to 6 significant
     * digits (the server prints it so); that is refused rather than copied changed: not as a bad row
     * (every row would be one) but as the reading mistake it is, which stops the table. Over the
     * binary protocol a plain FLOAT column is exact too.
     */
    private final class FloatReader implements ValueReader {
        private final ColumnSpec column;
        private Boolean exact;

        FloatReader(ColumnSpec column) {
            this.column = column;
        }

        @Override
        public Object read(ResultSet rs, int index) throws SQLException {
            double v = rs.getDouble(index);
            if (rs.wasNull()) {
                return null;
            }
            if (exact == null) {
                exact = rs.getMetaData().getColumnType(index) == Types.DOUBLE || isBinaryProtocol(rs);
            }
            if (!exact) {
                throw new SQLException("Column " + column.name() + " is FLOAT, which the server sends over the text"
                        + " protocol rounded to 6 significant digits (a value arrived as " + rs.getString(index) + "), so it"
                        + " cannot be copied exactly. Select it as (column * 1E0), as MySqlDialect.selectExpression does, or"
                        + " add useServerPrepStmts=true to the URL: over the binary protocol FLOAT values arrive exactly"
                        + " (docs/TYPES-MYSQL.md)", "0A000");
            }
            return (float) v;
        }
    }

    /** Whether the result came from a server-side prepared statement (binary protocol) of either driver. */
    private static boolean isBinaryProtocol(ResultSet rs) throws SQLException {
        Statement s = rs.getStatement();
        if (s == null) {
            return false;
        }
        Statement driverStatement = s.isWrapperFor(Statement.class) ? s.unwrap(Statement.class) : s;
        String cls = driverStatement.getClass().getName();
        return cls.contains("ServerPrepared") || cls.contains("ServerSidePrepared");
    }

    private enum Kind { DATE, DATETIME, TIMESTAMP }

    /**
     * DATE, DATETIME and TIMESTAMP parsed from the server's text, because the drivers change
     * MariaDB's special values silently: a zero date comes as NULL and '2020-05-00' as 2020-04-30.
     * The zero date ('0000-00-00', '0000-00-00 00:00:00'), MySQL's "dummy date", is copied as NULL
     * when the column allows NULL (reported once per column) and refused when it does not. A date
     * with a zero month or day but a real year, or one the calendar does not have, is refused: it
     * is a partial date, and NULL would lose what it says. TIMESTAMP values carry UTC, the session
     * zone {@link #prepareForStreaming} sets.
     */
    private final class DateReader implements ValueReader {
        private final ColumnSpec column;
        private final Kind kind;

        DateReader(ColumnSpec column, Kind kind) {
            this.column = column;
            this.kind = kind;
        }

        @Override
        public Object read(ResultSet rs, int index) throws SQLException {
            String text;
            try {
                text = rs.getString(index);
            } catch (DateTimeException e) {
                // the binary protocol decodes before we see it, and fails on a zero month or day
                throw badValue("holds a date with a zero month or day, or one the calendar does not"
                        + " have (" + e.getMessage() + "), which PostgreSQL cannot store", "22007");
            }
            if (text == null) {
                return null;
            }
            if (isZeroDate(text)) {
                if (column.nullable()) {
                    reportZeroDates(rs, index);
                    return null;
                }
                throw badValue("holds the zero date '" + text + "' and is NOT NULL. PostgreSQL has no"
                        + " zero date; zero dates are copied as NULL only where the column allows NULL. Replace the"
                        + " zero dates in the source, or allow NULL in the column", "22007");
            }
            try {
                LocalDateTime t = parse(text, kind == Kind.DATE);
                return switch (kind) {
                    case DATE -> t.toLocalDate();
                    case DATETIME -> t;
                    case TIMESTAMP -> OffsetDateTime.of(t, ZoneOffset.UTC);
                };
            } catch (DateTimeException | IndexOutOfBoundsException | NumberFormatException e) {
                throw badValue("holds '" + text + "', a date with a zero month or day or one the"
                        + " calendar does not have, which PostgreSQL cannot store (only the whole zero date has a rule:"
                        + " NULL where allowed)", "22007");
            }
        }

        private void reportZeroDates(ResultSet rs, int index) {
            String where = tableOf(rs, index) + "." + column.name();
            if (zeroDatesReported.add(where)) {
                LOG.warn("{} holds zero dates ('0000-00-00', MySQL's dummy date); they are copied as NULL, which the"
                        + " column allows (docs/TYPES-MYSQL.md)", where);
            }
        }
    }

    static boolean isZeroDate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch != '0' && ch != '-' && ch != ' ' && ch != ':' && ch != '.') {
                return false;
            }
        }
        return true;
    }

    /** Whether a date literal has a zero year, month or day ('0000-00-00', '2020-00-10'). */
    private static boolean hasZeroPart(String literal) {
        if (literal.length() < 10) {
            return true;
        }
        return literal.startsWith("0000") || literal.startsWith("00", 5) || literal.startsWith("00", 8);
    }

    /** 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS[.ffffff]', as the server prints them. */
    static LocalDateTime parse(String s, boolean dateOnly) {
        int year = Integer.parseInt(s, 0, 4, 10);
        int month = Integer.parseInt(s, 5, 7, 10);
        int day = Integer.parseInt(s, 8, 10, 10);
        if (dateOnly || s.length() <= 10) {
            return LocalDate.of(year, month, day).atStartOfDay();
        }
        int hour = Integer.parseInt(s, 11, 13, 10);
        int minute = Integer.parseInt(s, 14, 16, 10);
        int second = Integer.parseInt(s, 17, 19, 10);
        int nanos = 0;
        if (s.length() > 20 && s.charAt(19) == '.') {
            int digits = Math.min(9, s.length() - 20);
            nanos = Integer.parseInt(s, 20, 20 + digits, 10);
            for (int k = digits; k < 9; k++) {
                nanos *= 10;
            }
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
    }

    // ---- values that cannot be copied

    /**
     * A value that cannot be copied: a permanent SQLDataException (SQLState class 22) saying what the
     * value is and what to do. The chunk reader names the table, the column and the row's key, and
     * applies replicator.on-bad-row (the row is rejected, or stops its table).
     */
    private static SQLException badValue(String problem, String sqlState) {
        return new SQLDataException(problem + " (docs/TYPES-MYSQL.md)", sqlState);
    }

    private static String tableOf(ResultSet rs, int index) {
        try {
            ResultSetMetaData md = rs.getMetaData();
            String database = md.getCatalogName(index);
            String table = md.getTableName(index);
            return database == null || database.isEmpty() ? table : database + "." + table;
        } catch (SQLException e) {
            return "?";
        }
    }

    /** An enum column keeps its labels on the target as a CHECK constraint over the varchar. */
    @Override
    public String postgresCheck(ColumnSpec column, String targetColumn) {
        MySqlType type = MySqlType.parse(column.typeName(), column);
        if (!type.base().equals("enum") || type.labels().isEmpty()) {
            return null;
        }
        return "CHECK (" + targetColumn + " IN (" + type.labels().stream().map(l -> "'" + l.replace("'", "''") + "'")
                .collect(java.util.stream.Collectors.joining(", ")) + "))";
    }

    // ---- type names

    /**
     * A MySQL column type as information_schema.columns.column_type spells it ({@code int(10) unsigned},
     * {@code decimal(10,2)}, {@code enum('a','b')}), or as a driver names it ({@code INT UNSIGNED},
     * {@code BOOLEAN}) with the length from the column's size.
     */
    record MySqlType(String base, boolean unsigned, int length, int scale, List<String> labels) {

        static MySqlType parse(String typeName, ColumnSpec column) {
            String t = typeName == null ? "" : typeName.trim();
            String lower = t.toLowerCase(Locale.ROOT);
            int paren = lower.indexOf('(');
            int space = lower.indexOf(' ');
            int end = paren < 0 ? (space < 0 ? lower.length() : space) : (space < 0 ? paren : Math.min(paren, space));
            String base = lower.substring(0, end).trim();
            if (base.equals("double") && lower.startsWith("double precision")) {
                base = "double precision";
            }
            int close = paren < 0 ? -1 : closing(t, paren);
            String args = paren < 0 || close < 0 ? null : t.substring(paren + 1, close);
            String after = close < 0 ? lower.substring(end) : lower.substring(close + 1);
            boolean unsigned = after.contains("unsigned");
            List<String> labels = List.of();
            int length = -1;
            int scale = 0;
            if (base.equals("enum") || base.equals("set")) {
                labels = args == null ? List.of() : labels(args);
            } else if (args != null && !args.isBlank()) {
                String[] parts = args.split(",");
                try {
                    length = Integer.parseInt(parts[0].trim());
                    scale = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0;
                } catch (NumberFormatException e) {
                    length = -1;
                }
            }
            if (length < 0) {
                length = defaultLength(base, column);
                scale = args == null && column != null ? column.scale() : scale;
            }
            return new MySqlType(base, unsigned, length, scale, labels);
        }

        /** TINYINT(1), BOOL, BOOLEAN and BIT(1) are copied as boolean. */
        boolean isBoolean() {
            return switch (base) {
                case "bool", "boolean" -> true;
                case "tinyint" -> length == 1;
                case "bit" -> length <= 1;
                default -> false;
            };
        }

        int longestLabel() {
            return labels.stream().mapToInt(l -> l.codePointCount(0, l.length())).max().orElse(0);
        }

        /** The length a declaration without one means (datetime = datetime(0), bit = bit(1)), else the driver's size. */
        private static int defaultLength(String base, ColumnSpec column) {
            return switch (base) {
                case "datetime", "timestamp", "time" -> 0;
                case "bit" -> column != null && column.size() > 0 ? column.size() : 1;
                case "tinyint" -> column != null && (column.jdbcType() == Types.BOOLEAN) ? 1 : 4;
                default -> column == null ? 0 : column.size();
            };
        }

        private static int closing(String t, int open) {
            boolean quoted = false;
            for (int i = open + 1; i < t.length(); i++) {
                char ch = t.charAt(i);
                if (ch == '\'') {
                    quoted = !quoted; // a doubled quote toggles twice
                } else if (ch == '\\' && quoted) {
                    i++;
                } else if (ch == ')' && !quoted) {
                    return i;
                }
            }
            return -1;
        }

        /** 'a','b''c','d\\e' as a, b'c, d\e. */
        private static List<String> labels(String args) {
            List<String> labels = new ArrayList<>();
            int i = 0;
            while (i < args.length()) {
                int open = args.indexOf('\'', i);
                if (open < 0) {
                    break;
                }
                StringBuilder label = new StringBuilder();
                int k = open + 1;
                while (k < args.length()) {
                    char ch = args.charAt(k);
                    if (ch == '\'' && k + 1 < args.length() && args.charAt(k + 1) == '\'') {
                        label.append('\'');
                        k += 2;
                    } else if (ch == '\'') {
                        break;
                    } else if (ch == '\\' && k + 1 < args.length()) {
                        label.append(args.charAt(k + 1));
                        k += 2;
                    } else {
                        label.append(ch);
                        k++;
                    }
                }
                labels.add(label.toString());
                i = k + 1;
            }
            return labels;
        }
    }

    @Override
    public java.time.LocalDateTime localNow(Connection c) throws SQLException {
        try (java.sql.Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT NOW(6)")) {
            rs.next();
            return rs.getObject(1, java.time.LocalDateTime.class);
        }
    }
}

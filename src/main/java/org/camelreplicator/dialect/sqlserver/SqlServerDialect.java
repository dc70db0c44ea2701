package org.camelreplicator.dialect.sqlserver;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.sqlserver.jdbc.ISQLServerResultSet;
import com.microsoft.sqlserver.jdbc.ISQLServerStatement;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Defaults;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.IdentifierLimit;
import org.camelreplicator.dialect.NotCarriedQuery;
import org.camelreplicator.dialect.PostgresTypes;
import org.camelreplicator.dialect.SystemWatermark;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.dialect.ValueReaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft SQL Server as a source, read through mssql-jdbc.
 *
 * <p>Types come from {@code sys.columns} and {@code sys.types}, not from the driver's metadata
 * (which says {@code int identity}, reports {@code uniqueidentifier} as CHAR(36) and {@code xml} as
 * a long string): {@link ColumnSpec#typeName()} holds the type as SQL Server would declare it,
 * {@code nvarchar(160)}, {@code nvarchar(max)}, {@code decimal(19,4)}, {@code datetime2(7)},
 * {@code varbinary(max)}, with user alias types resolved to their base type. The PostgreSQL type
 * and the value reader are chosen from that name (docs/TYPES-SQLSERVER.md has the table).
 *
 * <p>Two column properties the neutral model has no field for are written into it as follows:
 * <ul>
 * <li>a <b>computed column</b> has {@code " AS <definition>"} (and {@code " PERSISTED"} when it is)
 * after its result type: {@code nvarchar(62) AS ([FirstName]+N' '+[LastName])}. Its values are
 * copied as data into a plain column of the result type: see {@link #isComputed(ColumnSpec)};</li>
 * <li>an <b>identity column</b> has {@code autoIncrement} set and, as SQL Server gives identity
 * columns no default, {@code defaultValue} holds {@code IDENTITY(seed,increment)}, which the
 * sequence step after the load needs (an increment may be negative). {@link #postgresDefault}
 * never turns it into a target default.</li>
 * </ul>
 */
public final class SqlServerDialect implements Dialect {

    /** What mssql-jdbc's {@code DatabaseMetaData.getDatabaseProductName()} answers. */
    public static final String PRODUCT_NAME = "Microsoft SQL Server";

    /**
     * mssql-jdbc's result set type for a forward-only, read-only result read straight off the TDS
     * stream (no server cursor), whatever {@code selectMethod} the URL names.
     */
    public static final int DIRECT_FORWARD_ONLY = ISQLServerResultSet.TYPE_SS_DIRECT_FORWARD_ONLY;

    /**
     * Schemas SQL Server creates in every database: its catalog views, the guest user's schema and
     * one per fixed database role. Listed by name rather than by a {@code db_} prefix, so a user
     * schema called {@code db_sales} is still read.
     */
    static final Set<String> SYSTEM_SCHEMAS = Set.of("sys", "information_schema", "guest",
            "db_owner", "db_accessadmin", "db_securityadmin", "db_ddladmin", "db_backupoperator",
            "db_datareader", "db_datawriter", "db_denydatareader", "db_denydatawriter");

    /**
     * Error numbers worth retrying: deadlock victim (1205), lock request timeout (1222), snapshot
     * update conflict (3960), NOLOCK scan aborted by data movement (601), memory grant and
     * optimizer timeouts (8645, 8628), transport-level failures (233, 64, 121, 10053, 10054, 10060)
     * and the errors Microsoft lists as transient for Azure SQL (reconfiguration, failover, throttling:
     * 4060, 4221, 615, 926, 40143, 40197, 40501, 40540, 40613, 42108, 42109, 49918, 49919, 49920,
     * 10928, 10929).
     */
    static final Set<Integer> TRANSIENT_ERRORS = Set.of(1205, 1222, 3960, 601, 8645, 8628, 233, 64, 121,
            10053, 10054, 10060, 4060, 4221, 615, 926, 40143, 40197, 40501, 40540, 40613, 42108, 42109,
            49918, 49919, 49920, 10928, 10929);

    /** PostgreSQL keeps timestamps and times to the microsecond. */
    static final int POSTGRES_MAX_FRACTION = 6;

    private static final Logger LOG = LoggerFactory.getLogger(SqlServerDialect.class);

    /**
     * One row per column: the type by name (a user alias type resolved to its base system type; CLR
     * types, hierarchyid, geometry and geography keep their own name), the declared length in
     * bytes (-1 for max), precision and scale, identity seed and increment, computed definition.
     */
    private static final String COLUMNS_SQL = """
            SELECT c.name,
                   CASE WHEN t.is_assembly_type = 1 OR t.user_type_id = t.system_type_id THEN t.name
                        ELSE TYPE_NAME(t.system_type_id) END,
                   c.max_length, c.precision, c.scale, c.is_identity,
                   CAST(ic.seed_value AS nvarchar(64)), CAST(ic.increment_value AS nvarchar(64)),
                   cc.definition, cc.is_persisted
              FROM sys.columns c
              JOIN sys.types t ON t.user_type_id = c.user_type_id
              LEFT JOIN sys.identity_columns ic ON ic.object_id = c.object_id AND ic.column_id = c.column_id
              LEFT JOIN sys.computed_columns cc ON cc.object_id = c.object_id AND cc.column_id = c.column_id
             WHERE c.object_id = OBJECT_ID(?)
             ORDER BY c.column_id
            """;

    /** Rows in the heap or clustered index (index_id 0 or 1), as the storage engine counts them: no COUNT(*). */
    private static final String STATS_ROWS_SQL =
            "SELECT SUM(row_count) FROM sys.dm_db_partition_stats WHERE object_id = OBJECT_ID(?) AND index_id IN (0, 1)";
    /** The same from sys.partitions, which needs no VIEW DATABASE STATE permission. */
    private static final String PARTITION_ROWS_SQL =
            "SELECT SUM(rows) FROM sys.partitions WHERE object_id = OBJECT_ID(?) AND index_id IN (0, 1)";
    /** Every page in use by the table and its indexes: in-row, row-overflow and LOB data. */
    private static final String STATS_BYTES_SQL =
            "SELECT SUM(used_page_count) * CAST(8192 AS bigint) FROM sys.dm_db_partition_stats WHERE object_id = OBJECT_ID(?)";
    private static final String ALLOCATION_BYTES_SQL = """
            SELECT SUM(a.used_pages) * CAST(8192 AS bigint)
              FROM sys.partitions p JOIN sys.allocation_units a ON a.container_id = p.partition_id
             WHERE p.object_id = OBJECT_ID(?)
            """;

    /** The kind of each index of a table: XML (3), spatial (4), columnstore (5, 6), filtered (has_filter). */
    static final String INDEXES_SQL = "SELECT name, type, has_filter FROM sys.indexes WHERE object_id = OBJECT_ID(?) AND name IS NOT NULL";

    /**
     * Views, table triggers, routines (procedures and functions, T-SQL and CLR), check constraints,
     * comments (MS_Description extended properties) and full-text indexes of a schema; none that
     * SQL Server ships.
     */
    static final List<NotCarriedQuery> NOT_CARRIED = List.of(
            new NotCarriedQuery(NotCarried.Kind.VIEW,
                    "SELECT NULL, v.name FROM sys.views v WHERE SCHEMA_NAME(v.schema_id) = ? AND v.is_ms_shipped = 0 ORDER BY 2"),
            new NotCarriedQuery(NotCarried.Kind.TRIGGER, """
                    SELECT o.name, t.name FROM sys.triggers t JOIN sys.objects o ON o.object_id = t.parent_id
                     WHERE t.parent_class = 1 AND SCHEMA_NAME(o.schema_id) = ? AND t.is_ms_shipped = 0
                     ORDER BY 1, 2
                    """),
            new NotCarriedQuery(NotCarried.Kind.ROUTINE, """
                    SELECT NULL, o.name FROM sys.objects o
                     WHERE SCHEMA_NAME(o.schema_id) = ? AND o.type IN ('P', 'PC', 'FN', 'IF', 'TF', 'FS', 'FT') AND o.is_ms_shipped = 0
                     ORDER BY 2
                    """),
            new NotCarriedQuery(NotCarried.Kind.CHECK, """
                    SELECT OBJECT_NAME(c.parent_object_id), c.name FROM sys.check_constraints c
                     WHERE SCHEMA_NAME(c.schema_id) = ? AND c.is_ms_shipped = 0
                     ORDER BY 1, 2
                    """),
            new NotCarriedQuery(NotCarried.Kind.COMMENT, """
                    SELECT t.name, COL_NAME(p.major_id, NULLIF(p.minor_id, 0)) FROM sys.extended_properties p
                      JOIN sys.tables t ON t.object_id = p.major_id
                     WHERE p.class = 1 AND p.name = N'MS_Description' AND SCHEMA_NAME(t.schema_id) = ?
                     ORDER BY 1, p.minor_id
                    """),
            new NotCarriedQuery(NotCarried.Kind.FULLTEXT_INDEX, """
                    SELECT t.name, N'full-text index' FROM sys.fulltext_indexes f JOIN sys.tables t ON t.object_id = f.object_id
                     WHERE SCHEMA_NAME(t.schema_id) = ?
                     ORDER BY 1
                    """));

    /** A type as refine() writes it or as a script declares it: name, optional (n|max[,s]), optional computed part. */
    private static final Pattern TYPE = Pattern.compile(
            "\\s*([a-z_][a-z0-9_]*)(?:\\s+identity)?\\s*(?:\\(\\s*(max|\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?(?:\\s+identity)?"
                    + "(?:\\s+AS\\s+(.*))?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");
    private static final Pattern SELECT_METHOD_CURSOR = Pattern.compile("(?i)(^|;)\\s*selectMethod\\s*=\\s*cursor\\s*(;|$)");
    private static final Pattern RESPONSE_BUFFERING_FULL = Pattern.compile("(?i)(^|;)\\s*responseBuffering\\s*=\\s*full\\s*(;|$)");
    private static final Pattern NATIONAL_STRING = Pattern.compile("N('([^']|'')*')", Pattern.DOTALL);

    private final AtomicBoolean urlChecked = new AtomicBoolean();

    @Override
    public String name() {
        return PRODUCT_NAME;
    }

    // ---- identifiers

    /** Brackets, with a closing bracket doubled: {@code [Invoice]]Line]} for {@code Invoice]Line}. */
    @Override
    public String quote(String identifier) {
        return '[' + identifier.replace("]", "]]") + ']';
    }

    /** sysname: nvarchar(128). */
    @Override
    public IdentifierLimit identifierLimit() {
        return IdentifierLimit.characters(128);
    }

    // ---- catalog

    /** The login's default schema ({@code SCHEMA_NAME()}, which mssql-jdbc answers for getSchema), dbo when it has none. */
    @Override
    public String defaultSchema(Connection c) throws SQLException {
        String schema = c.getSchema();
        return schema == null || schema.isBlank() ? "dbo" : schema;
    }

    @Override
    public boolean isSystemSchema(String schema) {
        return SYSTEM_SCHEMAS.contains(schema.toLowerCase(Locale.ROOT));
    }

    /** The table SSMS creates in dbo for database diagrams. */
    @Override
    public boolean isInternalTable(String table) {
        return table.equalsIgnoreCase("sysdiagrams");
    }

    /** Exact types, identity and computed columns from sys.columns; the row estimate from the partition statistics. */
    @Override
    public TableSpec refine(Connection c, TableSpec t) throws SQLException {
        String object = qualified(t.schema(), t.name());
        Map<String, SysColumn> sys = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, object);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String definition = rs.getString(9);
                    sys.put(rs.getString(1), new SysColumn(rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                            rs.getBoolean(6), rs.getString(7), rs.getString(8), definition,
                            definition != null && rs.getBoolean(10)));
                }
            }
        }
        List<ColumnSpec> columns = new ArrayList<>(t.columns().size());
        for (ColumnSpec col : t.columns()) {
            SysColumn s = sys.get(col.name());
            columns.add(s == null ? col : refined(col, s));
        }
        long rows = firstLong(c, STATS_ROWS_SQL, PARTITION_ROWS_SQL, object);
        return new TableSpec(t.catalog(), t.schema(), t.name(), columns, t.primaryKey(), rows);
    }

    /** XML, spatial and columnstore indexes, and filtered ones, which the driver lists as ordinary indexes. */
    @Override
    public List<IndexSpec> refineIndexes(Connection c, TableSpec t, List<IndexSpec> indexes) throws SQLException {
        Map<String, IndexSpec.Kind> kinds = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(INDEXES_SQL)) {
            ps.setString(1, qualified(t.schema(), t.name()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kinds.put(rs.getString(1), indexKind(rs.getInt(2), rs.getBoolean(3)));
                }
            }
        }
        return indexes.stream().map(i -> kinds.getOrDefault(i.name(), IndexSpec.Kind.PLAIN) == IndexSpec.Kind.PLAIN ? i
                : i.withKind(kinds.get(i.name()))).toList();
    }

    /** sys.indexes.type and has_filter as an index kind. */
    static IndexSpec.Kind indexKind(int type, boolean hasFilter) {
        return switch (type) {
            case 3, 5, 6 -> IndexSpec.Kind.OTHER;
            case 4 -> IndexSpec.Kind.SPATIAL;
            default -> hasFilter ? IndexSpec.Kind.PARTIAL : IndexSpec.Kind.PLAIN;
        };
    }

    @Override
    public List<NotCarried> notCarried(Connection c, String catalog, String schema) throws SQLException {
        return NotCarriedQuery.readAll(this, c, schema, NOT_CARRIED);
    }

    /** used_page_count × 8 KiB over the table and all its indexes, like PostgreSQL's pg_total_relation_size. */
    @Override
    public long estimatedBytes(Connection c, TableSpec table) throws SQLException {
        return firstLong(c, STATS_BYTES_SQL, ALLOCATION_BYTES_SQL, qualified(table.schema(), table.name()));
    }

    /**
     * sys.dm_db_partition_stats needs VIEW DATABASE STATE (VIEW DATABASE PERFORMANCE STATE on 2022);
     * without it the same figure comes from the catalog views every reader of the table may see.
     */
    private static long firstLong(Connection c, String sql, String fallback, String object) throws SQLException {
        try {
            return singleLong(c, sql, object);
        } catch (SQLException e) {
            LOG.debug("{} failed ({}); using the catalog views instead", sql, e.getMessage());
            return singleLong(c, fallback, object);
        }
    }

    private static long singleLong(Connection c, String sql, String object) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, object);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                long v = rs.getLong(1);
                return rs.wasNull() ? -1 : v;
            }
        }
    }

    /**
     * One column of sys.columns as refine() reads it.
     *
     * @param type       the system type name, a user alias type already resolved to its base type
     * @param maxLength  sys.columns.max_length: bytes, -1 for (max); nchar/nvarchar count two bytes a character
     * @param definition the computed column's definition, or null
     */
    record SysColumn(String type, int maxLength, int precision, int scale, boolean identity,
                     String seed, String increment, String definition, boolean persisted) {

        static SysColumn of(String type, int maxLength, int precision, int scale) {
            return new SysColumn(type, maxLength, precision, scale, false, null, null, null, false);
        }

        SysColumn identity(String seedValue, String incrementValue) {
            return new SysColumn(type, maxLength, precision, scale, true, seedValue, incrementValue, definition, persisted);
        }

        SysColumn computed(String computedDefinition, boolean isPersisted) {
            return new SysColumn(type, maxLength, precision, scale, identity, seed, increment, computedDefinition, isPersisted);
        }
    }

    /** The driver's column with SQL Server's own type name, size, identity and computed definition. */
    static ColumnSpec refined(ColumnSpec driver, SysColumn s) {
        String type = typeName(s.type(), s.maxLength(), s.precision(), s.scale());
        String base = s.type().toLowerCase(Locale.ROOT);
        if (s.definition() != null) {
            type += " AS " + s.definition() + (s.persisted() ? " PERSISTED" : "");
        }
        int size = switch (base) {
            case "char", "varchar", "binary", "varbinary" -> Math.max(s.maxLength(), 0);
            case "nchar", "nvarchar" -> Math.max(s.maxLength() / 2, 0);
            case "decimal", "numeric", "float", "real", "datetime2", "datetimeoffset", "time", "datetime",
                    "smalldatetime", "money", "smallmoney" -> s.precision();
            default -> driver.size();
        };
        String dflt = s.identity() ? "IDENTITY(" + s.seed() + "," + s.increment() + ")" : driver.defaultValue();
        return new ColumnSpec(driver.name(), driver.jdbcType(), type, size, s.scale(), driver.nullable(), dflt, s.identity());
    }

    /** The type as SQL Server declares it, from sys.types' name and sys.columns' length, precision and scale. */
    static String typeName(String type, int maxLength, int precision, int scale) {
        String t = type.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "char", "varchar", "binary", "varbinary" -> t + "(" + (maxLength == -1 ? "max" : maxLength) + ")";
            case "nchar", "nvarchar" -> t + "(" + (maxLength == -1 ? "max" : maxLength / 2) + ")";
            case "decimal", "numeric" -> t + "(" + precision + "," + scale + ")";
            case "datetime2", "datetimeoffset", "time" -> t + "(" + scale + ")";
            case "float" -> "float(" + precision + ")";
            // sys.types still calls rowversion by its deprecated synonym, which every other engine uses for date-times
            case "timestamp" -> "rowversion";
            default -> type;
        };
    }

    /** Whether refine() found the column computed ({@code <type> AS <definition>}). */
    public static boolean isComputed(ColumnSpec column) {
        return computedDefinition(column) != null;
    }

    /** The T-SQL definition of a computed column, as sys.computed_columns holds it, or null. */
    public static String computedDefinition(ColumnSpec column) {
        Matcher m = match(column.typeName());
        if (m == null || m.group(4) == null) {
            return null;
        }
        String d = m.group(4).trim();
        return d.toUpperCase(Locale.ROOT).endsWith(" PERSISTED") ? d.substring(0, d.length() - " PERSISTED".length()).trim() : d;
    }

    /** The base type name of a column, lower case, without length or computed part; null when unreadable. */
    public static String baseType(ColumnSpec column) {
        Matcher m = match(column.typeName());
        return m == null ? null : m.group(1).toLowerCase(Locale.ROOT);
    }

    /**
     * The type as a CAST takes it: name and length, precision and scale, without the computed part ({@code decimal(10,2)}
     * for {@code decimal(10,2) AS ([a]*[b])}); null when unreadable.
     */
    public static String declaredType(ColumnSpec column) {
        Matcher m = match(column.typeName());
        if (m == null) {
            return null;
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        return m.group(2) == null ? name : name + "(" + m.group(2) + (m.group(3) == null ? "" : "," + m.group(3)) + ")";
    }

    private static Matcher match(String typeName) {
        if (typeName == null) {
            return null;
        }
        Matcher m = TYPE.matcher(typeName);
        return m.matches() ? m : null;
    }

    // ---- reading

    /**
     * The SQL Server settings mssql-jdbc documents for large results, applied per connection:
     * <ul>
     * <li>{@code SET TEXTSIZE 2147483647}: TEXTSIZE caps how many bytes of a varchar(max),
     * nvarchar(max), varbinary(max), text, ntext or image value a SELECT returns; Microsoft documents
     * 4 KB as the server default and only the ODBC and OLE DB drivers as raising it on connect, and
     * mssql-jdbc sends SET TEXTSIZE only when a statement changes its max field size. Set here,
     * large values always arrive whole;</li>
     * <li>a warning, once, when the source URL names {@code selectMethod=cursor}, which chunk reads
     * bypass ({@link #streamingResultSetType()}) but other queries do not; see
     * {@link #streamingUrlProblem(String)}.</li>
     * </ul>
     */
    @Override
    public void prepareForStreaming(Connection c) throws SQLException {
        c.setReadOnly(true);
        if (urlChecked.compareAndSet(false, true)) {
            streamingUrlProblem(c.getMetaData().getURL()).ifPresent(LOG::warn);
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET TEXTSIZE 2147483647");
        }
    }

    /**
     * Streaming as Microsoft documents it for mssql-jdbc ("Using adaptive buffering", "Working with
     * large data"): with {@code responseBuffering=adaptive}, the default since driver 2.0, the driver
     * reads results from the server as the application asks for them and drops them once they can no
     * longer be reached, so a forward-only, read-only pass over an arbitrarily large result needs no
     * server cursor; the default {@code selectMethod=direct} is what makes such a statement
     * (TYPE_FORWARD_ONLY, CONCUR_READ_ONLY) a direct, cursor-less read. Adaptive buffering is set
     * here on the statement too, overriding a {@code responseBuffering=full} in the URL. The fetch
     * size only matters for server cursors (selectMethod=cursor); the direct stream ignores it.
     * While the result is open the connection must run nothing else, or the driver buffers the rest
     * of it: the chunk reader uses the connection for this one query.
     */
    @Override
    public void configureStreamingStatement(Statement s, int fetchSize) throws SQLException {
        int type = s.getResultSetType();
        if ((type != ResultSet.TYPE_FORWARD_ONLY && type != DIRECT_FORWARD_ONLY)
                || s.getResultSetConcurrency() != ResultSet.CONCUR_READ_ONLY) {
            throw new SQLException("A SQL Server source streams only through a forward-only, read-only statement; "
                    + "this one has result set type " + type + " and concurrency " + s.getResultSetConcurrency());
        }
        s.setFetchSize(fetchSize);
        if (s.isWrapperFor(ISQLServerStatement.class)) {
            s.unwrap(ISQLServerStatement.class).setResponseBuffering("adaptive");
        }
    }

    /** What in a source URL keeps chunks from streaming the direct way, or empty. */
    static Optional<String> streamingUrlProblem(String url) {
        if (url == null) {
            return Optional.empty();
        }
        if (SELECT_METHOD_CURSOR.matcher(url).find()) {
            return Optional.of("The SQL Server source URL sets selectMethod=cursor: chunks are still read with the "
                    + "driver's direct forward-only stream, but the catalog and planning queries go through server cursors, "
                    + "one round trip per fetch. Remove it: the default selectMethod=direct is the fast one.");
        }
        if (RESPONSE_BUFFERING_FULL.matcher(url).find()) {
            return Optional.of("The SQL Server source URL sets responseBuffering=full; chunk statements override it "
                    + "with adaptive, but every other query on these connections reads its whole result into memory.");
        }
        return Optional.empty();
    }

    /**
     * T-SQL literals: strings as {@code N'...'} so any character survives, binary as {@code 0x..},
     * booleans as 1/0, dates as {@code 'yyyyMMdd'} and date-times in ISO 8601 with a {@code T}, the
     * forms SQL Server reads the same whatever the session's language and DATEFORMAT.
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
            return b ? "1" : "0";
        }
        if (value instanceof byte[] bytes) {
            return "0x" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof LocalDate d) {
            return "'" + d.format(DateTimeFormatter.BASIC_ISO_DATE) + "'";
        }
        if (value instanceof LocalDateTime t) {
            return "'" + t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "'";
        }
        if (value instanceof OffsetDateTime t) {
            return "'" + t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + "'";
        }
        if (value instanceof LocalTime || value instanceof UUID) {
            return "'" + value + "'";
        }
        return "N'" + value.toString().replace("'", "''") + "'";
    }

    /** A UUID boundary as its text: SQL Server converts it to uniqueidentifier for the comparison. */
    @Override
    public Object bindable(Object value) {
        return value instanceof UUID u ? u.toString() : value;
    }

    /** The driver's own direct forward-only cursor: rows stream in adaptive buffering, with no server cursor. */
    @Override
    public int streamingResultSetType() {
        return DIRECT_FORWARD_ONLY;
    }

    /**
     * What the SELECT of a chunk should read for this column. Plain columns as they are; the CLR
     * types as text the driver can return and PostgreSQL can read: hierarchyid by its
     * {@code ToString()} path ({@code /1/3/}), geometry and geography as EWKT ({@code SRID=4326;POINT
     * (...)}) from {@code AsTextZM()}, which unlike {@code STAsText()} keeps Z and M values.
     */
    @Override
    public String selectExpression(ColumnSpec column) {
        String c = quote(column.name());
        String base = baseType(column);
        if (base == null) {
            return c;
        }
        return switch (base) {
            case "hierarchyid" -> c + ".ToString() AS " + c;
            case "geometry", "geography" -> "CASE WHEN " + c + " IS NULL THEN NULL ELSE 'SRID=' + CAST(" + c
                    + ".STSrid AS varchar(11)) + ';' + " + c + ".AsTextZM() END AS " + c;
            default -> c;
        };
    }

    /** A binary collation compares code points, whatever the column's own collation. */
    @Override
    public String orderByCodePoint(String quotedColumn) {
        return quotedColumn + " COLLATE Latin1_General_100_BIN2";
    }

    /** Values exactly as SQL Server holds them; see docs/TYPES-SQLSERVER.md for the few documented changes. */
    @Override
    public ValueReader reader(ColumnSpec column) {
        String base = baseType(column);
        if (base == null) {
            return ValueReaders.forJdbcType(column);
        }
        boolean sevenDigits = declaredFraction(column) > POSTGRES_MAX_FRACTION;
        return switch (base) {
            case "bit" -> ValueReaders.BOOLEAN;
            case "tinyint", "smallint", "int" -> ValueReaders.INT;
            case "bigint" -> ValueReaders.LONG;
            case "decimal", "numeric", "money", "smallmoney" -> ValueReaders.DECIMAL;
            case "float" -> floatPrecision(column) <= 24 ? ValueReaders.FLOAT : ValueReaders.DOUBLE;
            case "real" -> ValueReaders.FLOAT;
            case "date" -> ValueReaders.DATE;
            case "time" -> sevenDigits ? TIME_MICROS : ValueReaders.TIME;
            case "datetime", "smalldatetime" -> ValueReaders.TIMESTAMP;
            case "datetime2" -> sevenDigits ? TIMESTAMP_MICROS : ValueReaders.TIMESTAMP;
            case "datetimeoffset" -> sevenDigits ? TIMESTAMP_TZ_MICROS : ValueReaders.TIMESTAMP_TZ;
            case "char", "varchar", "nchar", "nvarchar", "text", "ntext", "xml", "sql_variant", "json", "sysname" ->
                    ValueReaders.STRING;
            case "binary", "varbinary", "image", "timestamp", "rowversion" -> ValueReaders.BYTES;
            case "uniqueidentifier" -> UNIQUEIDENTIFIER;
            case "hierarchyid", "geometry", "geography" -> convertedText(column);
            default -> ValueReaders.forJdbcType(column);
        };
    }

    /**
     * uniqueidentifier through getString, which mssql-jdbc answers with the canonical text SQL
     * Server itself prints. Its bytes (getBytes) are in SQL Server's mixed byte order, the first
     * three groups little-endian: reading them as a big-endian UUID reverses those groups.
     */
    static final ValueReader UNIQUEIDENTIFIER = (rs, i) -> uniqueIdentifier(rs.getString(i));

    /** datetime2(7): the driver's LocalDateTime keeps all 7 digits; PostgreSQL keeps 6, so the 7th is cut here. */
    static final ValueReader TIMESTAMP_MICROS = (rs, i) -> toMicros(rs.getObject(i, LocalDateTime.class));
    static final ValueReader TIME_MICROS = (rs, i) -> toMicros(rs.getObject(i, LocalTime.class));
    static final ValueReader TIMESTAMP_TZ_MICROS = (rs, i) -> toMicros(rs.getObject(i, OffsetDateTime.class));

    /** The driver's text of a uniqueidentifier as a UUID with the same 32 hex digits in the same order. */
    static UUID uniqueIdentifier(String driverText) throws SQLDataException {
        if (driverText == null) {
            return null;
        }
        if (!UUID_TEXT.matcher(driverText).matches()) {
            throw new SQLDataException("uniqueidentifier value '" + driverText + "' is not in the 8-4-4-4-12 hex form");
        }
        return UUID.fromString(driverText);
    }

    /**
     * The 7th fractional digit dropped (truncated, not rounded): PostgreSQL would round it when it
     * parses the value, which turns 23:59:59.9999995 into the next day, or into 24:00:00 for a time.
     */
    static LocalDateTime toMicros(LocalDateTime t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }

    static LocalTime toMicros(LocalTime t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }

    static OffsetDateTime toMicros(OffsetDateTime t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Text that {@link #selectExpression} produced from a CLR type. Until the chunk SELECT uses
     * that expression the driver would hand over the type's serialized bytes, so the reader refuses
     * any column that does not arrive as text instead of storing those bytes as if they were text.
     */
    private static ValueReader convertedText(ColumnSpec column) {
        return new ValueReader() {
            private ResultSet checked;

            @Override
            public Object read(ResultSet rs, int index) throws SQLException {
                if (rs != checked) {
                    String arrived = rs.getMetaData().getColumnTypeName(index);
                    if (!isTextType(arrived)) {
                        throw new SQLDataException("Column " + column.name() + " is " + column.typeName()
                                + " and arrived as " + arrived + ", not as text: the SELECT must read it as "
                                + "SqlServerDialect.selectExpression gives it");
                    }
                    checked = rs;
                }
                return rs.getString(index);
            }
        };
    }

    /** Whether a result column type, as the driver names it, carries text. */
    static boolean isTextType(String driverTypeName) {
        String t = driverTypeName == null ? "" : driverTypeName.toLowerCase(Locale.ROOT);
        return t.endsWith("char") || t.equals("text") || t.equals("ntext");
    }

    /** The fractional second digits of time, datetime2 or datetimeoffset: from the type name, else the scale, else 7. */
    private static int declaredFraction(ColumnSpec column) {
        Matcher m = match(column.typeName());
        if (m != null && m.group(2) != null && !m.group(2).equalsIgnoreCase("max")) {
            return Integer.parseInt(m.group(2));
        }
        return column.scale() > 0 ? column.scale() : 7;
    }

    private static int floatPrecision(ColumnSpec column) {
        Matcher m = match(column.typeName());
        if (m != null && m.group(2) != null && !m.group(2).equalsIgnoreCase("max")) {
            return Integer.parseInt(m.group(2));
        }
        return column.size() > 0 ? column.size() : 53;
    }

    /** By SQL Server's type name; the table with the reasons is docs/TYPES-SQLSERVER.md. */
    @Override
    public String postgresType(ColumnSpec column) {
        Matcher m = match(column.typeName());
        if (m == null) {
            return PostgresTypes.fromJdbc(column);
        }
        String base = m.group(1).toLowerCase(Locale.ROOT);
        boolean max = "max".equalsIgnoreCase(m.group(2));
        int n = m.group(2) == null || max ? -1 : Integer.parseInt(m.group(2));
        int s = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        return switch (base) {
            case "bit" -> "boolean";
            case "tinyint", "smallint" -> "smallint";
            case "int" -> "integer";
            case "bigint" -> "bigint";
            case "decimal", "numeric" -> n > 0
                    ? PostgresTypes.numeric(n, Math.max(s, 0))
                    : PostgresTypes.numeric(column.size() > 0 ? column.size() : 18, column.size() > 0 ? column.scale() : 0);
            case "money" -> "numeric(19,4)";
            case "smallmoney" -> "numeric(10,4)";
            case "float" -> floatPrecision(column) <= 24 ? "real" : "double precision";
            case "real" -> "real";
            case "date" -> "date";
            case "time" -> "time(" + fraction(n, column) + ")";
            case "datetime" -> "timestamp(3)";
            case "datetime2" -> "timestamp(" + fraction(n, column) + ")";
            case "smalldatetime" -> "timestamp(0)";
            case "datetimeoffset" -> "timestamp(" + fraction(n, column) + ") with time zone";
            case "char", "nchar" -> PostgresTypes.sized("char", length(n, max, column));
            case "varchar", "nvarchar" -> max ? "text" : PostgresTypes.sized("varchar", length(n, false, column));
            case "text", "ntext", "sql_variant", "hierarchyid", "geometry", "geography" -> "text";
            case "binary", "varbinary", "image", "timestamp", "rowversion" -> "bytea";
            case "uniqueidentifier" -> "uuid";
            case "xml" -> "xml";
            case "json" -> "json";
            case "sysname" -> "varchar(128)";
            default -> PostgresTypes.fromJdbc(column);
        };
    }

    /** The declared fractional digits (7 when none is declared, SQL Server's default), at most PostgreSQL's 6. */
    private static int fraction(int declared, ColumnSpec column) {
        int digits = declared >= 0 ? declared : column.scale() > 0 ? column.scale() : 7;
        return Math.min(digits, POSTGRES_MAX_FRACTION);
    }

    /** The length in characters: from the type name, else the column size, else SQL Server's default of 1. */
    private static int length(int declared, boolean max, ColumnSpec column) {
        if (max) {
            return -1;
        }
        if (declared > 0) {
            return declared;
        }
        return column.size() > 0 ? column.size() : 1;
    }

    /**
     * SQL Server reports defaults in parentheses ({@code ((0))}, {@code (N'x')}, {@code (getdate())}):
     * national strings lose their N, 0 and 1 on a bit column become false and true, the rest goes
     * through the portable rules. Identity and computed columns get no default.
     */
    @Override
    public String postgresDefault(ColumnSpec column) {
        if (column.autoIncrement() || isComputed(column) || column.defaultValue() == null) {
            return null;
        }
        String d = column.defaultValue().trim();
        while (d.length() >= 2 && d.charAt(0) == '(' && d.charAt(d.length() - 1) == ')') {
            d = d.substring(1, d.length() - 1).trim();
        }
        Matcher national = NATIONAL_STRING.matcher(d);
        if (national.matches()) {
            d = national.group(1);
        }
        if ("bit".equals(baseType(column))) {
            if (d.equals("0")) {
                return "false";
            }
            if (d.equals("1")) {
                return "true";
            }
        }
        return Defaults.portable(d);
    }

    // ---- faults

    /** SQL Server's error numbers for failures that may pass; see {@link #TRANSIENT_ERRORS}. */
    @Override
    public Set<Integer> transientErrorCodes() {
        return TRANSIENT_ERRORS;
    }

    // ---- as a target (not yet covered: types stay PostgreSQL's)

    @Override
    public String createSchemaSql(String schema) {
        String create = "CREATE SCHEMA " + quote(schema);
        return "IF SCHEMA_ID(N'" + schema.replace("'", "''") + "') IS NULL EXEC(N'" + create.replace("'", "''") + "')";
    }

    @Override
    public LocalDateTime localNow(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SYSDATETIME()")) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class);
        }
    }

    /**
     * A rowversion column named as the watermark: the database-wide counter every insert and update
     * sets. MIN_ACTIVE_ROWVERSION() is the lowest value an open transaction may still commit, so
     * sync advances only below it.
     */
    @Override
    public Optional<SystemWatermark> systemWatermark(TableSpec table, String watermark) {
        return table.columns().stream()
                .filter(c -> c.name().equalsIgnoreCase(watermark))
                .filter(c -> c.typeName().equalsIgnoreCase("rowversion") || c.typeName().equalsIgnoreCase("timestamp"))
                .findFirst()
                .map(c -> new SystemWatermark("CAST(" + quote(c.name()) + " AS BIGINT)", "SELECT CAST(MIN_ACTIVE_ROWVERSION() AS BIGINT)"));
    }
}

package org.camelreplicator.stream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.dialect.sqlserver.SqlServerDialect;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * A SQL Server source: its change data capture (CDC) tables, read by Debezium's SQL Server connector. There is no slot:
 * SQL Server's capture job (a SQL Server Agent job) copies each change of a CDC-enabled table from the transaction log
 * into the table's change table, and the cleanup job deletes what is older than its retention. So "creating" the
 * stream records the database's CDC position of that moment ({@code sys.fn_cdc_get_max_lsn()}, the highest LSN the
 * capture job has processed) as the stream's first offset in the ledger; the first {@code stream} starts the connector
 * there (its schema read as it is then, {@code snapshot.mode=recovery}, no rows), later starts from the offset the last
 * apply recorded. The hand-off is convergent replay, as for MariaDB. The connector's schema history lives in the
 * ledger ({@link LedgerSchemaHistory}). Nothing here enables or disables CDC: that is the database owner's choice, and
 * the refusals say which statements to run.
 *
 * <p>None of the SQL below has run against a server here (there is none on the build machines); each statement was
 * checked against Microsoft's documentation of the function or procedure it calls.
 */
final class SqlServerStreamSource implements StreamSource {

    /** The offset key of the commit LSN in Debezium's SQL Server connector (SourceInfo.COMMIT_LSN_KEY). */
    static final String COMMIT_LSN = "commit_lsn";

    /** The JDBC URL's properties that the connector sets from its own fields, or the stream from its settings. */
    private static final Set<String> NOT_PASSED = Set.of("databasename", "database", "servername", "server", "portnumber", "port",
            "instancename", "user", "username", "password");

    private final StreamContext context;

    SqlServerStreamSource(StreamContext context) {
        this.context = context;
    }

    /** A capture instance of a streamed table, as sys.sp_cdc_help_change_data_capture lists it. */
    record CaptureInstance(String schema, String table, String name) {
    }

    @Override
    public void create(String name, List<StreamTable> tables) throws SQLException {
        byte[] now;
        String database;
        try (Connection c = context.databases().source().getConnection()) {
            checkCdc(c, tables);
            now = maxLsn(c);
            database = c.getCatalog();
        }
        StreamOffsets offsets = context.offsets();
        offsets.create();
        offsets.slotCreated(name, "cdc", OffsetDateTime.now(ZoneOffset.UTC), StreamOffsets.CONVERGENT);
        offsets.startAt(name, partition(name, database), startOffset(now));
        new LedgerSchemaHistory.Store(context.databases().target(), offsets.schema(), name).clear();
        CONSOLE.info("Stream {} starts at CDC position {} (sys.fn_cdc_get_max_lsn()) for {} table(s): {}. The stream replays every change"
                + " from here: run load now, then stream, before the CDC cleanup job removes the changes (its retention, 3 days by default:"
                + " EXEC sys.sp_cdc_help_jobs shows it).", name, lsnText(now), tables.size(),
                tables.stream().map(StreamTable::id).collect(Collectors.joining(", ")));
    }

    /** A CDC position is no snapshot the load's reads could share: the hand-off is convergent replay. */
    @Override
    public HandOff createForLoad(String name, List<StreamTable> tables) throws SQLException {
        create(name, tables);
        return HandOff.convergent(context.offsets(), name);
    }

    /**
     * The connector's source partition: its logical name (topic.prefix, the stream's name) and the database, as
     * SqlServerPartition keys it.
     */
    static Map<String, Object> partition(String name, String database) {
        Map<String, Object> partition = new LinkedHashMap<>();
        partition.put("server", name);
        partition.put("database", database);
        return partition;
    }

    /**
     * The connector's offset for a position with no change of it applied yet: the commit LSN and no change LSN, so the
     * connector reads from that commit LSN inclusive (without "snapshot_completed" it does not step past it) and skips
     * nothing after it. A transaction committed at exactly that LSN was committed before the position was recorded and is
     * replayed, which converges like every other replayed change.
     */
    static Map<String, Object> startOffset(byte[] lsn) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put(COMMIT_LSN, lsnText(lsn));
        return offset;
    }

    /**
     * An LSN's text as the connector writes it in its offsets (Debezium's Lsn.toString): the ten bytes of SQL Server's
     * binary(10) in lower-case hexadecimal, in groups of 4, 4 and 2 bytes: {@code 0000002b:00000358:0003}.
     */
    static String lsnText(byte[] lsn) {
        if (lsn == null || lsn.length != 10) {
            throw new IllegalArgumentException("A SQL Server LSN is binary(10), not " + (lsn == null ? "NULL" : lsn.length + " bytes"));
        }
        String hex = HexFormat.of().formatHex(lsn);
        return hex.substring(0, 8) + ":" + hex.substring(8, 16) + ":" + hex.substring(16);
    }

    /** The binary(10) of an LSN's text ({@link #lsnText}); the connector's "NULL" and null are null. */
    static byte[] lsnBytes(String text) {
        if (text == null || "NULL".equals(text)) {
            return null;
        }
        String hex = text.replace(":", "");
        if (!hex.matches("[0-9A-Fa-f]{20}")) {
            throw new IllegalArgumentException("Not a SQL Server LSN (20 hexadecimal digits, as 0000002b:00000358:0003): " + text);
        }
        return HexFormat.of().parseHex(hex);
    }

    /** The commit LSN an offset records, or null. */
    static byte[] commitLsn(Map<String, ?> offset) {
        return offset != null && offset.get(COMMIT_LSN) instanceof String s ? lsnBytes(s) : null;
    }

    /**
     * The changes since the ledger's position are all still in the change tables: CDC is enabled and no capture instance
     * of the database begins after the position (its cleanup removed them, or a table was enabled since). The tables are
     * checked one by one, with what to do, at start ({@link #checkStart}).
     */
    @Override
    public boolean keeps(String name, StreamOffsets.State state) throws SQLException {
        byte[] position = commitLsn(state.offset());
        if (position == null) {
            return false;
        }
        try (Connection c = context.databases().source().getConnection()) {
            if (!cdcEnabled(c)) {
                return false;
            }
            for (CaptureInstance instance : captureInstances(c)) {
                if (Arrays.compareUnsigned(minLsn(c, instance), position) > 0) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public String describe(String name, StreamOffsets.State state) {
        return "Stream " + name + " (CDC position recorded " + state.slotCreatedAt() + ", now at " + position(state.offset()) + ")";
    }

    /** Nothing on the server belongs to the stream; its ledger rows (offset, schema history) go. CDC stays as it is. */
    @Override
    public boolean drop(String name) throws SQLException {
        new LedgerSchemaHistory.Store(context.databases().target(), context.offsets().schema(), name).clear();
        return false;
    }

    @Override
    public String dropped(String name, boolean dropped) {
        return "Stream " + name + " forgotten: its CDC position and schema history are removed from the ledger. CDC stays enabled on the"
                + " source database and its tables (stream never enables or disables it): if nothing else reads the change tables, an"
                + " owner of the database can stop the capture with EXEC sys.sp_cdc_disable_table (per table) or EXEC sys.sp_cdc_disable_db.";
    }

    @Override
    public void checkStart(String name, StreamOffsets.State state, List<StreamTable> tables) throws SQLException {
        byte[] position = commitLsn(state.offset());
        if (position == null) {
            throw new InvalidSettingException("replicator.stream.slot", "The ledger's stream " + name + " has no SQL Server CDC position"
                    + " (its offset is " + state.offset() + "): it was created for another source. Run stream --drop-slot, then"
                    + " stream --create-slot, load --reset and stream.");
        }
        try (Connection c = context.databases().source().getConnection()) {
            Map<StreamTable, List<CaptureInstance>> instances = checkCdc(c, tables);
            checkAgent(c);
            for (Map.Entry<StreamTable, List<CaptureInstance>> e : instances.entrySet()) {
                // the oldest capture instance is the one the connector reads first (a second one exists while a table's new shape is captured)
                byte[] oldest = null;
                String instance = null;
                for (CaptureInstance i : e.getValue()) {
                    byte[] min = minLsn(c, i);
                    if (oldest == null || Arrays.compareUnsigned(min, oldest) < 0) {
                        oldest = min;
                        instance = i.name();
                    }
                }
                if (oldest != null && Arrays.compareUnsigned(oldest, position) > 0) {
                    throw new InvalidSettingException("replicator.stream.slot", "Table " + e.getKey().id() + ": its capture instance "
                            + instance + " holds changes from LSN " + lsnText(oldest) + " on (sys.fn_cdc_get_min_lsn), after the position"
                            + " stream " + name + " resumes from (" + lsnText(position) + "): the CDC cleanup job removed the changes in"
                            + " between (they were older than its retention), or the table was enabled for CDC after the position was"
                            + " recorded. Those changes are lost to the stream. Start over: stream --drop-slot, then load --reset --stream"
                            + " (or stream --create-slot, load --reset, stream). To keep changes longer, raise the cleanup job's retention"
                            + " on the source: EXEC sys.sp_cdc_change_job @job_type = N'cleanup', @retention = <minutes>.");
                }
            }
        }
    }

    /**
     * CDC enabled on the database, and a capture instance for each table (each refused with the statement that enables it);
     * each table's capture instances.
     */
    private Map<StreamTable, List<CaptureInstance>> checkCdc(Connection c, List<StreamTable> tables) throws SQLException {
        String database = c.getCatalog();
        if (!cdcEnabled(c)) {
            throw new InvalidSettingException("source.url", "Change data capture is not enabled on the source database " + database
                    + " (sys.databases.is_cdc_enabled = 0), so it keeps no changes to stream. A member of sysadmin enables it with"
                    + " EXEC sys.sp_cdc_enable_db in that database (" + enableDbStatement(database) + "), then enables each table (the"
                    + " start refuses each one without it, with its statement), then run stream --create-slot again.");
        }
        List<CaptureInstance> all = captureInstances(c);
        Map<StreamTable, List<CaptureInstance>> byTable = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (StreamTable t : tables) {
            List<CaptureInstance> mine = all.stream().filter(i -> i.schema().equals(t.plan().source().schema())
                    && i.table().equals(t.plan().source().name())).toList();
            if (mine.isEmpty()) {
                missing.add(enableTableStatement(t.plan().source().schema(), t.plan().source().name()));
            }
            byTable.put(t, mine);
        }
        if (!missing.isEmpty()) {
            List<String> names = tables.stream().filter(t -> byTable.get(t).isEmpty()).map(StreamTable::id).toList();
            throw new InvalidSettingException("replicator.tables", "Table(s) " + String.join(", ", names) + " of source database "
                    + database + " have no CDC capture instance (sys.sp_cdc_help_change_data_capture lists none the stream's user can"
                    + " read), so their changes are not captured. A member of db_owner enables each, in that database, with:\n  "
                    + String.join("\n  ", missing) + "\n(@role_name = NULL: no gating role; otherwise the stream's user must be in the"
                    + " role you name, and have SELECT on the captured columns). Then run stream --create-slot again: changes made before"
                    + " a table's capture began are not in its change table. Or leave the tables out (replicator.exclude).");
        }
        return byTable;
    }

    /** {@code EXEC sys.sp_cdc_enable_db} for a database, in it. */
    static String enableDbStatement(String database) {
        return "USE " + new SqlServerDialect().quote(database) + "; EXEC sys.sp_cdc_enable_db;";
    }

    /** {@code EXEC sys.sp_cdc_enable_table} for a table: its names as N'...' literals (a quote doubled). */
    static String enableTableStatement(String schema, String table) {
        return "EXEC sys.sp_cdc_enable_table @source_schema = " + nationalLiteral(schema) + ", @source_name = " + nationalLiteral(table)
                + ", @role_name = NULL;";
    }

    private static String nationalLiteral(String s) {
        return "N'" + s.replace("'", "''") + "'";
    }

    private static boolean cdcEnabled(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT is_cdc_enabled FROM sys.databases WHERE database_id = DB_ID()")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * The database's capture instances the user may read: sys.sp_cdc_help_change_data_capture without arguments lists them
     * for db_owner, and for other users those whose captured columns they can SELECT and whose gating role they are in,
     * which is exactly what the connector can read (it lists them the same way).
     */
    private static List<CaptureInstance> captureInstances(Connection c) throws SQLException {
        List<CaptureInstance> instances = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            boolean results = st.execute("EXEC sys.sp_cdc_help_change_data_capture");
            while (true) {
                if (results) {
                    try (ResultSet rs = st.getResultSet()) {
                        while (rs.next()) {
                            instances.add(new CaptureInstance(rs.getString("source_schema"), rs.getString("source_table"),
                                    rs.getString("capture_instance")));
                        }
                    }
                } else if (st.getUpdateCount() == -1) {
                    break;
                }
                results = st.getMoreResults();
            }
        }
        return instances;
    }

    /**
     * The oldest LSN a capture instance holds changes from (its low water mark, moved on by the cleanup job). The function
     * answers ten zero bytes for an instance that does not exist or that the user may not read; the instance was just
     * listed as readable.
     */
    private static byte[] minLsn(Connection c, CaptureInstance instance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sys.fn_cdc_get_min_lsn(?)")) {
            ps.setString(1, instance.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                byte[] lsn = rs.getBytes(1);
                return lsn == null ? new byte[10] : lsn;
            }
        }
    }

    /** The highest LSN the capture job has processed; refused while it has processed none. */
    private static byte[] maxLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT sys.fn_cdc_get_max_lsn()")) {
            byte[] lsn = rs.next() ? rs.getBytes(1) : null;
            if (lsn == null) {
                throw new InvalidSettingException("source.url", "The source database " + c.getCatalog() + " has no CDC position yet"
                        + " (sys.fn_cdc_get_max_lsn() is NULL): its capture job has not processed the log since CDC was enabled. Start"
                        + " SQL Server Agent (the capture job runs in it) and check the job with EXEC sys.sp_cdc_help_jobs, then run"
                        + " stream --create-slot again.");
            }
            return lsn;
        }
    }

    /**
     * The capture job runs in SQL Server Agent: a stopped Agent captures nothing, and the stream would wait without a word.
     * sys.dm_server_services (status 4: running, as Debezium reads it too) needs VIEW SERVER STATE; without it, or where it
     * lists no Agent, the start goes on and says it could not tell.
     */
    private static void checkAgent(Connection c) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT status, status_desc FROM sys.dm_server_services"
                + " WHERE servicename LIKE N'SQL Server Agent (%'")) {
            if (!rs.next()) {
                CONSOLE.warn("Cannot tell whether SQL Server Agent runs on the source (sys.dm_server_services lists no Agent service):"
                        + " the CDC capture job runs in it, and without it the stream sees no new changes.");
                return;
            }
            if (rs.getInt(1) != 4) {
                throw new InvalidSettingException("source.url", "SQL Server Agent is " + rs.getString(2) + " on the source"
                        + " (sys.dm_server_services): the CDC capture job runs in it, so no change reaches the change tables and the"
                        + " stream would wait for nothing. Start SQL Server Agent (and check the capture job with EXEC sys.sp_cdc_help_jobs),"
                        + " then run stream again.");
            }
        } catch (SQLException e) {
            CONSOLE.warn("Cannot tell whether SQL Server Agent runs on the source ({}; reading sys.dm_server_services needs VIEW SERVER"
                    + " STATE): the CDC capture job runs in it, and without it the stream sees no new changes.", e.getMessage());
        }
    }

    @Override
    public void warnAtStart(String name) {
        // the cleanup job removes changes by its own retention: nothing of ours holds the source's log
    }

    @Override
    public Properties connector(String name, List<StreamTable> tables, StreamOffsets.State state) throws SQLException {
        LedgerSchemaHistory.Store store = new LedgerSchemaHistory.Store(context.databases().target(), context.offsets().schema(), name);
        LedgerSchemaHistory.bind(name, store);
        return properties(context.property("source.url"), database(), name, tables.stream().map(t -> t.plan().source()).toList(),
                store.exists());
    }

    /** The database the source connection opens (the URL's databaseName, else the login's default). */
    private String database() throws SQLException {
        try (Connection c = context.databases().source().getConnection()) {
            return c.getCatalog();
        }
    }

    /**
     * The connector's properties for a source URL, its database, the stream's tables and whether the ledger has the stream's
     * schema history yet: what {@link #connector} adds to the engine's common properties (which it overrides where both set
     * one: table.include.list).
     */
    static Properties properties(String url, String database, String name, List<TableSpec> tables, boolean history) {
        Server server = Server.of(url);
        Properties p = new Properties();
        p.setProperty("connector.class", "io.debezium.connector.sqlserver.SqlServerConnector");
        p.setProperty("database.hostname", server.host());
        if (server.instance() != null) {
            p.setProperty("database.instance", server.instance());
        }
        if (server.port() != null) {
            p.setProperty("database.port", server.port());
        }
        p.setProperty("database.names", database);
        // the URL's other properties (encrypt, trustServerCertificate, ...) for the connector's own connections too
        server.properties().forEach((k, v) -> p.setProperty("driver." + k, v));
        p.setProperty("table.include.list", tables.stream().map(t -> tableRegex(t.schema(), t.name())).collect(Collectors.joining(",")));
        p.setProperty("schema.history.internal", LedgerSchemaHistory.class.getName());
        p.setProperty(LedgerSchemaHistory.STREAM, name);
        p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
        p.setProperty("include.schema.changes", "false");
        // The first start has the position create recorded and no schema history: the connector reads the tables' shapes
        // as they are (no rows) and streams from the offset; later starts recover the shapes from the ledger. That the
        // recovery snapshot keeps the recorded offset, rather than taking the current max LSN and skipping the changes since,
        // is Debezium 3.5's SqlServerSnapshotChangeEventSource.determineSnapshotOffset (read with javap): check it on an upgrade.
        p.setProperty("snapshot.mode", history ? "no_data" : "recovery");
        // reading the shapes takes no table lock (repeatable_read, the default, takes TABLOCKX on each table for it)
        p.setProperty("snapshot.isolation.mode", "read_committed");
        return p;
    }

    /**
     * A table for table.include.list, which the connector splits at commas (a backslash escapes one), trims, and matches
     * whole against schema.table, ignoring case: letters, digits and _ as they are, every other character as {@code \x{..}},
     * so brackets, dots, commas, spaces and quotes in a name match only themselves.
     */
    static String tableRegex(String schema, String table) {
        return literal(schema) + "\\." + literal(table);
    }

    private static String literal(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_')) {
                sb.appendCodePoint(cp);
            } else {
                sb.append("\\x{").append(Integer.toHexString(cp)).append('}');
            }
        });
        return sb.toString();
    }

    /**
     * The server part of an mssql-jdbc URL, {@code jdbc:sqlserver://[host][\instance][:port][;key=value...]} (a value may be
     * in braces, which may hold ;), and its other properties.
     */
    record Server(String host, String instance, String port, Map<String, String> properties) {

        static Server of(String url) {
            if (!url.startsWith("jdbc:sqlserver://")) {
                throw new InvalidSettingException("source.url", "A SQL Server source.url starts with jdbc:sqlserver:// (mssql-jdbc's"
                        + " form jdbc:sqlserver://host[\\instance][:port];databaseName=...), not " + url.replaceAll(";.*", ""));
            }
            String rest = url.substring("jdbc:sqlserver://".length());
            int semi = rest.indexOf(';');
            String address = semi < 0 ? rest : rest.substring(0, semi);
            Map<String, String> props = new LinkedHashMap<>();
            Map<String, String> named = new LinkedHashMap<>();
            if (semi >= 0) {
                for (String[] kv : pairs(rest.substring(semi + 1))) {
                    String key = kv[0].toLowerCase(Locale.ROOT);
                    if (NOT_PASSED.contains(key)) {
                        named.put(key, kv[1]);
                    } else {
                        props.put(kv[0], kv[1]);
                    }
                }
            }
            String host = address;
            String port = null;
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                port = host.substring(colon + 1);
                host = host.substring(0, colon);
            }
            String instance = null;
            int slash = host.indexOf('\\');
            if (slash >= 0) {
                instance = host.substring(slash + 1);
                host = host.substring(0, slash);
            }
            host = host.isEmpty() ? named.getOrDefault("servername", named.getOrDefault("server", "localhost")) : host;
            port = port != null ? port : named.getOrDefault("portnumber", named.get("port"));
            instance = instance != null ? instance : named.get("instancename");
            // a named instance without a port is found through the SQL Server Browser, as mssql-jdbc does
            return new Server(host, instance, port, props);
        }

        /** key=value pairs separated by ;, a value in braces taken whole (its }} is one }). */
        private static List<String[]> pairs(String s) {
            List<String[]> pairs = new ArrayList<>();
            int i = 0;
            while (i < s.length()) {
                int eq = s.indexOf('=', i);
                if (eq < 0) {
                    break;
                }
                String key = s.substring(i, eq).trim();
                int j = eq + 1;
                String value;
                if (j < s.length() && s.charAt(j) == '{') {
                    StringBuilder v = new StringBuilder();
                    j++;
                    while (j < s.length()) {
                        char ch = s.charAt(j);
                        if (ch == '}' && j + 1 < s.length() && s.charAt(j + 1) == '}') {
                            v.append('}');
                            j += 2;
                        } else if (ch == '}') {
                            j++;
                            break;
                        } else {
                            v.append(ch);
                            j++;
                        }
                    }
                    value = v.toString();
                    int next = s.indexOf(';', j);
                    j = next < 0 ? s.length() : next;
                } else {
                    int next = s.indexOf(';', j);
                    value = s.substring(j, next < 0 ? s.length() : next).trim();
                    j = next < 0 ? s.length() : next;
                }
                if (!key.isEmpty()) {
                    pairs.add(new String[] {key, value});
                }
                i = j + 1;
            }
            return pairs;
        }
    }

    @Override
    public Object position(Map<String, ?> offset) {
        return offset == null || offset.get(COMMIT_LSN) == null ? null : "commit LSN " + offset.get(COMMIT_LSN);
    }

    /**
     * The connector's offsets carry no time (commit and change LSN, event number, transaction); the applier then takes the
     * source commit time of the batch's last change from its event (source.ts_ms).
     */
    @Override
    public long sourceMillis(Map<String, ?> offset) {
        return -1;
    }

    /** The change tables' size in bytes says nothing about how far behind the stream is, and the log is not ours to read. */
    @Override
    public OptionalLong lagBytes(String name, Map<String, ?> applied) {
        return OptionalLong.empty();
    }

    /**
     * A key's text is compared as the column's declared type (CAST(? AS int), decimal(10,2), varchar(20): a seek on the
     * key's index, strings in the column's collation); types whose text does not find the row again are refused: binary
     * (the event's bytes), floating point, time (Debezium gives a number), datetime and smalldatetime (their text is read
     * by the session's DATEFORMAT, and datetime's 1/300 s ticks do not survive milliseconds), sql_variant and the CLR types.
     */
    @Override
    public String keyCast(String table, ColumnSpec column) {
        String base = SqlServerDialect.baseType(column);
        String declared = SqlServerDialect.declaredType(column);
        if (base != null) {
            switch (base) {
                case "tinyint", "smallint", "int", "bigint", "bit", "decimal", "numeric", "money", "smallmoney", "date", "datetime2",
                        "datetimeoffset", "char", "varchar", "nchar", "nvarchar", "uniqueidentifier", "sysname" -> {
                    return declared;
                }
                default -> {
                    // refused below
                }
            }
        }
        throw new InvalidSettingException("replicator.tables", "Table " + table + " has key column " + column.name() + " of type "
                + column.typeName() + ", which stream cannot find again by the text of a change's key (binary, floating point, time,"
                + " datetime, smalldatetime, sql_variant and CLR-typed keys are not streamed from SQL Server). Leave the table out"
                + " (replicator.exclude) and keep it in step with sync.");
    }
}

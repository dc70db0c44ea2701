package org.camelreplicator.stream;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.config.InvalidSettingException;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * A MariaDB source: its binlog in row format, read by Debezium's MariaDB connector. There is no slot: the
 * server keeps its binlog files by its own rule (binlog_expire_logs_seconds), so "creating" the stream
 * records the binlog position of that moment (file, position and GTID position) as the stream's first
 * offset in the ledger; the first {@code stream} starts the connector there (its schema read as it is
 * then, {@code snapshot.mode=recovery}, no rows), and every later start from the offset the last
 * apply recorded. The connector's schema history (the tables' shapes it decodes rows with) lives in the
 * ledger too ({@link LedgerSchemaHistory}).
 */
final class MariaDbStreamSource implements StreamSource {

    /** A binlog position: the file, the byte in it, and the server's GTID position then (empty when it has none). */
    record Position(String file, long pos, String gtids) {
    }

    private final StreamContext context;

    MariaDbStreamSource(StreamContext context) {
        this.context = context;
    }

    @Override
    public void create(String name, List<StreamTable> tables) throws SQLException {
        Position now;
        try (Connection c = context.databases().source().getConnection()) {
            checkServer(c);
            now = position(c);
        }
        StreamOffsets offsets = context.offsets();
        offsets.create();
        offsets.slotCreated(name, "binlog", OffsetDateTime.now(ZoneOffset.UTC), StreamOffsets.CONVERGENT);
        offsets.startAt(name, Map.of("server", name), offset(now));
        new LedgerSchemaHistory.Store(context.databases().target(), offsets.schema(), name).clear();
        CONSOLE.info("Stream {} starts at binlog position {}:{}{} for {} table(s): {}. The stream replays every change from here:"
                + " run load now, then stream (before the server purges {}: see binlog_expire_logs_seconds).", name, now.file(), now.pos(),
                now.gtids().isEmpty() ? "" : " (GTID " + now.gtids() + ")", tables.size(),
                tables.stream().map(StreamTable::id).collect(Collectors.joining(", ")), now.file());
    }

    /** A binlog position is no snapshot the load's reads could share: the hand-off is convergent replay. */
    @Override
    public HandOff createForLoad(String name, List<StreamTable> tables) throws SQLException {
        create(name, tables);
        return HandOff.convergent(context.offsets(), name);
    }

    /** The connector's offset for a position with no event of it applied yet. */
    private static Map<String, Object> offset(Position p) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("file", p.file());
        offset.put("pos", p.pos());
        if (!p.gtids().isEmpty()) {
            offset.put("gtids", p.gtids());
        }
        return offset;
    }

    @Override
    public boolean keeps(String name, StreamOffsets.State state) throws SQLException {
        if (state.offset() == null || !(state.offset().get("file") instanceof String file)) {
            return false;
        }
        try (Connection c = context.databases().source().getConnection()) {
            return binaryLogs(c).containsKey(file);
        }
    }

    @Override
    public String describe(String name, StreamOffsets.State state) {
        return "Stream " + name + " (binlog position recorded " + state.slotCreatedAt() + ", now at " + position(state.offset()) + ")";
    }

    /** Nothing on the server belongs to the stream; its ledger rows (offset, schema history) go. */
    @Override
    public boolean drop(String name) throws SQLException {
        new LedgerSchemaHistory.Store(context.databases().target(), context.offsets().schema(), name).clear();
        return false;
    }

    @Override
    public String dropped(String name, boolean dropped) {
        return "Stream " + name + " forgotten: its binlog position and schema history are removed from the ledger (a MariaDB"
                + " server keeps nothing for it).";
    }

    @Override
    public void checkStart(String name, StreamOffsets.State state, List<StreamTable> tables) throws SQLException {
        try (Connection c = context.databases().source().getConnection()) {
            checkServer(c);
            Object file = state.offset() == null ? null : state.offset().get("file");
            Map<String, Long> logs = binaryLogs(c);
            if (!(file instanceof String f) || !logs.containsKey(f)) {
                throw new InvalidSettingException("replicator.stream.slot", "The binlog file " + file + " that stream " + name
                        + " resumes from is no longer on the source (it has " + (logs.isEmpty() ? "none" : String.join(", ", logs.keySet()))
                        + "): the server purged it, so the changes made since are lost. Start over: stream --drop-slot, then load --reset"
                        + " --stream (or stream --create-slot, load --reset, stream). To keep binlogs longer, raise binlog_expire_logs_seconds"
                        + " on the source.");
            }
        }
    }

    /** The binlog settings a row-based stream needs, each refused with the variable and what to set. */
    static void checkServer(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            if (!rs.getString(1).toLowerCase(Locale.ROOT).contains("mariadb")) {
                throw new InvalidSettingException("source.url", "The source is MySQL " + rs.getString(1) + ": stream reads MariaDB"
                        + " binlogs only (Debezium's MariaDB connector); MySQL servers are not covered yet. Use sync for this source.");
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format, @@GLOBAL.binlog_row_image")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new InvalidSettingException("source.url", "The MariaDB source has log_bin=OFF: it writes no binlog, so there are"
                        + " no changes to stream. Start the server with log_bin (log-bin=mysql-bin, binlog_format=ROW,"
                        + " binlog_row_image=FULL and a server_id in its configuration), then run stream --create-slot.");
            }
            if (!"ROW".equalsIgnoreCase(rs.getString(2))) {
                throw new InvalidSettingException("source.url", "The MariaDB source has binlog_format=" + rs.getString(2)
                        + ": a stream reads row changes, which only binlog_format=ROW writes. Set binlog_format=ROW in the server's"
                        + " configuration (or SET GLOBAL binlog_format='ROW'; sessions opened before keep the old format), then run"
                        + " stream --create-slot.");
            }
            if (!"FULL".equalsIgnoreCase(rs.getString(3))) {
                throw new InvalidSettingException("source.url", "The MariaDB source has binlog_row_image=" + rs.getString(3)
                        + ": a change then carries only some columns of the row. Set binlog_row_image=FULL in the server's"
                        + " configuration (or SET GLOBAL binlog_row_image='FULL'), then run stream --create-slot.");
            }
        }
    }

    /** The server's binlog position now. */
    private static Position position(Connection c) throws SQLException {
        String file;
        long pos;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new InvalidSettingException("source.url", "The MariaDB source shows no binlog position (SHOW MASTER STATUS is empty):"
                        + " start it with log_bin, or grant the stream's user REPLICATION CLIENT (BINLOG MONITOR).");
            }
            file = rs.getString(1);
            pos = rs.getLong(2);
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos")) {
            rs.next();
            return new Position(file, pos, rs.getString(1) == null ? "" : rs.getString(1));
        }
    }

    /** SHOW BINARY LOGS: each file on the server and its size, oldest first. */
    private static Map<String, Long> binaryLogs(Connection c) throws SQLException {
        Map<String, Long> logs = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                logs.put(rs.getString(1), rs.getLong(2));
            }
        }
        return logs;
    }

    @Override
    public void warnAtStart(String name) {
        // the server purges its binlog by its own rule: nothing of ours to find
    }

    @Override
    public Properties connector(String name, List<StreamTable> tables, StreamOffsets.State state) throws SQLException {
        URI uri = URI.create(context.property("source.url").substring("jdbc:".length()).split("\\?")[0]);
        String database;
        try (Connection c = context.databases().source().getConnection()) {
            database = c.getCatalog();
        }
        Properties p = new Properties();
        p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("database.hostname", uri.getHost() == null ? "localhost" : uri.getHost());
        p.setProperty("database.port", String.valueOf(uri.getPort() < 0 ? 3306 : uri.getPort()));
        // the replica id the connector registers with; stable per stream, and away from the small ids servers usually have
        p.setProperty("database.server.id", String.valueOf(100_000 + Math.floorMod(name.hashCode(), 1_000_000_000)));
        p.setProperty("database.include.list", Pattern.quote(database));
        p.setProperty("schema.history.internal", LedgerSchemaHistory.class.getName());
        p.setProperty(LedgerSchemaHistory.STREAM, name);
        p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
        p.setProperty("include.schema.changes", "false");
        // The first start has the position create recorded and no schema history: the connector reads the tables' shapes
        // as they are (no rows) and streams from the offset; later starts recover the shapes from the ledger.
        LedgerSchemaHistory.Store store = new LedgerSchemaHistory.Store(context.databases().target(), context.offsets().schema(), name);
        LedgerSchemaHistory.bind(name, store);
        boolean history = store.exists();
        p.setProperty("snapshot.mode", history ? "no_data" : "recovery");
        // reading the definitions takes no global read lock: that needs RELOAD, which the documented grants leave out,
        // and blocks the source's writers; the definitions are those of the tables the load just read
        p.setProperty("snapshot.locking.mode", "none");
        // how often the binlog client looks for a lost connection and restores it: a restarted source went unread for two
        // minutes at the default 60 s (StreamMariaDbTest); the same 10 s as the connector's retries
        p.setProperty("connect.keep.alive.interval.ms", "10000");
        // keys read back by text: BIGINT UNSIGNED above 2^63 must not wrap
        p.setProperty("bigint.unsigned.handling.mode", "precise");
        // the JDBC URL's sslMode (disable, trust, verify-ca, verify-full: the same names) for the binlog connection too
        var ssl = Pattern.compile("[?&]sslMode=([^&]+)").matcher(context.property("source.url"));
        if (ssl.find()) {
            p.setProperty("database.ssl.mode", ssl.group(1));
        }
        return p;
    }

    @Override
    public Object position(Map<String, ?> offset) {
        return offset == null || offset.get("file") == null ? null : "binlog " + offset.get("file") + ":" + offset.get("pos");
    }

    /** The binlog connector's ts_sec: the event's time on the server, to the second. */
    @Override
    public long sourceMillis(Map<String, ?> offset) {
        return offset != null && offset.get("ts_sec") instanceof Number s && s.longValue() > 0 ? s.longValue() * 1000 : -1;
    }

    /** Binlog bytes after the applied position: the rest of its file and every later file, by SHOW BINARY LOGS. */
    @Override
    public OptionalLong lagBytes(String name, Map<String, ?> applied) {
        Map<String, ?> offset = applied;
        try {
            if (offset == null) {
                offset = context.offsets().read(name).map(StreamOffsets.State::offset).orElse(null);
            }
            if (offset == null || !(offset.get("file") instanceof String file) || !(offset.get("pos") instanceof Number pos)) {
                return OptionalLong.empty();
            }
            try (Connection c = context.databases().source().getConnection()) {
                long behind = 0;
                boolean after = false;
                for (Map.Entry<String, Long> log : binaryLogs(c).entrySet()) {
                    if (log.getKey().equals(file)) {
                        after = true;
                        behind += Math.max(0, log.getValue() - pos.longValue());
                    } else if (after) {
                        behind += log.getValue();
                    }
                }
                return after ? OptionalLong.of(behind) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(MariaDbStreamSource.class).debug("stream {}: cannot read the source's binlog position: {}",
                    name, e.getMessage());
            return OptionalLong.empty();
        }
    }

    /**
     * A key's text is compared as the column's type (CAST ... AS SIGNED, DECIMAL(p,s), DATETIME(n)), strings as they are; a
     * binary or floating key has no text form that finds its row again, so it is refused.
     */
    @Override
    public String keyCast(String table, ColumnSpec column) {
        String type = column.typeName().toLowerCase(Locale.ROOT).trim();
        String base = type.replaceAll("[( ].*", "");
        return switch (base) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year" -> type.contains("unsigned") ? "UNSIGNED" : "SIGNED";
            case "decimal", "numeric" -> type.replace("unsigned", "").replace("zerofill", "").trim().toUpperCase(Locale.ROOT);
            case "date" -> "DATE";
            case "datetime" -> type.contains("(") ? "DATETIME" + type.substring(type.indexOf('(')) : "DATETIME";
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set" -> null;
            default -> throw new InvalidSettingException("replicator.tables", "Table " + table + " has key column " + column.name()
                    + " of type " + column.typeName() + ", which stream cannot find again by the text of a change's key (binary,"
                    + " floating point, TIMESTAMP, TIME and BIT keys are not streamed from MariaDB). Leave the table out (replicator.exclude)"
                    + " and keep it in step with sync.");
        };
    }
}

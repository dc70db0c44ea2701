package org.camelreplicator.stream;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.config.InvalidSettingException;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/** A PostgreSQL source: pgoutput through a logical replication slot and a publication of the same name. */
final class PostgresStreamSource implements StreamSource {

    private final StreamContext context;

    PostgresStreamSource(StreamContext context) {
        this.context = context;
    }

    /** The publication for the run's tables, then the slot (convergent replay: the load that follows reads current rows). */
    @Override
    public void create(String slot, List<StreamTable> tables) throws SQLException {
        StreamOffsets offsets = context.offsets();
        publish(slot, tables);
        try (Connection c = context.databases().source().getConnection()) {
            c.setAutoCommit(true);
            // after the publication, so that every change the slot holds is published
            try (PreparedStatement ps = c.prepareStatement("SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    offsets.create();
                    offsets.slotCreated(slot, slot, OffsetDateTime.now(ZoneOffset.UTC), StreamOffsets.CONVERGENT);
                    CONSOLE.info("Replication slot {} created at {} with publication {} for {} table(s): {}. The source keeps its changes"
                            + " from now on: run load now, then stream. The hand-off is convergent replay (a snapshot cannot outlive"
                            + " this command; load --stream instead gives an exact one).", slot, rs.getString(1), slot, tables.size(),
                            tables.stream().map(StreamTable::id).collect(Collectors.joining(", ")));
                }
            }
        }
    }

    /** The publication, then the slot on a replication connection whose exported snapshot the load reads under (exact). */
    @Override
    public HandOff createForLoad(String slot, List<StreamTable> tables) throws SQLException {
        StreamOffsets offsets = context.offsets();
        publish(slot, tables);
        HandOff handOff = HandOff.exporting(org.camelreplicator.config.JdbcUrls.forDriver("source.url", context.property("source.url")),
                context.property("source.username"), context.property("source.password"), slot, offsets,
                context.databases().sourceSnapshot());
        try {
            offsets.create();
            offsets.slotCreated(slot, slot, OffsetDateTime.now(ZoneOffset.UTC), StreamOffsets.SNAPSHOT);
        } catch (SQLException | RuntimeException e) {
            handOff.close();
            throw e;
        }
        CONSOLE.info("Replication slot {} created at {} with publication {} for {} table(s): {}. The load reads every table under the"
                + " slot's exported snapshot {}, and the stream starts where the load's rows end (exact hand-off).", slot,
                handOff.consistentPoint(), slot, tables.size(), tables.stream().map(StreamTable::id).collect(Collectors.joining(", ")),
                handOff.snapshotId());
        return handOff;
    }

    /** The publication for the run's tables (created, or set to them), refused when the slot exists already. */
    private void publish(String slot, List<StreamTable> tables) throws SQLException {
        try (Connection c = context.databases().source().getConnection()) {
            c.setAutoCommit(true);
            if (slotExists(c, slot)) {
                throw new InvalidSettingException("replicator.stream.slot", "The source has a replication slot " + slot + " already."
                        + " Run stream to read from it, or stream --drop-slot first to start over (its unread changes are lost).");
            }
            String list = tables.stream().map(t -> context.databases().sourceDialect().qualified(t.plan().source().schema(),
                    t.plan().source().name())).collect(Collectors.joining(", "));
            try (Statement st = c.createStatement()) {
                if (publicationExists(c, slot)) {
                    st.execute("ALTER PUBLICATION " + slot + " SET TABLE " + list);
                } else {
                    st.execute("CREATE PUBLICATION " + slot + " FOR TABLE " + list);
                }
            }
        }
    }

    @Override
    public boolean keeps(String slot, StreamOffsets.State state) throws SQLException {
        try (Connection c = context.databases().source().getConnection()) {
            return slotExists(c, slot);
        }
    }

    @Override
    public String describe(String slot, StreamOffsets.State state) {
        return "Replication slot " + slot + " (created " + state.slotCreatedAt() + ")";
    }

    @Override
    public boolean drop(String slot) throws SQLException {
        boolean dropped = false;
        try (Connection c = context.databases().source().getConnection()) {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                if (slotExists(c, slot)) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                        ps.setString(1, slot);
                        ps.execute();
                    }
                    dropped = true;
                }
                if (publicationExists(c, slot)) {
                    st.execute("DROP PUBLICATION " + slot);
                    dropped = true;
                }
            }
        }
        return dropped;
    }

    @Override
    public String dropped(String slot, boolean dropped) {
        return dropped ? "Replication slot and publication " + slot + " dropped; the source no longer keeps changes for it."
                : "There is no replication slot or publication " + slot + " on the source; nothing to drop.";
    }

    @Override
    public void checkStart(String slot, StreamOffsets.State state, List<StreamTable> tables) throws SQLException {
        try (Connection c = context.databases().source().getConnection()) {
            if (!slotExists(c, slot)) {
                throw new InvalidSettingException("replicator.stream.slot", "The source has no replication slot " + slot + " (dropped?)."
                        + " Its changes are lost: run stream --drop-slot, stream --create-slot, then load --reset, then stream.");
            }
            Set<String> published = publishedTables(c, slot);
            List<String> missing = tables.stream().map(StreamTable::eventName).filter(t -> !published.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new InvalidSettingException("replicator.tables", "Table(s) " + missing + " are not in publication " + slot
                        + ", which holds the tables of stream --create-slot: their changes are not in the slot. Stream the tables the"
                        + " slot was created for, or drop the slot (stream --drop-slot) and create it again, then load those tables.");
            }
        }
    }

    /**
     * A slot of ours (camel_replicator_*, or one a ledger row names) that nobody reads keeps the source's WAL until its disk
     * fills: at start, each other inactive one holding more than replicator.stream.max-slot-wal-mb is named with what to do.
     */
    @Override
    public void warnAtStart(String reading) throws SQLException {
        long maxSlotWalMb = context.stream().maxSlotWalMb();
        if (maxSlotWalMb <= 0) {
            return;
        }
        List<String> recorded = context.offsets().slots();
        try (Connection c = context.databases().source().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT slot_name, database, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE NOT active AND slot_name <> ? AND restart_lsn IS NOT NULL"
                     + " AND (slot_name LIKE 'camel\\_replicator\\_%' OR slot_name = ANY (?))"
                     + " AND pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) > ? ORDER BY 3 DESC")) {
            ps.setString(1, reading);
            ps.setArray(2, c.createArrayOf("text", recorded.toArray()));
            ps.setLong(3, maxSlotWalMb * 1024 * 1024);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    CONSOLE.warn("Replication slot {} (database {}) is inactive and holds {} MB of the source's WAL (more than"
                            + " replicator.stream.max-slot-wal-mb={}): a slot nobody reads keeps the WAL until the source's disk is full."
                            + " If nothing streams from it any more, drop it: stream --drop-slot --replicator.stream.slot={} from the"
                            + " replicator that created it (also its publication and ledger row), or SELECT pg_drop_replication_slot('{}')"
                            + " on the source.", name, rs.getString(2), rs.getLong(3) / (1024 * 1024), maxSlotWalMb, name, name);
                }
            }
        }
    }

    @Override
    public Properties connector(String slot, List<StreamTable> tables, StreamOffsets.State state) {
        String url = context.property("source.url");
        URI uri = URI.create(url.substring("jdbc:".length()).split("\\?")[0]);
        Properties p = new Properties();
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("database.hostname", uri.getHost() == null ? "localhost" : uri.getHost());
        p.setProperty("database.port", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()));
        p.setProperty("database.dbname", uri.getPath().substring(1));
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", slot);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("slot.drop.on.stop", "false");
        // An idle stream must still confirm the source's position, else the slot holds the WAL that other tables and
        // databases write, and a fast shutdown of the source waits (up to wal_sender_timeout) for the stream to confirm
        // the shutdown checkpoint. The connector confirms the commit LSN of the last change it applied; pgjdbc confirms a
        // keepalive's position itself (connector_and_driver) only when the last message it received is confirmed, which
        // after a change it did not (StreamSourceRestartTest saw the slot stay at the last change's commit while the
        // walsender had sent more). A heartbeat's message is confirmed: the heartbeat writes one (not transactional, no
        // table), the applier records its offset like a batch's, and the driver then confirms the keepalives after it.
        p.setProperty("lsn.flush.mode", "connector_and_driver");
        p.setProperty("heartbeat.action.query", "SELECT pg_logical_emit_message(false, 'camel_replicator', 'heartbeat')");
        p.setProperty("include.unknown.datatypes", "true");
        return p;
    }

    @Override
    public Object position(Map<String, ?> offset) {
        return offset == null || offset.get("lsn") == null ? null : "LSN " + offset.get("lsn");
    }

    /** The PostgreSQL connector's ts_usec. */
    @Override
    public long sourceMillis(Map<String, ?> offset) {
        return offset != null && offset.get("ts_usec") instanceof Number micros ? micros.longValue() / 1000 : -1;
    }

    /** The source's WAL after the position applied (the ledger's, before this process applied one: the slot's confirmed). */
    @Override
    public OptionalLong lagBytes(String slot, Map<String, ?> applied) {
        Object appliedLsn = applied == null ? null : applied.get("lsn");
        try (Connection c = context.databases().source().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), COALESCE(CAST(? AS pg_lsn),"
                     + " (SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = ?)))::bigint")) {
            ps.setString(1, appliedLsn instanceof Number n ? lsnText(n.longValue()) : null);
            ps.setString(2, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(Math.max(0, rs.getLong(1))) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            // the source is away: the engine and the applier wait for it, and the lag in seconds grows meanwhile
            org.slf4j.LoggerFactory.getLogger(PostgresStreamSource.class).debug("stream {}: cannot read the source's WAL position: {}",
                    slot, e.getMessage());
            return OptionalLong.empty();
        }
    }

    @Override
    public String keyCast(String table, ColumnSpec column) {
        return column.typeName();
    }

    /** PostgreSQL's text form of an LSN (pg_lsn): the high and low 32 bits in hexadecimal. */
    static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    private static boolean slotExists(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean publicationExists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Set<String> publishedTables(Connection c, String name) throws SQLException {
        Set<String> tables = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }
}

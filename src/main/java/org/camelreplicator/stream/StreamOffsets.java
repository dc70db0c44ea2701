package org.camelreplicator.stream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The stream's row in the ledger ({@code replicator.stream_offsets}): the slot and publication it
 * created, when, the connector's last applied offset (its source partition and offset, as JSON), and a
 * stop request. The offset is written only by {@link #saveOffset} inside the transaction that applies
 * the changes up to it, so the target's rows and the position the stream resumes from never disagree.
 */
public final class StreamOffsets {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource target;
    private final String table;

    public StreamOffsets(DataSource target, String ledgerSchema) {
        this.target = target;
        this.table = ledgerSchema + ".stream_offsets";
        this.schema = ledgerSchema;
    }

    private final String schema;

    /** A stream's recorded state. */
    public record State(String slot, String publication, OffsetDateTime slotCreatedAt, Map<String, Object> partition,
                        Map<String, Object> offset, long changesApplied, OffsetDateTime appliedAt, OffsetDateTime stopRequestedAt,
                        String handOff) {
    }

    /**
     * The guarantee of the hand-off from the load to the stream (column hand_off): {@value #EXACT} when every table of the
     * load was read under the snapshot exported with the slot, {@value #CONVERGENT} when the load read current rows (stream
     * --create-slot then load, a resumed load, a slot that existed before the load), {@value #SNAPSHOT} while a load --stream
     * reads under the snapshot and has not finished.
     */
    public static final String EXACT = "exact";
    public static final String CONVERGENT = "convergent";
    public static final String SNAPSHOT = "snapshot";

    public void create() throws SQLException {
        try (Connection c = target.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            st.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "slot_name varchar(63) PRIMARY KEY, "
                    + "publication varchar(63) NOT NULL, "
                    + "slot_created_at timestamp with time zone, "
                    + "source_partition text, "
                    + "source_offset text, "
                    + "changes_applied bigint NOT NULL DEFAULT 0, "
                    + "applied_at timestamp with time zone, "
                    + "stop_requested_at timestamp with time zone)");
            // a ledger made before the column (read through to_jsonb, so an older table reads as null)
            st.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS hand_off varchar(16)");
        }
    }

    public Optional<State> read(String slot) throws SQLException {
        try (Connection c = target.getConnection()) {
            return read(c, slot);
        }
    }

    Optional<State> read(Connection c, String slot) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT publication, slot_created_at, source_partition, source_offset,"
                + " changes_applied, applied_at, stop_requested_at, to_jsonb(o) ->> 'hand_off' FROM " + table + " o WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new State(slot, rs.getString(1), rs.getObject(2, OffsetDateTime.class), map(rs.getString(3)),
                        map(rs.getString(4)), rs.getLong(5), rs.getObject(6, OffsetDateTime.class), rs.getObject(7, OffsetDateTime.class),
                        rs.getString(8)));
            }
        }
    }

    private boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The slot and publication were created (now): a new stream, with no offset yet. */
    public void slotCreated(String slot, String publication, OffsetDateTime at, String handOff) throws SQLException {
        try (Connection c = target.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (slot_name, publication, slot_created_at, hand_off)"
                     + " VALUES (?, ?, ?, ?) ON CONFLICT (slot_name) DO UPDATE SET publication = EXCLUDED.publication,"
                     + " slot_created_at = EXCLUDED.slot_created_at, hand_off = EXCLUDED.hand_off,"
                     + " source_partition = NULL, source_offset = NULL, changes_applied = 0, applied_at = NULL, stop_requested_at = NULL")) {
            ps.setString(1, slot);
            ps.setString(2, publication);
            ps.setObject(3, at);
            ps.setString(4, handOff);
            ps.executeUpdate();
        }
    }

    /** Records which guarantee the hand-off from the load got ({@link #EXACT}, {@link #CONVERGENT}). */
    public void handOff(String slot, String handOff) throws SQLException {
        try (Connection c = target.getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS hand_off varchar(16)");
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET hand_off = ? WHERE slot_name = ?")) {
                ps.setString(1, handOff);
                ps.setString(2, slot);
                ps.executeUpdate();
            }
        }
    }

    /**
     * The offset a new stream starts from when the source has no slot to keep it (a MariaDB binlog position): recorded as if
     * applied, without changes and without applied_at, so the first start is still known as the first.
     */
    public void startAt(String slot, Map<String, ?> partition, Map<String, ?> offset) throws SQLException {
        try (Connection c = target.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET source_partition = ?, source_offset = ? WHERE slot_name = ?")) {
            ps.setString(1, json(partition));
            ps.setString(2, json(offset));
            ps.setString(3, slot);
            ps.executeUpdate();
        }
    }

    /** The ledger's schema. */
    String schema() {
        return schema;
    }

    /** Records the offset the applied changes reach, in the caller's (the apply's) transaction. */
    void saveOffset(Connection tx, String slot, Map<String, ?> partition, Map<String, ?> offset, long changes) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE " + table + " SET source_partition = ?, source_offset = ?,"
                + " changes_applied = changes_applied + ?, applied_at = ? WHERE slot_name = ?")) {
            ps.setString(1, json(partition));
            ps.setString(2, json(offset));
            ps.setLong(3, changes);
            ps.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(5, slot);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("The ledger has no stream " + slot + " (" + table + "): it was dropped while the stream ran");
            }
        }
    }

    /** Asks a running stream to stop (stream --stop): it finishes the batch it applies and ends. */
    public boolean requestStop(String slot) throws SQLException {
        try (Connection c = target.getConnection()) {
            if (!exists(c)) {
                return false;
            }
            // the target's clock, as the stream's start is taken (clearStop): processes on other machines agree on it
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET stop_requested_at = now() WHERE slot_name = ?")) {
                ps.setString(1, slot);
                return ps.executeUpdate() == 1;
            }
        }
    }

    /** The target's clock now: when a stream's process began, for {@link #clearStop}. */
    public OffsetDateTime now() throws SQLException {
        try (Connection c = target.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    /**
     * A stream starts: a stop requested before its process began (by the target's clock) is over; one requested since (while
     * load --stream was loading, say) stands, and the stream ends at once.
     */
    public void clearStop(String slot, OffsetDateTime began) throws SQLException {
        try (Connection c = target.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET stop_requested_at = NULL WHERE slot_name = ?"
                     + " AND stop_requested_at < ?")) {
            ps.setString(1, slot);
            ps.setObject(2, began);
            ps.executeUpdate();
        }
    }

    public boolean stopRequested(String slot) throws SQLException {
        try (Connection c = target.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT stop_requested_at IS NOT NULL FROM " + table + " WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Every slot the ledger has a stream row for. */
    public java.util.List<String> slots() throws SQLException {
        java.util.List<String> slots = new java.util.ArrayList<>();
        try (Connection c = target.getConnection()) {
            if (exists(c)) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT slot_name FROM " + table)) {
                    while (rs.next()) {
                        slots.add(rs.getString(1));
                    }
                }
            }
        }
        return slots;
    }

    public void delete(String slot) throws SQLException {
        try (Connection c = target.getConnection()) {
            if (exists(c)) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE slot_name = ?")) {
                    ps.setString(1, slot);
                    ps.executeUpdate();
                }
            }
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write the stream offset as JSON: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> map(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The ledger's stream offset is not JSON: " + json, e);
        }
    }
}

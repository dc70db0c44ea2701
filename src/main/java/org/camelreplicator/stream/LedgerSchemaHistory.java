package org.camelreplicator.stream;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.debezium.config.Configuration;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;

/**
 * The MariaDB and SQL Server connectors' schema history (the table shapes they have seen, which they decode rows with) in the
 * target's ledger, {@code replicator.stream_schema_history}, one row per record in the order written,
 * instead of a local file: a stream moved to another machine, or started again after its disk was lost,
 * finds its tables' shapes where it finds its offset. Records are written as the connector sees DDL
 * (autocommit): the history only grows, and each record carries the position (binlog, LSN) it belongs to, which
 * the connector compares with the offset when it recovers.
 *
 * <p>The connector creates the history by its class name; {@link MariaDbStreamSource} or {@link SqlServerStreamSource}
 * binds, by the key {@value #STREAM}, the ledger it writes to.
 */
public final class LedgerSchemaHistory extends AbstractSchemaHistory {

    /** The engine property naming the stream whose history this is. */
    public static final String STREAM = "schema.history.internal.replicator.stream";

    private static final Map<String, Store> BOUND = new ConcurrentHashMap<>();

    private Store store;

    static void bind(String stream, Store store) {
        BOUND.put(stream, store);
    }

    @Override
    public void configure(Configuration config, HistoryRecordComparator comparator, SchemaHistoryListener listener, boolean useCatalogBeforeSchema) {
        super.configure(config, comparator, listener, useCatalogBeforeSchema);
        String stream = config.getString(STREAM, config.getString(STREAM.substring("schema.history.internal.".length())));
        store = stream == null ? null : BOUND.get(stream);
        if (store == null) {
            throw new IllegalStateException("The ledger schema history was started without a bound stream (" + STREAM + "=" + stream + ")");
        }
    }

    @Override
    protected void storeRecord(HistoryRecord record) throws SchemaHistoryException {
        try {
            store.append(DocumentWriter.defaultWriter().write(record.document()));
        } catch (IOException | SQLException e) {
            throw new SchemaHistoryException("Cannot write the stream's schema history to the target's ledger: " + e.getMessage(), e);
        }
    }

    @Override
    protected void recoverRecords(Consumer<HistoryRecord> records) {
        try {
            DocumentReader reader = DocumentReader.defaultReader();
            for (String text : store.records()) {
                records.accept(new HistoryRecord(reader.read(text)));
            }
        } catch (IOException | SQLException e) {
            throw new SchemaHistoryException("Cannot read the stream's schema history from the target's ledger: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists() {
        try {
            return store.exists();
        } catch (SQLException e) {
            throw new SchemaHistoryException("Cannot read the stream's schema history from the target's ledger: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean storageExists() {
        return true;
    }

    @Override
    public void initializeStorage() {
        try {
            store.create();
        } catch (SQLException e) {
            throw new SchemaHistoryException("Cannot create the stream's schema history in the target's ledger: " + e.getMessage(), e);
        }
    }

    /** The ledger table: rows of one stream, in the order written. */
    record Store(DataSource target, String schema, String stream) {

        private String table() {
            return schema + ".stream_schema_history";
        }

        void create() throws SQLException {
            try (Connection c = target.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                st.execute("CREATE TABLE IF NOT EXISTS " + table() + " (slot_name varchar(63) NOT NULL, seq bigserial,"
                        + " record text NOT NULL, PRIMARY KEY (slot_name, seq))");
            }
        }

        void append(String record) throws SQLException {
            create();
            try (Connection c = target.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO " + table() + " (slot_name, record) VALUES (?, ?)")) {
                ps.setString(1, stream);
                ps.setString(2, record);
                ps.executeUpdate();
            }
        }

        java.util.List<String> records() throws SQLException {
            java.util.List<String> records = new java.util.ArrayList<>();
            if (!exists()) {
                return records;
            }
            try (Connection c = target.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT record FROM " + table() + " WHERE slot_name = ? ORDER BY seq")) {
                ps.setString(1, stream);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        records.add(rs.getString(1));
                    }
                }
            }
            return records;
        }

        /** Whether the stream has any record (the connector's test for a history to recover from). */
        boolean exists() throws SQLException {
            try (Connection c = target.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                    ps.setString(1, table());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next() || !rs.getBoolean(1)) {
                            return false;
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table() + " WHERE slot_name = ? LIMIT 1")) {
                    ps.setString(1, stream);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
            }
        }

        /** A new start or a dropped stream: its old shapes must not be recovered. */
        void clear() throws SQLException {
            create();
            try (Connection c = target.getConnection();
                 PreparedStatement ps = c.prepareStatement("DELETE FROM " + table() + " WHERE slot_name = ?")) {
                ps.setString(1, stream);
                ps.executeUpdate();
            }
        }
    }
}

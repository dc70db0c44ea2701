package org.camelreplicator.stream;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.config.InvalidSettingException;

/**
 * The source side of a stream: what a PostgreSQL replication slot, a MariaDB binlog and SQL Server's CDC do differently
 * (creating and dropping where the stream starts, the checks before it reads, the connector's own
 * properties, positions and lag). {@link ChangeStream} and {@link ChangeApplier} hold the rest, which is
 * the same for every source: the ledger row, the hand-off check, the engine's run loop and the apply.
 */
interface StreamSource {

    /** The source for a source URL, or a refusal naming the setting. */
    static StreamSource of(String url, StreamContext context) {
        if (url.startsWith("jdbc:postgresql:")) {
            return new PostgresStreamSource(context);
        }
        // jdbc:mysql: URLs reach a server through the MariaDB driver too; a MySQL server is refused by its version
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return new MariaDbStreamSource(context);
        }
        if (url.startsWith("jdbc:sqlserver:")) {
            return new SqlServerStreamSource(context);
        }
        throw new InvalidSettingException("source.url", "stream reads a PostgreSQL source's change log (logical decoding), a"
                + " MariaDB server's binlog or a SQL Server database's change data capture; source.url="
                + (url.isEmpty() ? "(the demo source)" : url.replaceAll("[?;].*", ""))
                + " is none of them. MySQL servers and other engines are not done yet: use sync for those.");
    }

    /**
     * stream --create-slot: makes the source keep its changes from now on (PostgreSQL: a publication and a slot; MariaDB:
     * the binlog position now; SQL Server: the CDC position now) and records that in the ledger row of {@code name}.
     */
    void create(String name, List<StreamTable> tables) throws SQLException;

    /**
     * load --stream on a fresh load: makes the source keep its changes from now on, as {@link #create} does, and returns what
     * the load holds until it ends: PostgreSQL's slot exported with a snapshot every load read imports (exact hand-off);
     * where the source has no snapshot to share, a convergent one.
     */
    HandOff createForLoad(String name, List<StreamTable> tables) throws SQLException;

    /** Whether the source still has the changes since what the ledger row records (the slot; the binlog file). */
    boolean keeps(String name, StreamOffsets.State state) throws SQLException;

    /** How the stream's start reads in the log: "Replication slot x (created ...)". */
    String describe(String name, StreamOffsets.State state);

    /** stream --drop-slot: what the source holds for the stream; true when something was dropped. */
    boolean drop(String name) throws SQLException;

    /** What --drop-slot says: dropped, or nothing to drop. */
    String dropped(String name, boolean dropped);

    /** Before the engine starts: what the source must have for the stream to read, else a refusal saying what to do. */
    void checkStart(String name, StreamOffsets.State state, List<StreamTable> tables) throws SQLException;

    /** At start, warnings about what the source keeps for streams nobody reads. */
    void warnAtStart(String name) throws SQLException;

    /** The connector's own engine properties (its class, connection, position handling). */
    Properties connector(String name, List<StreamTable> tables, StreamOffsets.State state) throws SQLException;

    /** An offset's position as logs and messages show it (an LSN, a binlog file:position), or null. */
    Object position(Map<String, ?> offset);

    /** The source commit time an offset carries, in epoch milliseconds; -1 without one. */
    long sourceMillis(Map<String, ?> offset);

    /** Bytes of the source's change log after the applied offset (null: the ledger's); empty when the source cannot tell. */
    OptionalLong lagBytes(String name, Map<String, ?> applied);

    /** The SQL type a key column's text is cast to when the source is read by key; null for none (compared as text). */
    String keyCast(String table, ColumnSpec column);
}

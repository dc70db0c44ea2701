package org.camelreplicator.stream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import org.camelreplicator.dialect.SourceSnapshot;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.ReplicationSlotInfo;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * load --stream's hand-off from the load to the stream, held for the load's whole length.
 *
 * <p>Exact (a fresh load, the slot created now): the slot is created on a replication connection, which exports the
 * snapshot of the slot's consistent point, as pgcopydb does. The snapshot lives as long as that connection stays open
 * and idle, so it is kept open, untouched, until the load ends, and every read of the load imports the snapshot
 * ({@link SourceSnapshot}). The stream then starts at the consistent point: each change is either in the rows the load
 * read or after them, never both.
 *
 * <p>Convergent (a resumed load, or a slot that existed before this command): the load reads the current rows and the
 * stream replays every change since the slot, re-applying by key what the load already saw.
 */
public final class HandOff implements AutoCloseable {

    private final StreamOffsets offsets;
    private final String slot;
    private final Connection exporting;
    private final SourceSnapshot snapshot;
    private final String consistentPoint;

    private HandOff(StreamOffsets offsets, String slot, Connection exporting, SourceSnapshot snapshot, String consistentPoint) {
        this.offsets = offsets;
        this.slot = slot;
        this.exporting = exporting;
        this.snapshot = snapshot;
        this.consistentPoint = consistentPoint;
    }

    static HandOff convergent(StreamOffsets offsets, String slot) {
        return new HandOff(offsets, slot, null, null, null);
    }

    /**
     * Creates the logical slot {@code slot} (pgoutput) on a replication connection to the source and keeps that connection
     * (its exported snapshot) for the load: from here on every load read imports the snapshot.
     */
    static HandOff exporting(String url, String user, String password, String slot, StreamOffsets offsets, SourceSnapshot snapshot)
            throws SQLException {
        Properties p = new Properties();
        if (!user.isEmpty()) {
            PGProperty.USER.set(p, user);
        }
        if (!password.isEmpty()) {
            PGProperty.PASSWORD.set(p, password);
        }
        // a walsender session: the replication protocol's commands, in the simple query protocol only
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        Connection c = DriverManager.getConnection(url, p);
        try {
            // pgjdbc sends CREATE_REPLICATION_SLOT ... LOGICAL pgoutput, whose default (every server since 10) exports the snapshot
            ReplicationSlotInfo info = c.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(slot).withOutputPlugin("pgoutput").make();
            if (info.getSnapshotName() == null) {
                throw new StreamException("Replication slot " + slot + " was created without an exported snapshot, so the load"
                        + " cannot read as of its start. Drop it (stream --drop-slot) and run load --stream again.");
            }
            snapshot.use(info.getSnapshotName(), slot);
            return new HandOff(offsets, slot, c, snapshot, info.getConsistentPoint().asString());
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Whether the load reads under the slot's snapshot. */
    public boolean exact() {
        return exporting != null;
    }

    /** The snapshot's id, or null (convergent). */
    String snapshotId() {
        return exact() ? snapshot.id() : null;
    }

    String consistentPoint() {
        return consistentPoint;
    }

    /** The load finished (exit 0): its guarantee into the ledger and on the console. */
    public void loaded() throws SQLException {
        if (exact()) {
            offsets.handOff(slot, StreamOffsets.EXACT);
            CONSOLE.info("Hand-off to the stream: exact. Every table was read under snapshot {}, the source as of LSN {} where"
                    + " replication slot {} starts, so the stream applies each change after the load's rows once and none it"
                    + " already copied.", snapshot.id(), consistentPoint, slot);
        } else {
            CONSOLE.info("Hand-off to the stream: convergent replay. The load read the source's current rows, and the stream replays"
                    + " every change since replication slot {} was created, re-applying by key what the load already copied: the"
                    + " target converges to the source (not an exact snapshot hand-off).", slot);
        }
    }

    /** Ends the snapshot: the exporting connection is closed, and reads see current rows again. */
    @Override
    public void close() throws SQLException {
        if (exporting != null) {
            snapshot.clear();
            exporting.close();
        }
    }
}

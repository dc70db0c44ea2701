package org.camelreplicator.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL snapshot a load reads its source under, when load --stream exported one with its replication slot
 * (the exact hand-off, as pgcopydb does): each read of the load (chunk plans and chunk reads) imports it first, so the
 * whole load sees the source as of the slot's consistent point, however long it takes. Empty (no snapshot) otherwise:
 * reads see the current rows.
 *
 * <p>A connection that imported it is in a REPEATABLE READ transaction with autocommit off; the reader ends that
 * transaction (rollback) before the connection goes back to the pool, and HikariCP resets autocommit.
 */
public final class SourceSnapshot {

    private volatile String id;
    private volatile String slot;

    /** From now on every load read imports this snapshot (exported with {@code slot}). */
    public void use(String id, String slot) {
        this.slot = slot;
        this.id = id;
    }

    /** Reads see the current rows again (the exporting connection is closed, or about to be). */
    public void clear() {
        id = null;
        slot = null;
    }

    /** The snapshot's id, or null when the load reads current rows. */
    public String id() {
        return id;
    }

    /**
     * Imports the snapshot into {@code c}'s next transaction (before its first query), if there is one; {@code what}
     * names the read for the message. A snapshot that cannot be imported fails the read: reading without it would
     * silently turn the exact hand-off into another guarantee.
     */
    public void importInto(Connection c, String what) {
        String snapshot = id;
        if (snapshot == null) {
            return;
        }
        try {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                // transaction-scoped, so the pooled session's defaults stay as they were
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            }
        } catch (SQLException e) {
            throw new SnapshotLostException("The load reads every table under snapshot " + snapshot + ", exported with replication"
                    + " slot " + slot + " when load --stream created it (exact hand-off), and " + what + " could not import it: "
                    + e.getMessage() + ". The snapshot lives only while the connection that exported it stays open; it was lost"
                    + " (the source restarted, or that session was ended), so no more of the load can be read as of the slot."
                    + " Run load --resume --stream: the chunks left read the current rows and the stream replays every change since"
                    + " the slot (convergent replay: correct, by key), or load --reset --stream after stream --drop-slot for an exact"
                    + " hand-off again.", e);
        }
    }

    /** The load's snapshot could not be imported: the table fails, never read without it. */
    public static final class SnapshotLostException extends RuntimeException {
        SnapshotLostException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

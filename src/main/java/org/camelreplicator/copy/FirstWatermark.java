package org.camelreplicator.copy;

import java.sql.SQLException;

import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.plan.TablePlan;

/**
 * What a load records for sync when it starts a table, in the transaction that starts it: the
 * table's watermark and row count before any of its rows is read, so the first sync after the load
 * reads exactly what changed since. Package sync implements it; load only calls it.
 */
@FunctionalInterface
public interface FirstWatermark {

    /** The sync state to record, or null for a table sync does not track. */
    SyncState before(TablePlan table) throws SQLException;
}

package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;

import org.camelreplicator.plan.TablePlan;

/** Writes one batch into the target table inside the chunk's open transaction. */
public interface BatchWriter {

    /** @return the bytes sent to the target, or 0 when the writer cannot tell */
    long write(Connection target, TablePlan table, Batch batch, WriteOptions options) throws SQLException;
}

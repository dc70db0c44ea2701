package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;

import org.camelreplicator.plan.TablePlan;

/** Writes one batch into the target table inside the chunk's open transaction. */
public interface BatchWriter {

    void write(Connection target, TablePlan table, Batch batch, WriteOptions options) throws SQLException;
}

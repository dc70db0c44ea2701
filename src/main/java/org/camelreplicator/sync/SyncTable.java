package org.camelreplicator.sync;

import java.util.List;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.config.SyncSettings.Deletes;
import org.camelreplicator.dialect.SystemWatermark;
import org.camelreplicator.plan.TablePlan;

/**
 * A table that sync keeps in step: how its changed rows are found and what they are upserted on.
 *
 * @param plan      the table and its target names, as a load plans them
 * @param watermark the watermark as configured (a column name, or {@code xmin})
 * @param column    the watermark column, or null when the watermark is the engine's own marker
 * @param system    the engine's own change marker, or null for a column
 * @param key       source columns the rows are upserted on (the primary key unless configured)
 * @param deletes   how rows deleted on the source reach the target
 */
public record SyncTable(TablePlan plan, String watermark, ColumnSpec column, SystemWatermark system, List<String> key,
                        Deletes deletes) {

    public SyncTable {
        key = List.copyOf(key);
    }

    public String id() {
        return plan.id();
    }

    /** The key's target column names. */
    public List<String> targetKey() {
        return key.stream().map(plan::targetColumn).toList();
    }

    @Override
    public String toString() {
        return id();
    }
}

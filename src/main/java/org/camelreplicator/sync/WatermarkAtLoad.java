package org.camelreplicator.sync;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.camelreplicator.copy.FirstWatermark;
import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.plan.TablePlan;

/** The watermark a load records for a tracked table as it starts it: the probe's, taken before any row is read. */
public final class WatermarkAtLoad implements FirstWatermark {

    private final SyncPlanner planner;
    private final Watermarks watermarks;

    public WatermarkAtLoad(SyncPlanner planner, Watermarks watermarks) {
        this.planner = planner;
        this.watermarks = watermarks;
    }

    @Override
    public SyncState before(TablePlan table) throws SQLException {
        Optional<SyncTable> tracked = planner.table(table);
        if (tracked.isEmpty()) {
            return null;
        }
        Watermarks.Probe probe = watermarks.probe(tracked.get(), Optional.empty());
        return new SyncState(table.id(), tracked.get().watermark(), probe.watermark(), probe.sourceRows(),
                OffsetDateTime.now(ZoneOffset.UTC), null, 0, 0);
    }
}

package org.camelreplicator.verify;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import org.apache.camel.Exchange;
import org.camelreplicator.copy.BatchWriter;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.copy.Batch;
import org.camelreplicator.copy.ChunkWriteException;
import org.camelreplicator.copy.RouteTransaction;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.copy.WriteOptions;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.observe.Meters;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target transaction that repairs one differing range, across the steps of the repair-range
 * route: {@link #begin} deletes the range's rows from the target, {@link #write} copies each batch
 * of the source's rows of the range with the load's bulk writer, {@link #commit} marks the range
 * repaired in the ledger in the same transaction and commits, and {@link #end} (the route's
 * doFinally) rolls back whatever did not commit. A range is therefore rewritten entirely and marked
 * repaired, or left as it was and still marked differing: a repair killed half-way resumes exactly
 * ({@code verify --repair --resume}). Rows outside the range are not touched.
 */
public final class RepairTransactions {

    private static final String PROPERTY = "replicatorRepairTransaction";
    private static final String DELETED = "replicatorRepairDeleted";
    private static final Logger LOG = LoggerFactory.getLogger(RepairTransactions.class);

    private final Databases databases;
    private final Ledger ledger;
    private final StopSignal stop;
    private final Meters meters;
    private final WriteOptions options;

    RepairTransactions(Databases databases, Ledger ledger, StopSignal stop, Meters meters, ReplicatorSettings settings) {
        this.databases = databases;
        this.ledger = ledger;
        this.stop = stop;
        this.meters = meters;
        this.options = new WriteOptions(settings.textNul());
    }

    /** Opens the range's transaction and deletes the range's rows from the target table. */
    public void begin(Chunk range, Exchange exchange) throws SQLException {
        stop.check(range);
        ledger.repairAttempted(range.runId(), range.table().id(), range.number());
        RouteTransaction tx = RouteTransaction.begin(exchange, PROPERTY, range, databases.target().getConnection());
        TargetDialect target = databases.targetDialect();
        TablePlan plan = range.table();
        String where = range.range().condition(c -> target.quoteIfNeeded(plan.targetColumn(c)), v -> "?");
        String sql = "DELETE FROM " + target.qualifiedTarget(plan.targetSchema(), plan.targetName()) + (where.isEmpty() ? "" : " WHERE " + where);
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            List<Object> params = range.range().parameters();
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, target.bindable(params.get(i)));
            }
            exchange.setProperty(DELETED, (long) ps.executeUpdate());
        }
    }

    public void write(Batch batch, Exchange exchange) {
        RouteTransaction tx = RouteTransaction.of(exchange, PROPERTY);
        try {
            long bytes = BatchWriter.of(databases.targetDialect()).write(tx.connection(), tx.chunk().table(), batch, options);
            tx.wrote(batch.size(), bytes);
        } catch (SQLException e) {
            throw ChunkWriteException.of(tx.chunk(), batch, e);
        }
    }

    /** Marks the range repaired in the same transaction as its rewritten rows, and commits both. */
    public void commit(Exchange exchange) throws SQLException {
        RouteTransaction tx = RouteTransaction.of(exchange, PROPERTY);
        Chunk range = tx.chunk();
        long deleted = exchange.getProperty(DELETED, 0L, Long.class);
        ledger.rangeRepaired(tx.connection(), range.runId(), range.table().id(), range.number(), deleted, tx.rows());
        tx.commit();
        VerifyTable table = VerifyRun.of(exchange).table(range.table().id());
        table.rangesRepaired.incrementAndGet();
        table.repairedRows.addAndGet(tx.rows());
        table.deletedRows.addAndGet(deleted);
        meters.rowsRepaired(range.table().id(), tx.rows());
        LOG.info("{}: repaired, {} rows deleted from the target and {} copied from the source", describe(range), deleted, tx.rows());
    }

    /** Rolls back a repair that did not commit and returns the connection; the range stays marked differing. */
    public void end(Exchange exchange) {
        RouteTransaction tx = RouteTransaction.end(exchange, PROPERTY);
        if (tx != null && !tx.committed()) {
            LOG.debug("{}: repair rolled back", describe(tx.chunk()));
        }
    }

    private static String describe(Chunk range) {
        return range.table().id() + " range " + range.number() + " (" + range.range().describe() + ")";
    }
}

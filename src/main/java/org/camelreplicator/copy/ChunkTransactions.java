package org.camelreplicator.copy;

import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;

import org.apache.camel.Exchange;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.MonthPartitions;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.run.RunSlot;
import org.camelreplicator.run.StopSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target transaction of one chunk, across the steps of the chunk route: {@link #begin} opens
 * it, {@link #write} adds each batch, {@link #commit} writes the ledger's "done" mark in the same
 * transaction and commits, and {@link #end} (the route's doFinally) rolls back whatever did not
 * commit and returns the connection. A chunk is therefore either entirely in the target and marked
 * done, or not there at all.
 */
public final class ChunkTransactions {

    private static final String PROPERTY = "replicatorChunkTransaction";

    private static final Logger LOG = LoggerFactory.getLogger(ChunkTransactions.class);

    private final Databases databases;
    private final Ledger ledger;
    /** Set by begin when the chunk is done already: the route copies nothing. */
    public static final String COMMITTED_EARLIER = "replicatorChunkCommittedEarlier";

    /** Exchange property: rows a column transform fails on become rejects (a load with replicator.on-bad-row=reject). */
    public static final String TRANSFORM_REJECTS = "replicatorTransformRejects";

    private final StopSignal stop;
    private final RunSlot slot;
    private final WriteOptions options;
    private final boolean rejectBadRows;

    public ChunkTransactions(Databases databases, Ledger ledger, StopSignal stop, ReplicatorSettings settings, RunSlot slot) {
        this.slot = slot;
        this.databases = databases;
        this.ledger = ledger;
        this.stop = stop;
        this.options = new WriteOptions(settings.textNul());
        this.rejectBadRows = settings.onBadRow() == ReplicatorSettings.BadRows.REJECT;
    }

    public void begin(Chunk chunk, Exchange exchange) throws SQLException {
        stop.check(chunk);
        slot.ensureLocked();
        if (!ledger.markChunkRunning(chunk)) {
            // an earlier attempt committed, and its answer was lost with its connection: its rows are there once
            long rows = ledger.chunkRows(chunk);
            LOG.info("{} was committed by an earlier attempt whose answer was lost ({} rows); it is not copied again", chunk, rows);
            RunContext.of(exchange).report().rowsWritten(chunk.table().id(), rows, 0);
            RunContext.of(exchange).report().chunkEnded(chunk.table().id(), chunk.id(), true, rows, 0);
            exchange.setProperty(COMMITTED_EARLIER, true);
            return;
        }
        exchange.removeProperty(COMMITTED_EARLIER);
        RunContext.of(exchange).report().chunkStarted(chunk.id());
        RouteTransaction tx = RouteTransaction.begin(exchange, PROPERTY, chunk, databases.target().getConnection());
        // a row the table's column transform fails on is a bad row too: with on-bad-row=reject it is recorded, not fatal
        exchange.setProperty(TRANSFORM_REJECTS, rejectBadRows);
        List<String> settings = databases.targetDialect().chunkTransactionSettings();
        if (!settings.isEmpty()) {
            try (Statement st = tx.connection().createStatement()) {
                for (String setting : settings) {
                    st.execute(setting);
                }
            }
        }
    }

    public void write(Batch batch, Exchange exchange) throws SQLException {
        RouteTransaction tx = RouteTransaction.of(exchange, PROPERTY);
        RunContext run = RunContext.of(exchange);
        if (batch instanceof RowBatch rows && !rows.refused().isEmpty()) {
            recordRefused(tx, rows, run);
            if (batch.size() == 0) {
                return;
            }
        }
        long rejectedBefore = tx.rejectedRows();
        long start = System.nanoTime();
        long bytes = rejectBadRows ? writeRejecting(tx, batch, run) : writeInChunk(tx, batch);
        long written = batch.size() - (tx.rejectedRows() - rejectedBefore);
        tx.wrote(written, bytes);
        run.report().rowsWritten(tx.chunk().table().id(), written, bytes);
        run.report().batchWritten(tx.chunk().table().id(), written, bytes, System.nanoTime() - start);
    }

    /** The batch goes into the chunk's one write (a COPY opened by its first batch, ended by {@link #commit}). */
    private long writeInChunk(RouteTransaction tx, Batch batch) {
        if (tx.write() == null) {
            tx.write(BatchWriter.of(databases.targetDialect()).open(tx.connection(), writtenTo(tx.chunk()), options));
        }
        try {
            long bytes = tx.write().write(batch);
            tx.sent(batch, bytes);
            return bytes;
        } catch (SQLException e) {
            throw tx.refused(batch, e);
        }
    }

    private long writeOnce(RouteTransaction tx, Batch batch) {
        try {
            return BatchWriter.of(databases.targetDialect()).write(tx.connection(), writtenTo(tx.chunk()), batch, options);
        } catch (SQLException e) {
            throw ChunkWriteException.of(tx.chunk(), batch, e);
        }
    }

    /**
     * The table a chunk's rows go into: the table, or for a table partitioned by month the chunk's own
     * partition, written with COPY directly instead of through the parent's routing (which would find
     * the partition row by row). Its month bounds are the partition's, so every row belongs there.
     */
    private TablePlan writtenTo(Chunk chunk) {
        TablePlan table = chunk.table();
        if (table.settings().partitionBy() == null) {
            return table;
        }
        return table.inPartition(MonthPartitions.partitionOf(table, chunk.range(), databases.targetDialect().identifierLimit()));
    }

    /**
     * replicator.on-bad-row=reject: a batch the target refuses for a permanent reason is rolled back
     * to a savepoint and written again in halves, down to the single rows it refuses. Those go to
     * the ledger's rejects table in this same transaction, so a rejected row is recorded exactly
     * when the rest of its chunk is written: never both lost and unreported.
     */
    private long writeRejecting(RouteTransaction tx, Batch batch, RunContext run) throws SQLException {
        Savepoint savepoint = tx.connection().setSavepoint();
        try {
            long bytes = writeOnce(tx, batch);
            tx.connection().releaseSavepoint(savepoint);
            return bytes;
        } catch (ChunkWriteException | BadValueException e) {
            if (databases.targetDialect().isTransient(e) || databases.sourceDialect().isTransient(e)) {
                throw e;
            }
            tx.connection().rollback(savepoint);
            if (batch.size() == 1) {
                ledger.recordReject(tx.connection(), tx.chunk(), ChunkWriteException.rowKey(tx.chunk().table().source(), batch, 0),
                        Errors.describe(e), batch.rowText(0));
                tx.rejected();
                run.report().rowsRejected(tx.chunk().table().id(), 1);
                return 0;
            }
            int half = batch.size() / 2;
            return writeRejecting(tx, batch.slice(0, half), run) + writeRejecting(tx, batch.slice(half, batch.size()), run);
        }
    }

    /**
     * Rows whose values the source refused (read with on-bad-row=reject): each goes to the ledger's
     * rejects table in this transaction, like a row the target refused.
     */
    private void recordRefused(RouteTransaction tx, RowBatch batch, RunContext run) throws SQLException {
        for (RefusedRow row : batch.refused()) {
            ledger.recordReject(tx.connection(), tx.chunk(), row.key(), row.error(), row.rowText());
            tx.rejected();
        }
        run.report().rowsRejected(tx.chunk().table().id(), batch.refused().size());
    }

    public void commit(Exchange exchange) throws SQLException {
        RouteTransaction tx = RouteTransaction.of(exchange, PROPERTY);
        if (tx.write() != null) {
            try {
                tx.write().finish();
            } catch (SQLException e) {
                throw tx.refused(null, e);
            }
        }
        ledger.markChunkDone(tx.connection(), tx.chunk(), tx.rows(), tx.rejectedRows());
        tx.commit();
        RunContext.of(exchange).report().chunkEnded(tx.chunk().table().id(), tx.chunk().id(), true, tx.rows(), tx.bytes());
        LOG.debug("{}: {} rows committed", tx.chunk(), tx.rows());
    }

    /** Rolls back an uncommitted chunk, records why in the ledger, and returns the connection. */
    public void end(Exchange exchange) {
        RouteTransaction tx = RouteTransaction.end(exchange, PROPERTY);
        if (tx == null || tx.committed()) {
            return;
        }
        String table = tx.chunk().table().id();
        RunContext.of(exchange).report().rowsWritten(table, -tx.rows(), -tx.bytes());
        RunContext.of(exchange).report().rowsRejected(table, -tx.rejectedRows());
        RunContext.of(exchange).report().chunkEnded(table, tx.chunk().id(), false, 0, 0);
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        try {
            if (error instanceof StopSignal.RunStoppedException) {
                ledger.markChunkPending(tx.chunk());
            } else {
                ledger.markChunkFailed(tx.chunk(), Errors.describe(error));
            }
        } catch (SQLException e) {
            LOG.warn("Recording the failure of {} in the ledger failed: {}", tx.chunk(), e.getMessage());
        }
    }
}

package org.camelreplicator.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;
import org.camelreplicator.config.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.copy.Batch;
import org.camelreplicator.copy.ChunkWriteException;
import org.camelreplicator.copy.StopSignal;
import org.camelreplicator.copy.WriteOptions;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.RunContext;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target transaction of one table's changes, across the steps of the upsert route: {@link #begin}
 * creates a session staging table, {@link #write} COPYs each batch of changed rows into it (the
 * load's bulk path), {@link #commit} moves them into the table with one
 * {@code INSERT ... ON CONFLICT DO UPDATE} and records the new watermark in the same transaction,
 * and {@link #end} rolls back whatever did not commit. A crash at any point leaves the table and its
 * watermark as they were, and the next sync reads the same changes again.
 */
public final class SyncTransactions {

    /** The session table changed rows are staged in; dropped at commit. */
    static final String STAGE = "replicator_sync_stage";

    private static final String PROPERTY = "replicatorSyncTransaction";
    private static final Logger LOG = LoggerFactory.getLogger(SyncTransactions.class);

    private final Databases databases;
    private final Ledger ledger;
    private final StopSignal stop;
    private final WriteOptions options;

    public SyncTransactions(Databases databases, Ledger ledger, StopSignal stop, ReplicatorSettings settings) {
        this.databases = databases;
        this.ledger = ledger;
        this.stop = stop;
        this.options = new WriteOptions(settings.textNul());
    }

    public void begin(Chunk changes, Exchange exchange) throws SQLException {
        stop.check(changes);
        Dialect target = databases.targetDialect();
        TablePlan table = changes.table();
        Connection c = databases.target().getConnection();
        try {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute(target.createStageSql(qualified(table), STAGE, table.targetColumns()));
            }
        } catch (SQLException e) {
            c.close();
            throw UpsertException.staging(exchange.getProperty(SyncCoordinator.CHANGES, SyncCoordinator.Changes.class).table(), e);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        exchange.setProperty(PROPERTY, new Open(changes, stage(table), c));
    }

    public void write(Batch batch, Exchange exchange) throws SQLException {
        Open tx = open(exchange);
        long start = System.nanoTime();
        long bytes;
        try {
            bytes = databases.targetDialect().batchWriter().write(tx.connection, tx.stage, batch, options);
        } catch (SQLException e) {
            throw ChunkWriteException.of(tx.changes, batch, e);
        }
        tx.rows += batch.size();
        tx.bytes += bytes;
        String table = tx.changes.table().id();
        RunContext.of(exchange).report().rowsWritten(table, batch.size(), bytes);
        RunContext.of(exchange).report().batchWritten(table, batch.size(), bytes, System.nanoTime() - start);
    }

    /**
     * Upserts the staged rows and records the watermark, then commits both: the window's end, or for
     * the last (or only) read the watermark the probe took.
     */
    public void commit(Exchange exchange) throws SQLException {
        Open tx = open(exchange);
        SyncCoordinator.Changes changes = exchange.getProperty(SyncCoordinator.CHANGES, SyncCoordinator.Changes.class);
        SyncTable table = changes.table();
        long upserted = 0;
        if (tx.rows > 0) {
            try (Statement st = tx.connection.createStatement()) {
                upserted = st.executeUpdate(databases.targetDialect().upsertSql(qualified(table.plan()), STAGE,
                        table.plan().targetColumns(), table.targetKey()));
            } catch (SQLException e) {
                throw UpsertException.of(table, e);
            }
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String windowEnd = tx.changes.range() instanceof KeyRange.Changed window ? window.upTo() : null;
        ledger.saveSyncState(tx.connection, new SyncState(table.id(), table.watermark(), windowEnd != null ? windowEnd : changes.probe().watermark(),
                changes.probe().sourceRows(), now, tx.rows > 0 ? now : changes.previous().map(SyncState::changedAt).orElse(null),
                tx.rows, 0));
        tx.connection.commit();
        tx.committed = true;
        changes.upserted().addAndGet(tx.rows);
        RunContext.of(exchange).report().chunkEnded(table.id(), tx.changes.id(), true, tx.rows, tx.bytes);
        LOG.debug("{}: {} changed rows upserted ({} rows affected)", table.id(), tx.rows, upserted);
    }

    /** Rolls back changes that did not commit and returns the connection. */
    public void end(Exchange exchange) {
        // as for chunks: whether to retry is the caller's call, not the batch split's
        exchange.getExchangeExtension().setRedeliveryExhausted(false);
        Open tx = exchange.removeProperty(PROPERTY) instanceof Open o ? o : null;
        if (tx == null) {
            return;
        }
        try (Connection c = tx.connection) {
            if (!tx.committed) {
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.warn("Rollback of the changes of {} failed ({}); the server discards the transaction with the connection",
                    tx.changes.table().id(), e.getMessage());
        }
        if (!tx.committed) {
            RunContext.of(exchange).report().rowsWritten(tx.changes.table().id(), -tx.rows, -tx.bytes);
        }
    }

    private String qualified(TablePlan table) {
        return databases.targetDialect().qualifiedTarget(table.targetSchema(), table.targetName());
    }

    /** The table as the bulk writer sees it when it writes into the staging table instead. */
    static TablePlan stage(TablePlan table) {
        return new TablePlan(table.order(), table.source(), null, STAGE, table.targetColumns());
    }

    private static Open open(Exchange exchange) {
        Open tx = exchange.getProperty(PROPERTY, Open.class);
        if (tx == null) {
            throw new IllegalStateException("No sync transaction is open: the upsert route must call begin first");
        }
        return tx;
    }

    /** An open upsert transaction; only its table's worker thread touches it. */
    private static final class Open {
        final Chunk changes;
        final TablePlan stage;
        final Connection connection;
        long rows;
        long bytes;
        boolean committed;

        Open(Chunk changes, TablePlan stage, Connection connection) {
            this.changes = changes;
            this.stage = stage;
            this.connection = connection;
        }
    }
}

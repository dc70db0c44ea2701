package org.camelreplicator.sync;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;
import org.camelreplicator.copy.BatchWriter;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.copy.Batch;
import org.camelreplicator.copy.ChunkWriteException;
import org.camelreplicator.copy.RouteTransaction;
import org.camelreplicator.run.RunSlot;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.copy.WriteOptions;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.schema.TargetSchema;
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
    private final TargetSchema targetSchema;
    private final RunSlot slot;

    public SyncTransactions(Databases databases, Ledger ledger, StopSignal stop, ReplicatorSettings settings, TargetSchema targetSchema,
                            RunSlot slot) {
        this.slot = slot;
        this.databases = databases;
        this.targetSchema = targetSchema;
        this.ledger = ledger;
        this.stop = stop;
        this.options = new WriteOptions(settings.textNul());
    }

    public void begin(Chunk changes, Exchange exchange) throws SQLException {
        stop.check(changes);
        slot.ensureLocked();
        TablePlan table = changes.table();
        // from here the route's doFinally (end) rolls back and returns the connection, also when staging fails
        RouteTransaction tx = RouteTransaction.begin(exchange, PROPERTY, changes, databases.target().getConnection());
        try (Statement st = tx.connection().createStatement()) {
            st.execute(databases.targetDialect().createStageSql(qualified(table), STAGE, table.targetColumns()));
        } catch (SQLException e) {
            throw UpsertException.staging(exchange.getProperty(SyncCoordinator.CHANGES, SyncCoordinator.Changes.class).table(), e);
        }
    }

    public void write(Batch batch, Exchange exchange) throws SQLException {
        RouteTransaction tx = RouteTransaction.of(exchange, PROPERTY);
        long start = System.nanoTime();
        long bytes;
        try {
            bytes = BatchWriter.of(databases.targetDialect()).write(tx.connection(), tx.chunk().table().stagedIn(STAGE), batch, options);
        } catch (SQLException e) {
            throw ChunkWriteException.of(tx.chunk(), batch, e);
        }
        tx.wrote(batch.size(), bytes);
        String table = tx.chunk().table().id();
        RunContext run = RunContext.of(exchange);
        run.report().rowsWritten(table, batch.size(), bytes);
        run.report().batchWritten(table, batch.size(), bytes, System.nanoTime() - start);
    }

    /**
     * Upserts the staged rows and records the watermark, then commits both: the window's end, or for
     * the last (or only) read the watermark the probe took.
     */
    public void commit(Exchange exchange) throws SQLException {
        RouteTransaction tx = RouteTransaction.of(exchange, PROPERTY);
        SyncCoordinator.Changes changes = exchange.getProperty(SyncCoordinator.CHANGES, SyncCoordinator.Changes.class);
        SyncTable table = changes.table();
        long upserted = 0;
        if (tx.rows() > 0) {
            createMissingPartitions(tx, table.plan());
            try (Statement st = tx.connection().createStatement()) {
                upserted = st.executeUpdate(databases.targetDialect().upsertSql(qualified(table.plan()), STAGE,
                        table.plan().targetColumns(), table.targetKey()));
            } catch (SQLException e) {
                throw UpsertException.of(table, e);
            }
            // rows with new identity values: the target's own next insert must not collide with them
            try (Statement st = tx.connection().createStatement()) {
                for (String sql : targetSchema.identityResets(table.plan())) {
                    st.execute(sql);
                }
            }
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String windowEnd = tx.chunk().range() instanceof KeyRange.Changed window ? window.upTo() : null;
        ledger.saveSyncState(tx.connection(), new SyncState(table.id(), table.watermark(),
                windowEnd != null ? windowEnd : changes.probe().watermark(), changes.probe().sourceRows(), now,
                tx.rows() > 0 ? now : changes.previous().map(SyncState::changedAt).orElse(null), tx.rows(), 0));
        tx.commit();
        changes.upserted().addAndGet(tx.rows());
        RunContext.of(exchange).report().chunkEnded(table.id(), tx.chunk().id(), true, tx.rows(), tx.bytes());
        LOG.debug("{}: {} changed rows upserted ({} rows affected)", table.id(), tx.rows(), upserted);
    }

    /**
     * A table partitioned by month (replicator.table.<t>.partition-by) gets the partition of each month
     * its staged rows hold and it has none for, in this transaction, before the upsert: a new month's rows
     * go into their own partition, not into DEFAULT (which keeps the rows without a date). PostgreSQL then
     * routes each upserted row to its partition.
     */
    private void createMissingPartitions(RouteTransaction tx, TablePlan table) throws SQLException {
        String column = table.settings().partitionBy();
        if (column == null) {
            return;
        }
        var target = databases.targetDialect();
        java.util.List<java.time.YearMonth> months = new java.util.ArrayList<>();
        try (Statement st = tx.connection().createStatement();
             java.sql.ResultSet rs = st.executeQuery(target.distinctMonthsSql(target.quoteIfNeeded(STAGE),
                     target.quoteIfNeeded(table.targetColumn(column))))) {
            while (rs.next()) {
                months.add(java.time.YearMonth.from(rs.getObject(1, java.time.LocalDate.class)));
            }
        }
        if (months.isEmpty()) {
            return;
        }
        java.util.Set<String> existing = new java.util.HashSet<>(target.partitions(tx.connection(), table.targetSchema(), table.targetName()).keySet());
        for (java.time.YearMonth month : months.stream().sorted().toList()) {
            if (targetSchema.ensureMonthPartition(tx.connection(), table, month, existing)) {
                LOG.info("{}: partition for {} created (rows of a month the table had no partition for)", table.id(), month);
            }
        }
    }

    /** Rolls back changes that did not commit and returns the connection. */
    public void end(Exchange exchange) {
        RouteTransaction tx = RouteTransaction.end(exchange, PROPERTY);
        if (tx != null && !tx.committed()) {
            RunContext.of(exchange).report().rowsWritten(tx.chunk().table().id(), -tx.rows(), -tx.bytes());
        }
    }

    private String qualified(TablePlan table) {
        return databases.targetDialect().qualifiedTarget(table.targetSchema(), table.targetName());
    }
}

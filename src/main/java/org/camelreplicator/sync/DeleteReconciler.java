package org.camelreplicator.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.copy.BatchWriter;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.config.SyncSettings.Deletes;
import org.camelreplicator.copy.Batch;
import org.camelreplicator.copy.ChunkReader;
import org.camelreplicator.dialect.EngineDialect;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.copy.WriteOptions;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.ChunkPlanner;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.plan.RowFilter;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries deletes ({@code replicator.table.<table>.sync.deletes=reconcile}) by comparing keys. After
 * the upserts the target holds every source key, so a target with more rows than the source holds
 * rows deleted there. The key space is cut into ranges (integer keys: ranges of
 * {@code replicator.chunk-rows}; other keys: one range, since engines may order text differently);
 * a range whose counts agree is left alone, and in one that differs the source's keys are COPYed into
 * a session table and the target rows of the range whose key is not among them are deleted, in one
 * transaction per range. Memory stays constant: the keys live in the target's temporary table.
 */
public final class DeleteReconciler {

    /** The exchange property with the rows deleted from the table. */
    public static final String DELETED = "replicatorSyncDeleted";
    private static final String KEY_STAGE = "replicator_sync_keys";
    private static final Logger LOG = LoggerFactory.getLogger(DeleteReconciler.class);

    /**
     * Rows per compared key range at most (fewer when replicator.chunk-rows is smaller): a range whose counts differ ships all
     * its source keys to the target, so ranges stay small; the load's chunks are large, for copying, not for finding a few
     * deleted rows.
     */
    static final long RANGE_ROWS = 250_000;

    private final Databases databases;
    private final ChunkReader reader;
    private final ChunkPlanner chunkPlanner;
    private final StopSignal stop;
    private final WriteOptions options;

    public DeleteReconciler(Databases databases, ChunkReader reader, ReplicatorSettings settings, StopSignal stop) {
        this.databases = databases;
        this.reader = reader;
        this.chunkPlanner = new ChunkPlanner(Math.min(settings.chunkRows(), RANGE_ROWS));
        this.stop = stop;
        this.options = new WriteOptions(settings.textNul());
    }

    public void reconcile(SyncTable table, Exchange exchange) throws SQLException {
        SyncCoordinator.Changes changes = exchange.getProperty(SyncCoordinator.CHANGES, SyncCoordinator.Changes.class);
        if (table.deletes() == Deletes.NONE || !changes.probe().changed()) {
            return;
        }
        TablePlan keys = keysOnly(table);
        KeyRange whole = new KeyRange.WholeTable();
        if (count(true, keys, whole) >= count(false, keys, whole)) {
            return;
        }
        RunContext run = RunContext.of(exchange);
        long deleted = 0;
        List<KeyRange> ranges = ranges(keys);
        for (int i = 0; i < ranges.size(); i++) {
            Chunk range = new Chunk(run.runId(), keys, i, ranges.size(), ranges.get(i));
            stop.check(range);
            if (ranges.size() == 1 || count(false, keys, range.range()) > count(true, keys, range.range())) {
                deleted += deleteMissing(table, range);
            }
        }
        LOG.info("{}: {} rows deleted from the target, their keys gone from the source", table.id(), deleted);
        exchange.setProperty(DELETED, deleted);
    }

    /** The table reduced to its key columns: what is read from the source (through its row filter) and staged on the target. */
    private static TablePlan keysOnly(SyncTable table) {
        TableSpec source = table.plan().source();
        List<ColumnSpec> columns = new ArrayList<>();
        for (String k : table.key()) {
            columns.add(source.column(k).orElseThrow());
        }
        TableSpec keySpec = new TableSpec(source.catalog(), source.schema(), source.name(), columns, table.key(), source.estimatedRows());
        return new TablePlan(table.plan().order(), keySpec, table.plan().targetSchema(), table.plan().targetName(), table.targetKey(),
                table.plan().settings().withoutTransform(), org.camelreplicator.plan.GeneratedNames.NONE);
    }

    /** Integer keys in ranges, whose bounds compare alike on both sides; any other key as one range. */
    private List<KeyRange> ranges(TablePlan keys) throws SQLException {
        List<KeyRange> ranges;
        try (Connection c = databases.source().getConnection()) {
            ranges = chunkPlanner.plan(c, databases.sourceDialect(), keys.source(), null, keys.sourceFilter(databases.sourceDialect()));
        }
        return ranges.stream().allMatch(r -> r instanceof KeyRange.IntegerRange) ? ranges : List.of(new KeyRange.WholeTable());
    }

    private long count(boolean source, TablePlan keys, KeyRange range) throws SQLException {
        EngineDialect dialect = source ? databases.sourceDialect() : databases.targetDialect();
        String table = source ? databases.sourceDialect().qualified(keys.source().schema(), keys.source().name())
                : databases.targetDialect().qualifiedTarget(keys.targetSchema(), keys.targetName());
        String where = range.condition(column(keys, source), v -> "?");
        if (source) {
            // the source's rows are those the table's filter keeps: a row that left it is deleted on the target like a deleted row
            where = RowFilter.and(keys.sourceFilter(databases.sourceDialect()), where);
        }
        try (Connection c = (source ? databases.source() : databases.target()).getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + (where.isEmpty() ? "" : " WHERE " + where))) {
            List<Object> params = range.parameters();
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, dialect.bindable(params.get(i)));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A source column name as one side's SQL names it. */
    private java.util.function.UnaryOperator<String> column(TablePlan keys, boolean source) {
        return source ? databases.sourceDialect()::quote : c -> databases.targetDialect().quoteIfNeeded(keys.targetColumn(c));
    }

    /** Stages the source keys of one range and deletes the target rows of the range without one; answers how many. */
    private long deleteMissing(SyncTable table, Chunk range) throws SQLException {
        TargetDialect target = databases.targetDialect();
        TablePlan keys = range.table();
        String qualified = target.qualifiedTarget(keys.targetSchema(), keys.targetName());
        TablePlan stage = keys.stagedIn(KEY_STAGE);
        try (Connection c = databases.target().getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement st = c.createStatement()) {
                    st.execute(target.createStageSql(qualified, KEY_STAGE, keys.targetColumns()));
                }
                try (ChunkReader.BatchIterator batches = reader.open(range)) {
                    while (batches.hasNext()) {
                        Batch batch = batches.next();
                        BatchWriter.of(target).write(c, stage, batch, options);
                    }
                }
                String match = String.join(" AND ", keys.targetColumns().stream()
                        .map(k -> "s." + target.quoteIfNeeded(k) + " = t." + target.quoteIfNeeded(k)).toList());
                String where = range.range().condition(col -> "t." + target.quoteIfNeeded(keys.targetColumn(col)), target::literal);
                long deleted;
                try (Statement st = c.createStatement()) {
                    deleted = st.executeUpdate("DELETE FROM " + qualified + " t WHERE " + (where.isEmpty() ? "" : where + " AND ")
                            + "NOT EXISTS (SELECT 1 FROM " + target.quoteIfNeeded(KEY_STAGE) + " s WHERE " + match + ")");
                }
                c.commit();
                return deleted;
            } catch (SQLException | RuntimeException e) {
                Databases.rollbackAfter(c, e);
                throw e;
            }
        }
    }
}

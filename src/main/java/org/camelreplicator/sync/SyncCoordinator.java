package org.camelreplicator.sync;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.run.RunSlot;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.RunRecord;
import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.ledger.TableRecord;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.observe.Health;
import org.camelreplicator.observe.Meters;
import org.camelreplicator.observe.RunReport;
import org.camelreplicator.observe.RunReport.Outcome;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.schema.AfterActions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * The steps of the sync routes (routes/sync.camel.yaml) that begin and end a sync run and its
 * tables. The changed rows themselves go through {@link SyncTransactions}, deletes through
 * {@link DeleteReconciler}.
 */
public final class SyncCoordinator {

    /** The exchange property that carries a table's probe from the probe step to the upsert's commit. */
    public static final String CHANGES = "replicatorSyncChanges";
    /** The exchange property with every table's sync state as the run found it, read once by startSync. */
    private static final String STATES = "replicatorSyncStates";

    private static final Logger LOG = LoggerFactory.getLogger(SyncCoordinator.class);

    private final Databases databases;
    private final ReplicatorSettings settings;
    private final SyncPlanner planner;
    private final Watermarks watermarks;
    private final CatchUpWindows windows;
    private final Ledger ledger;
    private final StopSignal stop;
    private final RunSlot slot;
    private final Meters meters;
    private final Health health;
    private final AfterActions afterActions;

    public SyncCoordinator(Databases databases, ReplicatorSettings settings, SyncPlanner planner, Watermarks watermarks, CatchUpWindows windows, Ledger ledger,
                           StopSignal stop, RunSlot slot, Meters meters, Health health, AfterActions afterActions) {
        this.afterActions = afterActions;
        this.databases = databases;
        this.settings = settings;
        this.planner = planner;
        this.watermarks = watermarks;
        this.windows = windows;
        this.ledger = ledger;
        this.stop = stop;
        this.slot = slot;
        this.meters = meters;
        this.health = health;
    }

    /**
     * What a table's probe decided, and for which table: read by the upsert and the delete steps.
     * {@code upserted} adds up the rows the reads committed; the reads run in the split's own
     * exchanges, which share this object but not the properties they set.
     */
    public record Changes(SyncTable table, Watermarks.Probe probe, Optional<SyncState> previous, AtomicLong upserted) {
    }

    /**
     * Opens a sync run and returns its tables. Refused while a load is unfinished: its tables are
     * half copied, and the load's resume is what completes them. Retried from its start on
     * transient failures; a retry goes on with the run an earlier attempt recorded (found by its
     * start time) instead of recording another.
     */
    public List<SyncTable> startSync(RunRequest request, Exchange exchange) throws SQLException {
        if (!databases.targetDialect().canUpsert()) {
            throw new InvalidSettingException("target.url", "The target (target.url) is " + databases.targetDialect().name()
                    + ", which sync cannot write to yet: it upserts into PostgreSQL and H2 targets. Keep this one in step with load --reset.");
        }
        ledger.ensureCreated();
        Optional<RunRecord> load = ledger.latestRun("load");
        if (load.isPresent() && !load.get().finished()) {
            throw new InvalidSettingException("sync", "Load run " + load.get().id() + " (started " + load.get().startedAt()
                    + ") did not finish, so its tables are partly copied. Finish it with load --resume (or start over with"
                    + " load --reset), then sync.");
        }
        List<SyncTable> tables = planner.plan(request);
        checkTargetTables(tables);
        // read once for the run: where each table's probe starts, and the lag of these tables, which
        // counts from the last sync the ledger knows, also one of an earlier process
        Map<String, SyncState> states = ledger.syncStates().stream().collect(Collectors.toMap(SyncState::table, s -> s));
        exchange.setProperty(STATES, states);
        for (SyncTable t : tables) {
            SyncState s = states.get(t.id());
            if (s != null && s.syncedAt() != null) {
                health.syncedBefore(t.id(), s.syncedAt());
            }
        }
        Optional<RunRecord> opened = slot.openedEarlier("sync", exchange);
        long runId = opened.isPresent() ? opened.get().id() : slot.open("sync", exchange);
        List<TablePlan> plans = tables.stream().map(SyncTable::plan).toList();
        ledger.recordTables(runId, plans);
        Map<String, Long> estimates = new LinkedHashMap<>();
        plans.forEach(p -> estimates.put(p.id(), -1L));
        RunReport report = new RunReport("Sync", runId, estimates, settings.progressEvery(),
                "java -jar target/camel-replicator.jar sync", meters, health);
        CONSOLE.info("Sync run {}: {} tables, {} workers", runId, tables.size(), settings.workers());
        slot.started(new RunContext(runId, request, plans, report), exchange);
        return tables;
    }

    /** Sync writes into the tables a load created; a missing one is named with what to do. */
    private void checkTargetTables(List<SyncTable> tables) throws SQLException {
        List<String> missing = new ArrayList<>();
        try (Connection c = databases.target().getConnection()) {
            for (SyncTable t : tables) {
                String schema = t.plan().targetSchema();
                try (ResultSet rs = c.getMetaData().getTables(null, schema, t.plan().targetName(), null)) {
                    if (!rs.next()) {
                        missing.add(t.id() + " (" + t.plan().targetQualifiedName() + ")");
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidSettingException("sync", "Sync updates tables a load created, and the target has no table for "
                    + String.join(", ", missing) + ". Run load first (load --tables=... for just these).");
        }
    }

    /**
     * The probe: one small query on the source. Answers the reads of the changed rows: one, or one
     * per window of a catch-up (replicator.sync.window), each upserted in its own transaction; none
     * when the table is unchanged.
     */
    public List<Chunk> probe(SyncTable table, Exchange exchange) throws SQLException {
        stop.check(table.id());
        RunContext run = RunContext.of(exchange);
        run.report().tableStarted(table.id());
        ledger.resumeTable(run.runId(), table.id());
        Map<?, ?> states = exchange.getProperty(STATES, Map.class);
        Optional<SyncState> previous = Optional.ofNullable((SyncState) states.get(table.id()));
        if (previous.isEmpty()) {
            LOG.warn("{}: sync has no watermark for it yet (loaded before its watermark was configured); this sync reads and upserts every row",
                    table.id());
        }
        Watermarks.Probe probe = watermarks.probe(table, previous);
        exchange.setProperty(CHANGES, new Changes(table, probe, previous, new AtomicLong()));
        if (!probe.changed()) {
            return List.of();
        }
        List<KeyRange.Changed> windows = this.windows.ranges(table, probe);
        if (windows.size() > 1) {
            LOG.info("{}: catching up in {} windows, each its own transaction; the first: {}", table.id(), windows.size(), windows.get(0).describe());
        }
        List<Chunk> reads = new ArrayList<>(windows.size());
        for (KeyRange.Changed window : windows) {
            reads.add(new Chunk(run.runId(), table.plan(), reads.size(), windows.size(), window));
        }
        return reads;
    }

    /**
     * The table's after-sync actions due now (routes/after-actions.camel.yaml, after-sync-table): its
     * changes and deletes are committed; a table this sync found unchanged has none due (unless its
     * previous sync did not end well, see {@link AfterActions#ofSyncedTable}).
     */
    public List<AfterActions.Step> afterSyncActions(SyncTable table, Exchange exchange) throws SQLException {
        return afterActions.ofSyncedTable(table.plan(), !unchanged(exchange), RunContext.of(exchange).runId());
    }

    /** The probe found nothing to read and the delete check deleted nothing. */
    private static boolean unchanged(Exchange exchange) {
        Changes changes = exchange.getProperty(CHANGES, Changes.class);
        long deleted = exchange.getProperty(DeleteReconciler.DELETED, 0L, Long.class);
        return !changes.probe().changed() && deleted == 0;
    }

    /** The table is in step: its changes (and deletes) committed, or the probe found nothing to do. */
    public void tableSynced(SyncTable table, Exchange exchange) throws SQLException {
        RunContext run = RunContext.of(exchange);
        Changes changes = exchange.getProperty(CHANGES, Changes.class);
        long upserted = changes.upserted().get();
        long deleted = exchange.getProperty(DeleteReconciler.DELETED, 0L, Long.class);
        boolean unchanged = unchanged(exchange);
        // the watermark committed with the rows; this records when, and what the last sync did
        Optional<SyncState> state = ledger.syncState(table.id());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        SyncState recorded = state.orElse(new SyncState(table.id(), table.watermark(), changes.probe().watermark(),
                changes.probe().sourceRows(), now, null, 0, 0));
        try (Connection c = databases.target().getConnection()) {
            c.setAutoCommit(false);
            ledger.saveSyncState(c, new SyncState(table.id(), recorded.watermarkColumn(), recorded.watermark(), recorded.sourceRows(), now,
                    unchanged ? recorded.changedAt() : now, unchanged ? 0 : recorded.rowsUpserted(), deleted));
            c.commit();
        }
        ledger.finishTable(run.runId(), table.id(), unchanged ? TableRecord.UNCHANGED : TableRecord.DONE, upserted, null);
        if (deleted > 0) {
            run.report().rowsDeleted(table.id(), deleted);
        }
        run.report().tableFinished(table.id(), unchanged ? Outcome.UNCHANGED : Outcome.DONE, null);
    }

    /**
     * The table's sync failed for good: its changes rolled back, its watermark did not move; the
     * others go on. {@code failure} is what the table's doCatch caught.
     */
    public void tableFailed(SyncTable table, @Variable(RunContext.FAILURE) Throwable failure, Exchange exchange) throws SQLException {
        RunContext run = RunContext.of(exchange);
        if (stop.stopping()) {
            LOG.warn("Sync of {} stopped on request; its changes rolled back and the next sync reads them again", table.id());
            return;
        }
        String message = Errors.withGrants(Errors.describe(failure), databases.grantsFor(failure));
        ledger.finishTable(run.runId(), table.id(), TableRecord.FAILED, 0, message);
        LOG.error(org.camelreplicator.observe.LogFile.FILE_ONLY, "Sync of {} failed: {}", table.id(), message, failure);
        run.report().tableFinished(table.id(), Outcome.FAILED, message);
    }

    /** Closes the run in the ledger, prints the summary and answers the exit status. */
    public int finishSync(@ExchangeProperty(RunContext.PROPERTY) RunContext run, Exchange exchange) throws SQLException, java.io.IOException {
        return slot.finish(run, exchange);
    }
}

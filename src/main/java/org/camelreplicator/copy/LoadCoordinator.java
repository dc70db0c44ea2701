package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.dialect.Privilege;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.RunRecord;
import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.ledger.TableRecord;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.observe.Health;
import org.camelreplicator.observe.LogFile;
import org.camelreplicator.observe.Meters;
import org.camelreplicator.observe.RunReport;
import org.camelreplicator.observe.RunReport.Outcome;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.LoadPlanner;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.run.RunSlot;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.run.UnfinishedRunException;
import org.camelreplicator.schema.TargetSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * The steps of the load routes that begin and end a run and its tables, keeping the ledger, the
 * report and the target in step. The chunks themselves go through {@link ChunkTransactions}.
 */
public final class LoadCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(LoadCoordinator.class);
    /** Exchange property: how many runs --reset forgot, once it did. */
    private static final String FORGOTTEN = "replicatorForgotten";

    private final Databases databases;
    private final ReplicatorSettings settings;
    private final LoadPlanner planner;
    private final TargetSchema targetSchema;
    private final Ledger ledger;

    private final StopSignal stop;
    private final RunSlot slot;
    private final FirstWatermark firstWatermark;
    private final Meters meters;
    private final Health health;

    public LoadCoordinator(Databases databases, ReplicatorSettings settings, LoadPlanner planner, TargetSchema targetSchema,
                           Ledger ledger, StopSignal stop, RunSlot slot, Meters meters, Health health,
                           FirstWatermark firstWatermark) {
        this.firstWatermark = firstWatermark;
        this.slot = slot;
        this.meters = meters;
        this.health = health;
        this.databases = databases;
        this.settings = settings;
        this.planner = planner;
        this.targetSchema = targetSchema;
        this.ledger = ledger;
        this.stop = stop;
    }

    /**
     * Opens a new run or resumes the unfinished one, and returns the tables still to copy.
     * An unfinished run is never silently re-copied: without --resume or --reset this refuses.
     * Retried from its start on transient failures (routes/load.camel.yaml, start-load), so each
     * attempt finds what an earlier one recorded: the run it opened ({@link RunSlot#openedEarlier}),
     * the tables it recorded, the ledger it reset.
     */
    public List<TablePlan> startLoad(RunRequest request, Exchange exchange) throws SQLException, java.io.IOException {
        // what refuses the command comes before anything is written: a refused command leaves no run behind
        List<TablePlan> planned = planner.planTables(request);
        startIndex(planned);
        org.camelreplicator.schema.Views.requireSupported(databases, settings);
        databases.requireTargetPrivileges("load", privilegesNeeded(planned));
        ledger.ensureCreated();
        Optional<RunRecord> opened = slot.openedEarlier("load", exchange);
        Optional<RunRecord> unfinished = opened.isPresent() ? Optional.empty() : ledger.latestRun("load").filter(r -> !r.finished());
        if (unfinished.isPresent() && !request.resume() && !request.reset()) {
            throw new UnfinishedRunException(unfinished.get(), ledger.tables(unfinished.get().id()).values());
        }
        if (unfinished.isPresent() && !request.reset()) {
            refuseChangedRowFilters(unfinished.get(), planned);
            refuseChangedTransforms(unfinished.get(), planned);
        }
        List<String> said = new ArrayList<>();
        if (request.reset() && opened.isEmpty()) {
            Integer forgotten = exchange.getProperty(FORGOTTEN, Integer.class);
            if (forgotten == null) {
                forgotten = ledger.reset();
                exchange.setProperty(FORGOTTEN, forgotten);
            }
            said.add("--reset: the ledger forgot " + forgotten + " earlier run(s); every table is emptied again before it is loaded");
            unfinished = Optional.empty();
        }
        List<TablePlan> plans = targetSchema.prepareForLoad(planned);
        long runId;
        if (opened.isPresent()) {
            runId = opened.get().id();
        } else if (unfinished.isPresent()) {
            runId = unfinished.get().id();
            ledger.setRunStatus(runId, RunRecord.RUNNING);
            said.add("Resuming run " + runId + " (started " + unfinished.get().startedAt() + ")");
        } else {
            if (request.resume()) {
                said.add("--resume: no unfinished run in the ledger, starting a new one");
            }
            if (!request.noTruncate()) {
                targetSchema.dropForeignKeysAmong(plans);
            }
            runId = slot.open("load", exchange);
            for (String stream : ledger.exactHandOffsReplayedOver()) {
                said.add("Hand-off to stream " + stream + ": convergent replay from now on, no longer exact. This load reads the"
                        + " source's current rows, and the stream re-applies by key the changes since its offset that the load"
                        + " also copies (the target still converges to the source)");
            }
        }
        Map<String, TableRecord> recorded = ledger.tables(runId);
        plans = inRecordedOrder(plans, recorded);
        ledger.recordTables(runId, plans);
        recorded = ledger.tables(runId);
        Map<String, Long> estimates = new java.util.LinkedHashMap<>();
        plans.forEach(p -> estimates.put(p.id(), p.source().estimatedRows()));
        RunReport report = new RunReport(runId, estimates,
                settings.progressEvery(), "java -jar target/camel-replicator.jar load --resume", meters, health);
        report.notCarried(targetSchema.notCarried(plans));
        if (!report.notCarried().isEmpty()) {
            CONSOLE.info("Not carried to the target: {} (listed in the summary and the run report)",
                    RunReport.notCarriedCounts(report.notCarried()));
        }
        int startAt = startIndex(plans);
        java.util.Set<String> skip = planner.skipped(plans);
        List<TablePlan> todo = new ArrayList<>();
        for (TablePlan plan : plans) {
            TableRecord r = recorded.get(plan.id());
            if (skip.contains(plan.id()) && !TableRecord.DONE.equals(r.status()) && !TableRecord.SKIPPED.equals(r.status())) {
                String why = "skipped by --skip (replicator.skip)" + (r.error() == null ? "" : "; it had failed: " + r.error());
                ledger.finishTable(runId, plan.id(), TableRecord.SKIPPED, r.rowsCopied(), why);
                report.tableFinished(plan.id(), Outcome.SKIPPED, why);
                CONSOLE.info("Skipped {}: {}", plan.id(), why);
            } else if (TableRecord.DONE.equals(r.status()) || TableRecord.SKIPPED.equals(r.status())) {
                report.rowsAlreadyCopied(plan.id(), r.rowsCopied());
                report.tableFinished(plan.id(), Outcome.SKIPPED, null);
            } else if (plan.order() < startAt) {
                ledger.finishTable(runId, plan.id(), TableRecord.SKIPPED, 0, "skipped by --start-from-table=" + settings.startFromTable());
                report.tableFinished(plan.id(), Outcome.SKIPPED, null);
            } else {
                todo.add(plan);
            }
        }
        said.forEach(CONSOLE::info);
        CONSOLE.info("Run {}: {} tables to copy ({} already done), {} workers", runId, todo.size(),
                plans.size() - todo.size(), settings.workers());
        slot.started(new RunContext(runId, request, plans, report), exchange);
        return todo;
    }

    /**
     * A resumed table keeps the row filter its chunks were planned and copied under: chunks copied
     * under one filter and chunks under another would make a copy that matches neither. So a resume
     * whose settings give a table another filter (or none, or a first one) is refused before anything
     * is written, naming the table, the setting and both conditions.
     */
    private void refuseChangedRowFilters(RunRecord run, List<TablePlan> plans) throws SQLException {
        Map<String, String> recorded = ledger.rowFilters(run.id());
        for (TablePlan plan : plans) {
            String was = recorded.get(plan.id());
            if (was == null) {
                continue;
            }
            String now = plan.sourceFilter(databases.sourceDialect());
            if (!was.equals(now)) {
                String setting = plan.settings().rowFilter() != null ? plan.settings().rowFilter().settings()
                        : ReplicatorSettings.TABLE_PREFIX + plan.source().name() + ".where (or .soft-delete)";
                throw new InvalidSettingException(setting, "Table " + plan.id() + " was planned in run " + run.id() + " with "
                        + (was.isEmpty() ? "no row filter" : "the row filter " + was.replace("\n)", ")")) + "; the settings now give "
                        + (now.isEmpty() ? "none" : now.replace("\n)", ")")) + " (" + setting + "). Chunks copied under one filter"
                        + " and chunks under another would match neither. Set " + setting + " back to resume, or load --reset to copy"
                        + " every table again under the new settings (or finish this run, then load --tables=" + plan.id() + ").");
            }
        }
    }

    /**
     * The same for a table's column transform: chunks written by one route and chunks by another would
     * make a table of two shapes or two maskings. The route's shape and a fingerprint of its steps are
     * recorded with the plan; a resume whose route differs is refused, naming the table and the setting.
     */
    private void refuseChangedTransforms(RunRecord run, List<TablePlan> plans) throws SQLException {
        Map<String, String> recorded = ledger.transforms(run.id());
        for (TablePlan plan : plans) {
            String was = recorded.get(plan.id());
            if (was == null) {
                continue;
            }
            String now = plan.transform() == null ? "" : plan.transform().recorded();
            if (!was.equals(now)) {
                String setting = plan.transform() != null ? plan.transform().setting()
                        : org.camelreplicator.config.TransformSettings.key(plan.source().name());
                throw new InvalidSettingException(setting, "Table " + plan.id() + " was planned in run " + run.id() + " with "
                        + (was.isEmpty() ? "no column transform" : "the transform " + was) + "; the settings and routes now give "
                        + (now.isEmpty() ? "none" : now) + " (" + setting + "). Chunks written by one transform and chunks by another"
                        + " would match neither. Put the route back as it was to resume, or load --reset to copy every table again"
                        + " (or finish this run, then load --tables=" + plan.id() + ").");
            }
        }
    }

    /**
     * What the load needs on the target before its first table: the ledger's schema, the target
     * schemas, and the tables created in them. CREATE SCHEMA IF NOT EXISTS (the ledger's, the
     * target's) is checked against the database even when the schema exists, and CREATE TABLE IF
     * NOT EXISTS against the schema even when the table exists.
     */
    private List<Privilege> privilegesNeeded(List<TablePlan> plans) {
        List<Privilege> needed = new ArrayList<>(Privilege.onDatabase("CREATE"));
        needed.addAll(Privilege.onSchema(settings.ledgerSchema(), "USAGE", "CREATE"));
        for (String schema : plans.stream().map(TablePlan::targetSchema).filter(java.util.Objects::nonNull).distinct().toList()) {
            needed.addAll(targetSchema.tablesExist() ? Privilege.onSchema(schema, "USAGE") : Privilege.onSchema(schema, "USAGE", "CREATE"));
        }
        return needed;
    }

    /** A resumed run keeps the order it was planned in (row estimates may have changed since); a new one keeps the plan's. */
    private static List<TablePlan> inRecordedOrder(List<TablePlan> plans, Map<String, TableRecord> recorded) {
        List<TablePlan> sorted = new ArrayList<>(plans);
        sorted.sort(Comparator.comparingInt((TablePlan p) -> recorded.containsKey(p.id()) ? recorded.get(p.id()).planOrder() : Integer.MAX_VALUE)
                .thenComparingInt(TablePlan::order));
        List<TablePlan> result = new ArrayList<>(sorted.size());
        for (TablePlan p : sorted) {
            result.add(p.withOrder(result.size()));
        }
        return result;
    }

    /** The plan position --start-from-table names (found as every setting's table is: LoadPlanner.startFrom), 0 when not given. */
    private int startIndex(List<TablePlan> plans) {
        return planner.startFrom(plans).map(TablePlan::order).orElse(0);
    }

    /**
     * Creates the target table if needed and returns the table's chunks. A table without a
     * recorded plan (its first start in this run, or a start that failed before its chunks were
     * recorded) empties the target table, records the chunks and marks the table running in one
     * transaction; a table with a recorded plan keeps it, and the chunk route skips the done chunks.
     */
    public List<Chunk> startTable(TablePlan table, @ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        if (stop.stopping()) {
            return List.of();
        }
        targetSchema.ensureTable(table);
        TableRecord record = ledger.table(run.runId(), table.id());
        List<KeyRange> ranges;
        if (!record.planned()) {
            ranges = planner.planChunks(table);
            boolean truncate = !run.request().noTruncate();
            String qualified = qualified(table);
            if (!truncate) {
                LOG.warn("--no-truncate: rows already in {} stay; rows of an earlier copy of {} would now be there twice",
                        qualified, table.id());
            }
            SyncState syncFrom = firstWatermark.before(table);
            ledger.startTable(run.runId(), table, ranges, c -> {
                if (syncFrom != null) {
                    ledger.saveSyncState(c, syncFrom);
                }
                if (truncate) {
                    try (Statement st = c.createStatement()) {
                        st.execute(databases.targetDialect().truncateSql(qualified));
                    }
                }
                // a partitioned table's partitions commit with its plan, after it was emptied (its old DEFAULT
                // partition may have held rows of a month that now gets a partition of its own)
                partitionsReady(table, targetSchema.ensurePartitions(c, table, ranges));
                // what the table's end compares the copied rows with
                return truncate ? 0 : countRows(c, qualified);
            });
        } else {
            ranges = ledger.chunkRanges(run.runId(), table.id());
            if (table.settings().partitionBy() != null) {
                // committed with the plan; made again (IF NOT EXISTS) and checked, so a resumed chunk finds its partition
                try (Connection c = databases.target().getConnection()) {
                    c.setAutoCommit(true);
                    partitionsReady(table, targetSchema.ensurePartitions(c, table, ranges));
                }
            }
            ledger.resumeTable(run.runId(), table.id());
            run.report().rowsAlreadyCopied(table.id(), record.rowsCopied());
        }
        run.report().tableStarted(table.id());
        List<Chunk> chunks = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            chunks.add(new Chunk(run.runId(), table, i, ranges.size(), ranges.get(i)));
        }
        return chunks;
    }

    private static void partitionsReady(TablePlan table, List<org.camelreplicator.plan.MonthPartitions.Partition> partitions) {
        if (!partitions.isEmpty()) {
            LOG.info("{}: partitioned by month of {}: {} partitions ({} .. {})", table.id(), table.settings().partitionBy(),
                    partitions.size(), partitions.get(0).name(), partitions.get(partitions.size() - 1).name());
        }
    }

    /**
     * Every chunk of the table's recorded plan committed: the table is done, once the target
     * table holds exactly the rows its chunks committed (and those it held before, with
     * --no-truncate). A difference means something wrote to the table around the ledger, and the
     * table fails rather than being called done.
     */
    public void finishTable(TablePlan table, @ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        if (stop.stopping()) {
            return;
        }
        TableRecord record = ledger.table(run.runId(), table.id());
        if (!record.planned() || record.chunksDone() != record.chunksTotal()) {
            throw new IllegalStateException("Table " + table.id() + " has " + record.chunksDone() + " of "
                    + (record.planned() ? record.chunksTotal() + " chunks" : "its (unrecorded) chunks") + " done after its last chunk ended;"
                    + " run load --resume to copy the rest");
        }
        String qualified = qualified(table);
        long expected = record.rowsBefore() + record.rowsCopied();
        long actual;
        try (Connection c = databases.target().getConnection()) {
            actual = countRows(c, qualified);
        }
        if (actual != expected) {
            throw new RowCountMismatchException(table.id() + ": the target table " + qualified + " holds " + rows(actual)
                    + " rows, but its committed chunks account for " + rows(expected) + " (" + rows(record.rowsCopied())
                    + " copied by this run" + (record.rowsBefore() > 0 ? " + " + rows(record.rowsBefore()) + " there before it" : "")
                    + ", rejected rows aside). Something wrote to or deleted from the table outside this load (another process, a"
                    + " trigger or rule on it, a second load into the same table). Find it, then copy the table again with:"
                    + " java -jar target/camel-replicator.jar load --reset --tables=" + table.id());
        }
        ledger.finishTable(run.runId(), table.id(), TableRecord.DONE, record.rowsCopied(), null);
        run.report().tableFinished(table.id(), Outcome.DONE, null);
    }

    /**
     * The table failed for good: it stops, the others go on. {@code failure} is what its doCatch
     * caught, kept in a variable because a retry of this step replaces the exchange's caught exception.
     */
    public void tableFailed(TablePlan table, @Variable(RunContext.FAILURE) Throwable failure, Exchange exchange) throws SQLException {
        RunContext run = RunContext.of(exchange);
        if (stop.stopping()) {
            // not a failure: the table stays running in the ledger and --resume continues it
            LOG.warn("Table {} stopped on request; its unfinished chunks rolled back", table.id());
            return;
        }
        String message = Errors.withGrants(Errors.describe(failure), databases.grantsFor(failure));
        long rows = ledger.table(run.runId(), table.id()).rowsCopied();
        ledger.finishTable(run.runId(), table.id(), TableRecord.FAILED, rows, message);
        // the console has the table's line from the run report; the log file gets the stack trace
        LOG.error(LogFile.FILE_ONLY, "Table {} failed: {}", table.id(), message, failure);
        run.report().tableFinished(table.id(), Outcome.FAILED, message);
    }

    private static String rows(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    private String qualified(TablePlan table) {
        return databases.targetDialect().qualifiedTarget(table.targetSchema(), table.targetName());
    }

    private static long countRows(Connection c, String qualifiedTable) throws SQLException {
        try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + qualifiedTable)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Closes the run in the ledger, prints the summary and answers the process exit status. */
    public int finishLoad(@ExchangeProperty(RunContext.PROPERTY) RunContext run, Exchange exchange) throws SQLException, java.io.IOException {
        return slot.finish(run, exchange);
    }
}

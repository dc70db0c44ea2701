package org.camelreplicator.verify;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.copy.ChunkReader;
import org.camelreplicator.run.RunSlot;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.RunRecord;
import org.camelreplicator.ledger.VerifyRangeRecord;
import org.camelreplicator.ledger.VerifyTableRecord;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.observe.Health;
import org.camelreplicator.observe.Meters;
import org.camelreplicator.observe.RunReport;
import org.camelreplicator.observe.RunReport.Outcome;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.LoadPlanner;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * The steps of the verify routes (routes/verify.camel.yaml) that begin and end a verify run and its
 * tables. Ranges are compared by {@link RangeComparer} and repaired through
 * {@link RepairTransactions}; the outcome of every table and range is kept in the ledger
 * (verify_tables, verify_ranges, verify_keys), so {@code status} shows it and {@code --resume}
 * continues a run: tables it finished are not compared again, and with {@code --repair} the ranges
 * it found differing are repaired without comparing the table again.
 */
public final class VerifyCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(VerifyCoordinator.class);

    private final Databases databases;
    private final ReplicatorSettings settings;
    private final LoadPlanner loadPlanner;
    private final VerifyPlanner planner;
    private final Ledger ledger;
    private final RunSlot slot;
    private final StopSignal stop;
    private final Meters meters;
    private final Health health;

    public VerifyCoordinator(Databases databases, ReplicatorSettings settings, LoadPlanner loadPlanner, Ledger ledger, RunSlot slot,
                             StopSignal stop, Meters meters, Health health) {
        this.databases = databases;
        this.settings = settings;
        this.loadPlanner = loadPlanner;
        this.planner = new VerifyPlanner(databases, settings, loadPlanner, ledger);
        this.ledger = ledger;
        this.slot = slot;
        this.stop = stop;
        this.meters = meters;
        this.health = health;
    }

    /** The bean that compares ranges, sharing this coordinator's connections to both sides. */
    public RangeComparer rangeComparer(ChunkReader reader) {
        return new RangeComparer(new TableSides(databases, reader, settings.fetchSize()), ledger, meters, stop, settings.verify());
    }

    /** The bean that rewrites differing ranges. */
    public RepairTransactions repairTransactions() {
        return new RepairTransactions(databases, ledger, stop, meters, settings);
    }

    /**
     * Opens a verify run (or, with --resume, continues the last one that did not end done) and
     * returns its tables. Verify takes the run slot like a load: it never runs beside another run
     * on the same ledger, so it does not compare a table while a load writes it.
     */
    public List<TablePlan> startVerify(RunRequest request, Exchange exchange) throws SQLException {
        ledger.ensureCreated();
        Optional<RunRecord> opened = slot.openedEarlier("verify", exchange);
        Optional<RunRecord> unfinished = opened.isPresent() ? opened : ledger.latestRun("verify").filter(r -> !r.finished());
        if (request.resume() && unfinished.isEmpty()) {
            CONSOLE.info("--resume: no unfinished verify run in the ledger, starting a new one");
        }
        // a retried start resumes the run its earlier attempt opened
        boolean resume = opened.isPresent() || (request.resume() && unfinished.isPresent());
        List<TablePlan> plans = loadPlanner.planTables(request);
        refuseTransformed(plans, "verify compares the source's rows with the target's value by value");
        long runId;
        Map<String, VerifyTableRecord> recorded = Map.of();
        if (resume) {
            runId = unfinished.get().id();
            ledger.setRunStatus(runId, RunRecord.RUNNING);
            recorded = ledger.verifyTables(runId);
            if (opened.isEmpty()) {
                CONSOLE.info("Resuming verify run {} (started {})", runId, unfinished.get().startedAt());
            }
        } else {
            runId = slot.open("verify", exchange);
        }
        boolean repair = settings.verify().repair();
        VerifyRun run = new VerifyRun(runId, repair, planner.targetTables(), recorded, plans.stream().map(TablePlan::id).toList());
        exchange.setProperty(VerifyRun.PROPERTY, run);
        Map<String, Long> estimates = new LinkedHashMap<>();
        plans.forEach(p -> estimates.put(p.id(), p.source().estimatedRows()));
        RunReport report = new RunReport("Verify", runId, estimates, settings.progressEvery(),
                "java -jar target/camel-replicator.jar verify --repair --resume", meters, health);
        report.details(run);
        CONSOLE.info("Verify run {}: {} tables{}, {} workers", runId, plans.size(), repair ? ", repairing the ranges that differ" : "",
                settings.workers());
        slot.started(new RunContext(runId, request, plans, report), exchange);
        return plans;
    }

    /**
     * Starts a table: decides its ranges and how its values compare, and records it in the ledger
     * as running with its ranges pending. A table of a resumed run that ended before is reported as
     * it ended; one whose load did not finish is not compared.
     */
    public VerifyTable startTable(TablePlan plan, Exchange exchange) throws SQLException {
        if (stop.stopping()) {
            throw new StopSignal.RunStoppedException("Stopped on request before the verify of " + plan.id() + "; verify --resume verifies it");
        }
        VerifyRun run = VerifyRun.of(exchange);
        RunReport report = RunContext.of(exchange).report();
        VerifyTableRecord recorded = run.recorded(plan.id());
        VerifyTable table;
        if (recorded != null && recorded.finished() && !VerifyTableRecord.NOT_LOADED.equals(recorded.status())) {
            table = VerifyTable.recorded(plan, recorded, run.repair());
        } else {
            table = planner.plan(plan, run);
        }
        run.add(table);
        report.tableStarted(plan.id());
        switch (table.mode()) {
            case DONE -> {
                report.rowsAlreadyCopied(plan.id(), recorded.sourceRows());
                run.outcome(plan.id(), recorded.status());
            }
            case REPAIR_ONLY -> report.rowsAlreadyCopied(plan.id(), recorded.sourceRows());
            default -> ledger.startVerifyTable(run.runId(), plan.id(), table.targetTable(), table.ranges());
        }
        return table;
    }

    /** The table's ranges to compare: all of them for a table being compared, none otherwise. */
    public List<RangeCheck> ranges(VerifyTable table) {
        if (table.mode() != VerifyTable.Mode.COMPARE) {
            return List.of();
        }
        List<RangeCheck> checks = new ArrayList<>(table.ranges().size());
        for (int i = 0; i < table.ranges().size(); i++) {
            checks.add(new RangeCheck(table, i, table.ranges().get(i)));
        }
        return checks;
    }

    /**
     * The ranges to repair with --repair: those the ledger holds as differing (and not repaired yet)
     * for this table in this run, each as a chunk of the repair route.
     */
    public List<Chunk> repairs(VerifyTable table, Exchange exchange) throws SQLException {
        VerifyRun run = VerifyRun.of(exchange);
        if (!run.repair() || (table.mode() != VerifyTable.Mode.COMPARE && table.mode() != VerifyTable.Mode.REPAIR_ONLY)) {
            return List.of();
        }
        List<VerifyRangeRecord> ranges = ledger.verifyRanges(run.runId(), table.id());
        List<VerifyRangeRecord> differing = ranges.stream().filter(r -> VerifyRangeRecord.DIFFERS.equals(r.status())).toList();
        if (differing.isEmpty()) {
            return List.of();
        }
        refuseCascades(table);
        int total = ranges.stream().mapToInt(VerifyRangeRecord::number).max().orElse(0) + 1;
        List<Chunk> repairs = new ArrayList<>(differing.size());
        for (VerifyRangeRecord r : differing) {
            repairs.add(new Chunk(run.runId(), table.plan(), r.number(), total, r.range()));
        }
        LOG.info("{}: repairing {} ranges that differ", table.id(), repairs.size());
        return repairs;
    }

    /**
     * A repair deletes the rows of a range and copies them again. A foreign key that deletes or
     * changes other rows when a referenced row is deleted would reach outside the range, so such a
     * table is not repaired; a key that merely forbids deleting referenced rows stops the repair with
     * the server's message if the range holds one.
     */
    private void refuseCascades(VerifyTable table) throws SQLException {
        TablePlan plan = table.plan();
        try (Connection c = databases.target().getConnection();
             ResultSet rs = c.getMetaData().getExportedKeys(null, plan.targetSchema(), plan.targetName())) {
            while (rs.next()) {
                int rule = rs.getShort("DELETE_RULE");
                if (rule == DatabaseMetaData.importedKeyCascade || rule == DatabaseMetaData.importedKeySetNull
                        || rule == DatabaseMetaData.importedKeySetDefault) {
                    String what = rule == DatabaseMetaData.importedKeyCascade ? "CASCADE" : rule == DatabaseMetaData.importedKeySetNull
                            ? "SET NULL" : "SET DEFAULT";
                    throw new IllegalStateException("verify --repair deletes the rows of " + table.targetTable() + "'s differing ranges and"
                            + " copies them again, and foreign key " + rs.getString("FK_NAME") + " of " + rs.getString("FKTABLE_NAME")
                            + " references it ON DELETE " + what + ", which would change rows of " + rs.getString("FKTABLE_NAME")
                            + " outside those ranges. Drop that constraint, repair, and add it again.");
                }
            }
        }
    }

    /** The table is compared (and repaired): its outcome goes to the ledger, the health and the report. */
    public void finishTable(VerifyTable table, Exchange exchange) throws SQLException {
        VerifyRun run = VerifyRun.of(exchange);
        RunReport report = RunContext.of(exchange).report();
        if (table.mode() == VerifyTable.Mode.DONE) {
            String status = run.recorded(table.id()).status();
            health.verified(table.id(), VerifyTableRecord.DIFFERS.equals(status));
            report.tableFinished(table.id(), outcome(status), null);
            return;
        }
        String status;
        String note = null;
        if (table.mode() == VerifyTable.Mode.NOT_LOADED) {
            status = VerifyTableRecord.NOT_LOADED;
            note = "not compared: " + table.notLoadedReason();
        } else if (table.rangesDiffering.get() == 0) {
            status = VerifyTableRecord.EQUAL;
        } else if (run.repair()) {
            status = VerifyTableRecord.REPAIRED;
            note = String.format(Locale.ROOT, "%d differing rows; %,d rows copied again of %,d", table.differingRows(),
                    table.repairedRows.get(), table.sourceRows.get());
        } else {
            status = VerifyTableRecord.DIFFERS;
            note = differences(table);
        }
        ledger.finishVerifyTable(record(run.runId(), table, status, null));
        run.outcome(table.id(), status);
        health.verified(table.id(), VerifyTableRecord.DIFFERS.equals(status));
        report.tableFinished(table.id(), outcome(status), note);
    }

    /** A range of the table failed for good (or the table could not start): the table fails, the others go on. */
    public void tableFailed(TablePlan plan, Exchange exchange) throws SQLException {
        VerifyRun run = VerifyRun.of(exchange);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (stop.stopping()) {
            LOG.warn("Verify of {} stopped on request; verify --resume goes on with it", plan.id());
            return;
        }
        String message = Errors.withGrants(Errors.describe(error), databases.grantsFor(error));
        // the console has the table's line from the run report; the log file gets the stack trace
        LOG.error(org.camelreplicator.observe.LogFile.FILE_ONLY, "Verify of {} failed: {}", plan.id(), message, error);
        VerifyTable table = run.tableOrNull(plan.id());
        if (table != null) {
            ledger.finishVerifyTable(record(run.runId(), table, VerifyTableRecord.FAILED, message));
        }
        run.outcome(plan.id(), VerifyTableRecord.FAILED);
        RunContext.of(exchange).report().tableFinished(plan.id(), Outcome.FAILED, message);
    }

    /** Closes the run in the ledger, prints the summary and answers the exit status: 1 when a table differs or failed. */
    public int finishVerify(@ExchangeProperty(RunContext.PROPERTY) RunContext run, Exchange exchange) throws SQLException, IOException {
        return slot.finish(run, exchange);
    }

    private static VerifyTableRecord record(long runId, VerifyTable t, String status, String error) {
        return new VerifyTableRecord(runId, t.id(), t.targetTable(), status, t.rangesTotal(), t.rangesEqual.get(), t.rangesDiffering.get(),
                t.sourceRows.get(), t.targetRows.get(), t.missing.get(), t.extra.get(), t.changed.get(), t.repairedRows.get(), null, null, error);
    }

    private static String differences(VerifyTable t) {
        List<String> kinds = new ArrayList<>();
        if (t.missing.get() > 0) {
            kinds.add(String.format(Locale.ROOT, "%,d missing", t.missing.get()));
        }
        if (t.extra.get() > 0) {
            kinds.add(String.format(Locale.ROOT, "%,d extra", t.extra.get()));
        }
        if (t.changed.get() > 0) {
            kinds.add(String.format(Locale.ROOT, "%,d changed", t.changed.get()));
        }
        if (t.unnamed.get() > 0) {
            kinds.add(String.format(Locale.ROOT, "%,d+ rows without a key", t.unnamed.get()));
        }
        return String.join(", ", kinds) + " in " + t.rangesDiffering.get() + " of " + t.rangesTotal() + " ranges";
    }

    private static Outcome outcome(String status) {
        return switch (status) {
            case VerifyTableRecord.EQUAL -> Outcome.EQUAL;
            case VerifyTableRecord.DIFFERS -> Outcome.DIFFERS;
            case VerifyTableRecord.REPAIRED -> Outcome.REPAIRED;
            case VerifyTableRecord.NOT_LOADED -> Outcome.NOT_LOADED;
            default -> Outcome.FAILED;
        };
    }

    /**
     * A table with a column transform holds rows its source does not have as they are (masked, dropped,
     * added columns): comparing them would report every row as differing, so the command refuses it
     * before it starts, naming the tables and what to do.
     */
    public static void refuseTransformed(List<TablePlan> plans, String why) {
        List<TablePlan> transformed = plans.stream().filter(p -> p.transform() != null).toList();
        if (!transformed.isEmpty()) {
            throw new org.camelreplicator.config.InvalidSettingException(transformed.get(0).transform().setting(), "Table(s) "
                    + String.join(", ", transformed.stream().map(TablePlan::id).toList()) + " have a column transform ("
                    + transformed.get(0).transform().setting() + "), and " + why + ", which the transform changed on purpose."
                    + " Leave them out with --exclude=" + String.join(",", transformed.stream().map(p -> p.source().name()).toList()) + ".");
        }
    }
}

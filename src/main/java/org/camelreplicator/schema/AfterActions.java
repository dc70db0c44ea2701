package org.camelreplicator.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.camelreplicator.config.AfterActionSettings;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.ledger.AfterActionRecord;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.TableRecord;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.observe.LogFile;
import org.camelreplicator.plan.AfterAction;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * After-actions (routes/after-actions.camel.yaml): the user's SQL run on the target after a table's
 * load is complete, after the whole load, and after a sync that changed a table. The route runs each
 * statement through camel-jdbc; this bean says which actions are still to run, records each in the
 * ledger's {@code after_actions} (running, done, failed), and turns a failure into a message that
 * names the table, the setting, the SQL, the database's error and what to do.
 *
 * <p>A load's table reaches the phase {@value #PHASE} after its after-data phases, and {@code complete}
 * once its actions are done; an action done in the ledger (with the same SQL) is not run again by
 * {@code load --resume}. The statement and its ledger mark cannot share a transaction (the route runs
 * the statement on a connection of its own, and VACUUM or CREATE INDEX CONCURRENTLY must not run in
 * one), so an action whose answer was lost, or a transient failure's retry, runs it again: actions are
 * meant to be repeatable (REFRESH, ANALYZE, an upsert).
 */
public final class AfterActions {

    /** The load's table phase between {@code finishing} and {@code complete}. */
    public static final String PHASE = "after-actions";
    public static final String LOAD = "after-load";
    public static final String SYNC = "after-sync";
    /** The route variable that holds the step the after-action route is at. */
    public static final String ACTION = "action";

    private static final Logger LOG = LoggerFactory.getLogger(AfterActions.class);

    private final Databases databases;
    private final Ledger ledger;
    private final ReplicatorSettings settings;

    public AfterActions(Databases databases, Ledger ledger, ReplicatorSettings settings) {
        this.databases = databases;
        this.ledger = ledger;
        this.settings = settings;
    }

    /**
     * One after-action of a run: which table it follows ({@link AfterActionRecord#RUN} for the run's
     * own), after what ({@value #LOAD} or {@value #SYNC}), its place among the table's actions and
     * what it runs.
     */
    public record Step(long runId, String table, String kind, int number, int count, AfterAction action) {

        public String sql() {
            return action.sql();
        }

        /** {@code public.orders: after-load action 2 of 3}, or {@code the run: after-sync action 1 of 1}. */
        public String label() {
            return (AfterActionRecord.RUN.equals(table) ? "the run" : table) + ": " + what();
        }

        /** {@code after-load action 2 of 3} (the table's line names the table), or {@code the run's after-sync action 1 of 1}. */
        public String what() {
            return (AfterActionRecord.RUN.equals(table) ? "the run's " : "") + kind + " action " + (number + 1) + " of " + count;
        }
    }

    // ---- load

    /** A loaded table's after-load actions still to run: none unless the table is at the after-actions phase. */
    public List<Step> ofLoadedTable(TablePlan table, @ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        if (!PHASE.equals(ledger.table(run.runId(), table.id()).phase())) {
            return List.of();
        }
        return pending(run.runId(), table.id(), LOAD, table.settings().afterLoad());
    }

    /** The table's actions are done: its load is complete. */
    public void loadedTableComplete(TablePlan table, @ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        if (PHASE.equals(ledger.table(run.runId(), table.id()).phase())) {
            ledger.setPhase(run.runId(), table.id(), AfterData.COMPLETE);
        }
    }

    /**
     * An after-load action failed for good: the table is failed at the after-actions phase with the
     * action's message (its rows stay; {@code load --resume} runs the actions that did not finish).
     */
    public void loadedTableFailed(TablePlan table, @Variable(RunContext.FAILURE) Throwable failure, Exchange exchange) throws SQLException {
        RunContext run = RunContext.of(exchange);
        String message = Errors.withGrants(Errors.describe(failure), databases.grantsFor(failure));
        ledger.failPhase(run.runId(), table.id(), message);
        LOG.error(LogFile.FILE_ONLY, "Table {}: {}", table.id(), message, failure);
        run.report().tableFailedAfterCopy(table.id(), message);
    }

    /**
     * The run's own after-load actions (replicator.after-load) still to run: only once every table of
     * the run is complete (or skipped), since they usually read several tables; until then a
     * {@code load --resume} that completes them runs these.
     */
    public List<Step> ofLoadRun(@ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        List<String> statements = settings.afterActions().afterLoad();
        if (statements.isEmpty()) {
            return List.of();
        }
        List<String> unfinished = new ArrayList<>();
        for (TableRecord t : ledger.tables(run.runId()).values()) {
            boolean complete = TableRecord.DONE.equals(t.status()) && AfterData.COMPLETE.equals(t.phase());
            if (!complete && !TableRecord.SKIPPED.equals(t.status())) {
                unfinished.add(t.table());
            }
        }
        if (!unfinished.isEmpty()) {
            CONSOLE.info("The run's after-load actions ({}) wait for every table to be complete ({} not yet: {}); load --resume runs them",
                    AfterActionSettings.RUN_AFTER_LOAD, unfinished.size(), String.join(", ", unfinished));
            return List.of();
        }
        return pending(run.runId(), AfterActionRecord.RUN, LOAD, runActions(AfterActionSettings.RUN_AFTER_LOAD, statements));
    }

    // ---- sync

    /**
     * A synced table's after-sync actions still to run: when this sync changed the table, or when its
     * previous sync did not end well (failed, or killed) and so may have changed rows its actions never
     * followed. A table this sync found unchanged after a sync that ended well runs none.
     */
    public List<Step> ofSyncedTable(TablePlan table, boolean changed, long runId) throws SQLException {
        List<AfterAction> actions = table.settings().afterSync();
        if (actions.isEmpty()) {
            return List.of();
        }
        if (!changed) {
            String before = ledger.previousTableStatus("sync", table.id(), runId).orElse(null);
            if (before == null || TableRecord.DONE.equals(before) || TableRecord.UNCHANGED.equals(before)) {
                return List.of();
            }
            LOG.info("{}: unchanged, but its previous sync ended {}; its after-sync actions run now", table.id(), before);
        }
        return pending(runId, table.id(), SYNC, actions);
    }

    /**
     * The run's own after-sync actions (replicator.after-sync): when every table of this sync ended
     * well and at least one changed, or the previous sync did not end well (its own actions may not
     * have run).
     */
    public List<Step> ofSyncRun(@ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        List<String> statements = settings.afterActions().afterSync();
        if (statements.isEmpty()) {
            return List.of();
        }
        Map<String, TableRecord> tables = ledger.tables(run.runId());
        boolean allWell = tables.values().stream().allMatch(t -> TableRecord.DONE.equals(t.status()) || TableRecord.UNCHANGED.equals(t.status()));
        if (!allWell) {
            CONSOLE.info("The run's after-sync actions ({}) wait for a sync in which every table ends well", AfterActionSettings.RUN_AFTER_SYNC);
            return List.of();
        }
        boolean changed = tables.values().stream().anyMatch(t -> TableRecord.DONE.equals(t.status()));
        String before = ledger.previousRunStatus("sync", run.runId()).orElse(null);
        if (!changed && (before == null || org.camelreplicator.ledger.RunRecord.DONE.equals(before))) {
            return List.of();
        }
        return pending(run.runId(), AfterActionRecord.RUN, SYNC, runActions(AfterActionSettings.RUN_AFTER_SYNC, statements));
    }

    /** The run's own actions failed for good: the run fails (exit 1), its tables stay as they are. */
    public void runFailed(@Variable(RunContext.FAILURE) Throwable failure, Exchange exchange) {
        RunContext run = RunContext.of(exchange);
        String message = Errors.withGrants(Errors.describe(failure), databases.grantsFor(failure));
        LOG.error(LogFile.FILE_ONLY, "The run's after-actions: {}", message, failure);
        run.report().runActionFailed(message);
    }

    // ---- one action (routes/after-actions.camel.yaml, route after-action)

    /**
     * An attempt at an action begins: recorded running in the ledger. Answers the statement to run:
     * the action's SQL; for a view refreshed CONCURRENTLY that the view does not allow, the plain
     * REFRESH, said in the log.
     */
    public String start(@Variable(ACTION) Step step) throws SQLException {
        ledger.afterActionStarted(step.runId(), step.table(), step.number(), step.kind(), step.action().setting(), step.sql());
        AfterAction action = step.action();
        String statement = action.sql();
        if (action.view() != null && action.concurrently()) {
            String refused;
            try (Connection c = databases.target().getConnection()) {
                refused = databases.targetDialect().refreshConcurrentlyRefused(c, action.view());
            }
            if (refused != null) {
                statement = AfterAction.refreshSql(action.view(), false);
                LOG.warn("{}: {} is refreshed without CONCURRENTLY ({}=true): {}; readers of the view wait for the refresh",
                        step.label(), action.view(), AfterActionSettings.REFRESH_CONCURRENTLY, refused);
            }
        }
        LOG.info("{}: {}", step.label(), statement);
        return statement;
    }

    /** The statement committed: the action is done in the ledger. */
    public void done(@Variable(ACTION) Step step) throws SQLException {
        ledger.afterActionDone(step.runId(), step.table(), step.number());
    }

    /** The statement failed for good (or outlasted its retries): the action is failed in the ledger with the error. */
    public void failed(@Variable(ACTION) Step step, @Variable(RunContext.FAILURE) Throwable failure) throws SQLException {
        ledger.afterActionFailed(step.runId(), step.table(), step.number(), Errors.describe(failure));
        LOG.error(LogFile.FILE_ONLY, "{} failed: {}", step.label(), step.sql(), failure);
    }

    /**
     * Ends the table's (or the run's) actions with the failure, named for the user: which action of
     * which table, its setting and SQL, the database's error, and what to do. Thrown outside the
     * retrying routes: the failure it carries was retried already when it was transient.
     */
    public void rethrow(@Variable(ACTION) Step step, @Variable(RunContext.FAILURE) Throwable failure) {
        String then = LOAD.equals(step.kind())
                ? "Fix the statement (" + step.action().setting() + ") or the target, then run load --resume: the actions that"
                + " finished are not run again, this one and those after it are"
                : "Fix the statement (" + step.action().setting() + ") or the target, then sync again: the next sync runs these"
                + " after-sync actions even if nothing changed";
        // the database's error is in the message (and its stack trace in the log file, from failed): a cause would repeat it
        throw new AfterActionException(step.what() + " failed: " + step.sql() + " (" + step.action().setting() + "): "
                + Errors.withGrants(Errors.describe(failure), databases.grantsFor(failure)) + ". " + then);
    }

    /** The actions not done yet in this run, numbered in order; one done with the same SQL is skipped, and said so. */
    private List<Step> pending(long runId, String table, String kind, List<AfterAction> actions) throws SQLException {
        if (actions.isEmpty()) {
            return List.of();
        }
        Map<Integer, AfterActionRecord> recorded = ledger.afterActions(runId, table);
        List<Step> result = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            Step step = new Step(runId, table, kind, i, actions.size(), actions.get(i));
            AfterActionRecord r = recorded.get(i);
            if (r != null && r.done() && r.sql().equals(step.sql())) {
                LOG.info("{}: done earlier in run {}, not run again: {}", step.label(), runId, step.sql());
                continue;
            }
            result.add(step);
        }
        return result;
    }

    private static List<AfterAction> runActions(String setting, List<String> statements) {
        return statements.stream().map(sql -> AfterAction.statement(setting, sql)).toList();
    }

    /** An after-action that failed for good; its message says which, with the SQL, the error and what to do. */
    public static final class AfterActionException extends RuntimeException {
        public AfterActionException(String message) {
            super(message);
        }
    }
}

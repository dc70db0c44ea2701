package org.camelreplicator.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.camelreplicator.catalog.NotCarried;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run did and is doing, table by table: rows, bytes, chunks, retries, time, rows/s and
 * outcome, and the chunks running right now. Prints a line when a table ends, a progress summary
 * every {@code progressEvery} tables, and the final summary; the progress MBean, the meters and
 * the JSON run report read it. Safe to update from the parallel table and chunk workers.
 */
public final class RunReport {

    private static final int NAMES_SHOWN = 12;

    /** The console: progress and summaries go to standard output (see logback.xml). */
    public static final Logger CONSOLE = LoggerFactory.getLogger("replicator.console");

    /**
     * A failed table's one line on standard error, for when standard output carries only the answer
     * (--quiet, --json); off otherwise, the table's line on standard output says it (logback.xml).
     */
    public static final Logger FAILURES = LoggerFactory.getLogger("replicator.failures");

    public enum Outcome {
        PENDING, RUNNING, DONE, FAILED, SKIPPED,
        /** sync: the probe found nothing changed, nothing was read */
        UNCHANGED,
        /** verify: every range has the same rows on both sides */
        EQUAL,
        /** verify: rows differ (a failure of the run: it exits 1) */
        DIFFERS,
        /** verify --repair: the ranges that differed were rewritten from the source */
        REPAIRED,
        /** verify: the load did not finish this table, so there is nothing to compare yet */
        NOT_LOADED;

        /** Whether the table is finished with, however it ended. */
        public boolean finished() {
            return this != PENDING && this != RUNNING;
        }
    }

    private final long runId;
    private final String kind;
    private final String resumeCommand;
    private final int progressEvery;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private final Map<String, TableProgress> tables = new LinkedHashMap<>();
    private final AtomicInteger finishedTables = new AtomicInteger();
    private final Map<String, Long> runningChunks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> retriesByError = new ConcurrentHashMap<>();
    private final Meters meters;
    private final Health health;
    private volatile String lastError;
    private volatile long endNanos;
    private volatile List<NotCarried> notCarried = List.of();
    /** Views replicator.copy-views could not create, with why. */
    private final Map<String, String> failedViews = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Why the run's own after-actions failed, or null. */
    private volatile String runActionsError;
    private volatile Details details;

    /** A section a kind of run adds to the summary and to the JSON report (verify: ranges and differing rows). */
    public interface Details {
        /** The key of the section in the JSON report. */
        String name();

        Object json();

        /** Lines printed after the table of the summary; empty for none. */
        String text();
    }

    /**
     * @param estimatedRows the run's tables in plan order, with the source's row estimate (-1: none)
     * @param resumeCommand what the user types to resume this run, shown when something failed
     * @param meters        the process's meters, which every fact recorded here also updates
     * @param health        the health thresholds, which see every batch
     */
    public RunReport(long runId, Map<String, Long> estimatedRows, int progressEvery, String resumeCommand,
                     Meters meters, Health health) {
        this("Load", runId, estimatedRows, progressEvery, resumeCommand, meters, health);
    }

    /** @param kind what the run is, as the summary names it: Load or Sync */
    public RunReport(String kind, long runId, Map<String, Long> estimatedRows, int progressEvery, String resumeCommand,
                     Meters meters, Health health) {
        this.kind = kind;
        this.runId = runId;
        this.progressEvery = progressEvery;
        this.resumeCommand = resumeCommand;
        this.meters = meters;
        this.health = health;
        estimatedRows.forEach((id, estimate) -> tables.put(id, new TableProgress(id, estimate)));
    }

    public long runId() {
        return runId;
    }

    /** Adds the run's own section to the summary and the JSON report. */
    public void details(Details section) {
        this.details = section;
    }

    public void tableStarted(String table) {
        TableProgress t = table(table);
        t.startNanos = System.nanoTime();
        t.startedAt = java.time.LocalDateTime.now();
        t.outcome = Outcome.RUNNING;
    }

    public void chunkStarted(String chunk) {
        runningChunks.put(chunk, System.nanoTime());
    }

    /** A chunk committed (or rolled back): it no longer runs; committed ones count, with their rows, bytes and time. */
    public void chunkEnded(String table, String chunk, boolean committed, long rows, long bytes) {
        Long started = runningChunks.remove(chunk);
        if (committed) {
            table(table).chunks.incrementAndGet();
            meters.chunkCommitted(table, rows, bytes, started == null ? 0 : System.nanoTime() - started);
        }
    }

    /** Rows and bytes written inside a chunk transaction; negative when the transaction rolled back. */
    public void rowsWritten(String table, long rows, long bytes) {
        TableProgress t = table(table);
        t.rows.addAndGet(rows);
        t.bytes.addAndGet(bytes);
    }

    /** One batch written, and how long the write took. */
    public void batchWritten(String table, long rows, long bytes, long nanos) {
        table(table).batches.incrementAndGet();
        meters.batchWritten(rows, bytes, nanos);
        health.batchWritten(nanos);
    }

    /** Rows the target refused and the ledger recorded as rejects (replicator.on-bad-row=reject). */
    public void rowsRejected(String table, long rows) {
        table(table).rejected.addAndGet(rows);
    }

    /** Rows deleted from the target because they are gone from the source (sync). */
    public void rowsDeleted(String table, long rows) {
        table(table).deleted.addAndGet(rows);
        meters.rowsDeleted(table, rows);
    }

    /** Rows an earlier attempt of a resumed run already committed. */
    public void rowsAlreadyCopied(String table, long rows) {
        table(table).previousRows = rows;
    }

    /** A transient failure that is being retried; {@code errorClass} is the SQLState or the exception's class. */
    public void retried(String table, String errorClass, String error) {
        if (table != null && tables.containsKey(table)) {
            table(table).retries.incrementAndGet();
        }
        retriesByError.computeIfAbsent(errorClass, k -> new AtomicLong()).incrementAndGet();
        lastError = error;
        meters.retried(errorClass);
    }

    public void tableFinished(String table, Outcome outcome, String error) {
        TableProgress t = table(table);
        t.endNanos = System.nanoTime();
        t.endedAt = java.time.LocalDateTime.now();
        if (t.startNanos == 0) {
            t.startNanos = t.endNanos;
        }
        t.outcome = outcome;
        t.error = error;
        if (error != null) {
            lastError = table + ": " + error;
        }
        if (outcome == Outcome.FAILED) {
            meters.tableFailed(table);
            FAILURES.info("Table {} failed: {}", table, error);
        }
        if (kind.equals("Sync")) {
            meters.tableSynced(table, outcome);
            if (outcome != Outcome.FAILED) {
                health.tableSynced(table);
            }
        }
        int done = finishedTables.incrementAndGet();
        CONSOLE.info("[{}/{}] {} {}: {} rows in {} s ({} rows/s){}", done, tables.size(), label(outcome), table,
                number(t.totalRows()), seconds(t.nanos()), number(t.rowsPerSecond()),
                error == null ? "" : " - " + error);
        if (progressEvery > 0 && done % progressEvery == 0 && done < tables.size()) {
            CONSOLE.info(progressLine());
        }
    }

    /** A table whose rows are copied failed in an after-data phase (index, foreign key, sequence). */
    public void tableFailedAfterCopy(String table, String error) {
        TableProgress t = table(table);
        t.outcome = Outcome.FAILED;
        t.error = error;
        lastError = table + ": " + error;
        meters.tableFailed(table);
        CONSOLE.info("failed {}: {}", table, error);
        FAILURES.info("Table {} failed: {}", table, error);
    }

    /** A view replicator.copy-views could not create: the run fails, its tables stay complete. */
    public void viewFailed(String view, String error) {
        failedViews.put(view, error);
        lastError = "view " + view + ": " + error;
        CONSOLE.info("failed view {}: {}", view, error);
        FAILURES.info("View {} failed: {}", view, error);
    }

    /** The run's own after-actions (replicator.after-load, replicator.after-sync) failed: the run fails, its tables stay as they are. */
    public void runActionFailed(String error) {
        runActionsError = error;
        lastError = error;
        CONSOLE.info("failed: {}", error);
        FAILURES.info("The run's after-actions failed: {}", error);
    }

    /** What the run does not carry to the target (views, triggers, ..., indexes left out), for the summary and the report. */
    public void notCarried(List<NotCarried> items) {
        notCarried = List.copyOf(items);
    }

    public List<NotCarried> notCarried() {
        return notCarried;
    }

    public void finish() {
        endNanos = System.nanoTime();
        meters.runFinished(seconds());
    }

    public boolean finished() {
        return endNanos != 0;
    }

    public boolean failed() {
        return !failedViews.isEmpty() || runActionsError != null || tables.values().stream().anyMatch(t -> t.outcome == Outcome.FAILED || t.outcome == Outcome.PENDING
                || t.outcome == Outcome.RUNNING || t.outcome == Outcome.DIFFERS);
    }

    /** done, failed, or for a verify whose only trouble is rows that differ: differs. */
    private String outcomeWord() {
        if (!failed()) {
            return "done";
        }
        boolean onlyDiffers = failedViews.isEmpty() && runActionsError == null && tables.values().stream().allMatch(t -> t.outcome != Outcome.FAILED && t.outcome != Outcome.PENDING
                && t.outcome != Outcome.RUNNING);
        return onlyDiffers ? "differs" : "failed";
    }

    public long totalRows() {
        return tables.values().stream().mapToLong(TableProgress::totalRows).sum();
    }

    public long totalBytes() {
        return tables.values().stream().mapToLong(t -> t.bytes.get()).sum();
    }

    public long totalRetries() {
        return retriesByError.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public Map<String, Long> retriesByError() {
        Map<String, Long> result = new LinkedHashMap<>();
        retriesByError.forEach((k, v) -> result.put(k, v.get()));
        return result;
    }

    public String lastError() {
        return lastError;
    }

    public long count(Outcome outcome) {
        return tables.values().stream().filter(t -> t.outcome == outcome).count();
    }

    public int tableCount() {
        return tables.size();
    }

    public List<String> runningTables() {
        return tables.values().stream().filter(t -> t.outcome == Outcome.RUNNING).map(t -> t.id).toList();
    }

    public Set<String> runningChunks() {
        return Set.copyOf(runningChunks.keySet());
    }

    public double seconds() {
        return ((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos) / 1e9;
    }

    /** Rows copied in this run per second of this run. */
    public long rowsPerSecond() {
        double s = seconds();
        long rows = tables.values().stream().mapToLong(t -> t.rows.get()).sum();
        return s <= 0 ? 0 : Math.round(rows / s);
    }

    /** Seconds until the estimated rows are copied at the current rate, or -1 when it cannot be said. */
    public long etaSeconds() {
        long rate = rowsPerSecond();
        long left = tables.values().stream().mapToLong(TableProgress::rowsLeft).sum();
        if (endNanos != 0) {
            return 0;
        }
        return rate <= 0 ? -1 : (left + rate - 1) / rate;
    }

    /** Per running table: rows copied, estimate, rows/s and ETA, for the live console. */
    public List<TableLine> runningLines() {
        List<TableLine> lines = new ArrayList<>();
        for (TableProgress t : tables.values()) {
            if (t.outcome == Outcome.RUNNING) {
                long rate = t.rowsPerSecond();
                long left = t.rowsLeft();
                lines.add(new TableLine(t.id, t.totalRows(), t.estimatedRows, rate, rate <= 0 ? -1 : (left + rate - 1) / rate));
            }
        }
        return lines;
    }

    /** One running table as the live console shows it. */
    public record TableLine(String table, long rows, long estimatedRows, long rowsPerSecond, long etaSeconds) {
    }

    /** "Progress: 20/300 tables (6.7%), 18 completed, 2 failed, 4 in progress, 276 remaining". */
    public String progressLine() {
        long completed = count(Outcome.DONE) + count(Outcome.SKIPPED);
        long failed = count(Outcome.FAILED);
        long running = count(Outcome.RUNNING);
        long remaining = tables.size() - completed - failed - running;
        double percent = tables.isEmpty() ? 100 : 100.0 * (completed + failed) / tables.size();
        return String.format(Locale.ROOT, "Progress: %d/%d tables (%.1f%%), %d completed, %d failed, %d in progress, %d remaining, %s rows",
                completed + failed, tables.size(), percent, completed, failed, running, remaining, number(totalRows()));
    }

    /** The report as data, for the JSON run report and {@code --json}: totals and one entry per table. */
    public Map<String, Object> toMap() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run_id", runId);
        root.put("command", kind.toLowerCase(Locale.ROOT));
        root.put("started_at", java.time.Instant.ofEpochMilli(startMillis).toString());
        root.put("seconds", round(seconds()));
        root.put("status", !finished() ? "running" : outcomeWord());
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("tables", tables.size());
        totals.put("completed", count(Outcome.DONE));
        totals.put("failed", count(Outcome.FAILED));
        totals.put("skipped", count(Outcome.SKIPPED));
        totals.put("unchanged", count(Outcome.UNCHANGED));
        totals.put("not_finished", count(Outcome.PENDING) + count(Outcome.RUNNING));
        totals.put("rows", totalRows());
        totals.put("bytes", totalBytes());
        totals.put("rows_per_second", rowsPerSecond());
        totals.put("rejected_rows", tables.values().stream().mapToLong(t -> t.rejected.get()).sum());
        totals.put("deleted_rows", tables.values().stream().mapToLong(t -> t.deleted.get()).sum());
        totals.put("retries", totalRetries());
        totals.put("retries_by_error", retriesByError());
        root.put("totals", totals);
        Map<String, Object> perTable = new LinkedHashMap<>();
        for (TableProgress t : tables.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", label(t.outcome));
            m.put("rows", t.totalRows());
            m.put("bytes", t.bytes.get());
            m.put("seconds", round(t.nanos() / 1e9));
            m.put("rows_per_second", t.rowsPerSecond());
            m.put("chunks", t.chunks.get());
            m.put("batches", t.batches.get());
            m.put("retries", t.retries.get());
            m.put("rejected_rows", t.rejected.get());
            m.put("deleted_rows", t.deleted.get());
            m.put("error", t.error);
            perTable.put(t.id, m);
        }
        root.put("tables", perTable);
        root.put("not_carried", notCarriedMap(notCarried));
        if (runActionsError != null) {
            root.put("failed_run_after_actions", runActionsError);
        }
        if (!failedViews.isEmpty()) {
            root.put("failed_views", Map.copyOf(failedViews));
        }
        Details section = details;
        if (section != null) {
            root.put(section.name(), section.json());
        }
        return root;
    }

    /** When the run started, in local time (the progress files' session_start). */
    public java.time.LocalDateTime startedAt() {
        return java.time.LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(startMillis), java.time.ZoneId.systemDefault());
    }

    /** A table as the progress files show it: only tables that started (or were skipped) have one. */
    public record TableState(String table, Outcome outcome, java.time.LocalDateTime startedAt, java.time.LocalDateTime endedAt,
                             long rows, String error) {
    }

    public List<TableState> tableStates() {
        List<TableState> states = new ArrayList<>();
        for (TableProgress t : tables.values()) {
            if (t.outcome != Outcome.PENDING) {
                states.add(new TableState(t.id, t.outcome, t.startedAt != null ? t.startedAt : t.endedAt, t.endedAt, t.totalRows(), t.error));
            }
        }
        return states;
    }

    /** The final summary in the layout of the seed scripts' progress report. */
    public String summary() {
        double seconds = seconds();
        int width = Math.max(28, tables.keySet().stream().mapToInt(String::length).max().orElse(0));
        String rule = "-".repeat(width + 50);
        StringBuilder sb = new StringBuilder();
        sb.append('\n').append("=".repeat(width + 50)).append('\n');
        sb.append(kind).append(" summary, run ").append(runId).append('\n').append(rule).append('\n');
        sb.append(String.format(Locale.ROOT, "%-" + width + "s %14s %9s %12s  %s%n", "Table", "Rows", "Seconds", "Rows/s", "Status"));
        List<TableProgress> failed = new ArrayList<>();
        for (TableProgress t : tables.values()) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s %14s %9s %12s  %s%n", t.id, number(t.totalRows()),
                    seconds(t.nanos()), number(t.rowsPerSecond()), t.outcome.finished() ? label(t.outcome) : "not finished"));
            if (t.outcome == Outcome.FAILED) {
                failed.add(t);
            }
        }
        sb.append(rule).append('\n');
        if (kind.equals("Sync")) {
            sb.append(String.format(Locale.ROOT, "Tables: %d total, %d synced, %d unchanged, %d failed, %d not finished%n",
                    tables.size(), count(Outcome.DONE), count(Outcome.UNCHANGED), count(Outcome.FAILED),
                    count(Outcome.PENDING) + count(Outcome.RUNNING)));
        } else if (kind.equals("Verify")) {
            sb.append(String.format(Locale.ROOT, "Tables: %d total, %d equal, %d differ, %d repaired, %d not loaded, %d failed, %d not finished%n",
                    tables.size(), count(Outcome.EQUAL), count(Outcome.DIFFERS), count(Outcome.REPAIRED), count(Outcome.NOT_LOADED),
                    count(Outcome.FAILED), count(Outcome.PENDING) + count(Outcome.RUNNING)));
        } else {
            sb.append(String.format(Locale.ROOT, "Tables: %d total, %d completed, %d failed, %d skipped, %d not finished%n",
                    tables.size(), count(Outcome.DONE), count(Outcome.FAILED), count(Outcome.SKIPPED),
                    count(Outcome.PENDING) + count(Outcome.RUNNING)));
        }
        sb.append(kind.equals("Verify") ? "Rows compared: " : "Total rows synced: ").append(number(totalRows())).append('\n');
        long rejected = tables.values().stream().mapToLong(t -> t.rejected.get()).sum();
        if (rejected > 0) {
            sb.append("Rejected rows: ").append(number(rejected)).append(" (");
            sb.append(String.join(", ", tables.values().stream().filter(t -> t.rejected.get() > 0)
                    .map(t -> t.id + ": " + number(t.rejected.get())).toList()));
            sb.append("), recorded in the ledger table rejects\n");
        }
        long deleted = tables.values().stream().mapToLong(t -> t.deleted.get()).sum();
        if (deleted > 0) {
            sb.append("Rows deleted (gone from the source): ").append(number(deleted)).append('\n');
        }
        if (totalRetries() > 0) {
            sb.append("Retries after transient failures: ").append(number(totalRetries())).append(' ').append(retriesByError()).append('\n');
        }
        sb.append("Duration: ").append(String.format(Locale.ROOT, "%.1f s", seconds)).append('\n');
        sb.append("Throughput: ").append(number(seconds > 0 ? Math.round(totalRows() / seconds) : 0)).append(" rows/s\n");
        if (!notCarried.isEmpty()) {
            sb.append(rule).append('\n').append(notCarriedText(notCarried));
        }
        Details section = details;
        String detailText = section == null ? "" : section.text();
        if (!detailText.isEmpty()) {
            sb.append(rule).append('\n').append(detailText.stripTrailing()).append('\n');
        }
        List<TableProgress> skippedWithReason = tables.values().stream().filter(t -> t.outcome == Outcome.SKIPPED && t.error != null).toList();
        if (!skippedWithReason.isEmpty()) {
            sb.append(rule).append('\n').append("Skipped tables:\n");
            skippedWithReason.forEach(t -> sb.append("  ").append(t.id).append(": ").append(t.error).append('\n'));
        }
        if (!failed.isEmpty() || failed()) {
            if (!failed.isEmpty()) {
                sb.append(rule).append('\n').append("Failed tables:\n");
                for (TableProgress t : failed) {
                    sb.append("  ").append(t.id).append(": ").append(t.error).append('\n');
                }
            }
            if (runActionsError != null) {
                sb.append(rule).append('\n').append("The run's after-actions did not finish:\n  ").append(runActionsError).append('\n');
            }
            if (!failedViews.isEmpty()) {
                sb.append(rule).append('\n').append("Views not created (replicator.copy-views):\n");
                failedViews.forEach((view, error) -> sb.append("  ").append(view).append(": ").append(error).append('\n'));
            }
            long unfinished = count(Outcome.PENDING) + count(Outcome.RUNNING);
            if (unfinished > 0) {
                // only a stopped run ends with tables neither done nor failed
                sb.append("Tables not finished: ").append(unfinished).append(" (the run stopped; what did not commit rolled back)\n");
            }
            sb.append("Resume with: ").append(resumeCommand).append('\n');
            if (!failed.isEmpty()) {
                LogFile.current().ifPresent(log -> sb.append("Details, with stack traces: ").append(log).append('\n'));
            }
        }
        sb.append("=".repeat(width + 50));
        return sb.toString();
    }

    /**
     * What a load does not carry, one line per kind: how many, on which tables, and which (the first
     * {@value #NAMES_SHOWN}; the run report has them all).
     */
    public static String notCarriedText(List<NotCarried> items) {
        StringBuilder sb = new StringBuilder("Not carried to the target (create them by hand where needed; docs/TYPES.md,"
                + " \"What a load does not carry\"):\n");
        byKind(items).forEach((kind, list) -> {
            sb.append("  ").append(kind.label()).append(": ").append(list.size());
            List<String> tables = list.stream().map(NotCarried::table).filter(java.util.Objects::nonNull).distinct().toList();
            if (!tables.isEmpty()) {
                sb.append(" on ").append(tables.size() == 1 ? "table " : tables.size() + " tables ")
                        .append(String.join(", ", tables.stream().limit(NAMES_SHOWN).toList()))
                        .append(tables.size() > NAMES_SHOWN ? ", ..." : "");
            }
            sb.append(" (").append(String.join(", ", list.stream().limit(NAMES_SHOWN).map(NotCarried::label).toList()))
                    .append(list.size() > NAMES_SHOWN ? ", and " + (list.size() - NAMES_SHOWN) + " more" : "").append(")\n");
        });
        return sb.toString();
    }

    /** "views: 2, triggers: 6", for one line. */
    public static String notCarriedCounts(List<NotCarried> items) {
        List<String> parts = new ArrayList<>();
        byKind(items).forEach((kind, list) -> parts.add(kind.label() + ": " + list.size()));
        return String.join(", ", parts);
    }

    /** For the JSON report: per kind its count, its tables and each item (table, name, and why, for an index). */
    static Map<String, Object> notCarriedMap(List<NotCarried> items) {
        Map<String, Object> result = new LinkedHashMap<>();
        byKind(items).forEach((kind, list) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", list.size());
            m.put("tables", list.stream().map(NotCarried::table).filter(java.util.Objects::nonNull).distinct().toList());
            List<Map<String, Object>> each = new ArrayList<>();
            for (NotCarried item : list) {
                Map<String, Object> i = new LinkedHashMap<>();
                i.put("table", item.table());
                i.put("name", item.name());
                if (item.reason() != null) {
                    i.put("reason", item.reason());
                }
                each.add(i);
            }
            m.put("items", each);
            result.put(kind.label(), m);
        });
        return result;
    }

    private static Map<NotCarried.Kind, List<NotCarried>> byKind(List<NotCarried> items) {
        Map<NotCarried.Kind, List<NotCarried>> result = new java.util.EnumMap<>(NotCarried.Kind.class);
        items.forEach(i -> result.computeIfAbsent(i.kind(), k -> new ArrayList<>()).add(i));
        return result;
    }

    /** One line of the totals, for --quiet. */
    public String oneLine() {
        String counts = kind.equals("Sync")
                ? String.format(Locale.ROOT, "%d synced, %d unchanged, %d failed", count(Outcome.DONE), count(Outcome.UNCHANGED), count(Outcome.FAILED))
                : kind.equals("Verify")
                ? String.format(Locale.ROOT, "%d equal, %d differ, %d repaired, %d not loaded, %d failed", count(Outcome.EQUAL),
                        count(Outcome.DIFFERS), count(Outcome.REPAIRED), count(Outcome.NOT_LOADED), count(Outcome.FAILED))
                : String.format(Locale.ROOT, "%d completed, %d failed, %d skipped", count(Outcome.DONE), count(Outcome.FAILED), count(Outcome.SKIPPED));
        return String.format(Locale.ROOT, "%s run %d %s: %d tables (%s), %s rows in %.1f s (%s rows/s)%s",
                kind, runId, outcomeWord(), tables.size(), counts, number(totalRows()), seconds(), number(rowsPerSecond()),
                failed() ? "; resume with: " + resumeCommand : "");
    }

    private TableProgress table(String id) {
        TableProgress t = tables.get(id);
        if (t == null) {
            throw new IllegalArgumentException("Table " + id + " is not part of run " + runId);
        }
        return t;
    }

    private static String label(Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    private static final class TableProgress {
        final String id;
        final long estimatedRows;
        final AtomicLong rows = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong deleted = new AtomicLong();
        final AtomicLong retries = new AtomicLong();
        final AtomicInteger chunks = new AtomicInteger();
        final AtomicLong batches = new AtomicLong();
        volatile long previousRows;
        volatile long startNanos;
        volatile long endNanos;
        /** Wall-clock start and end, for the progress files. */
        volatile java.time.LocalDateTime startedAt;
        volatile java.time.LocalDateTime endedAt;
        volatile Outcome outcome = Outcome.PENDING;
        volatile String error;

        TableProgress(String id, long estimatedRows) {
            this.id = id;
            this.estimatedRows = estimatedRows;
        }

        long totalRows() {
            return previousRows + rows.get();
        }

        long rowsLeft() {
            if (outcome.finished()) {
                return 0;
            }
            return Math.max(0, Math.max(0, estimatedRows) - totalRows());
        }

        long nanos() {
            if (startNanos == 0) {
                return 0;
            }
            return (endNanos == 0 ? System.nanoTime() : endNanos) - startNanos;
        }

        /** Rows copied in this run per second of this run; rows from an earlier attempt do not count. */
        long rowsPerSecond() {
            long n = nanos();
            return n <= 0 ? 0 : Math.round(rows.get() / (n / 1e9));
        }
    }
}

package org.camelreplicator.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run did, table by table: rows, time, rows/s and outcome. Prints a line when a table ends,
 * a progress summary every {@code progressEvery} tables, and the final summary. Safe to update from
 * the parallel table and chunk workers.
 */
public final class RunReport {

    /** The console: progress and summaries go to standard output (see logback.xml). */
    public static final Logger CONSOLE = LoggerFactory.getLogger("replicator.console");

    public enum Outcome { PENDING, RUNNING, DONE, FAILED, SKIPPED }

    private final long runId;
    private final String resumeCommand;
    private final int progressEvery;
    private final long startNanos = System.nanoTime();
    private final Map<String, TableProgress> tables = new LinkedHashMap<>();
    private final AtomicInteger finishedTables = new AtomicInteger();
    private volatile long endNanos;

    /**
     * @param tableIds      the run's tables in plan order
     * @param resumeCommand what the user types to resume this run, shown when something failed
     */
    public RunReport(long runId, List<String> tableIds, int progressEvery, String resumeCommand) {
        this.runId = runId;
        this.progressEvery = progressEvery;
        this.resumeCommand = resumeCommand;
        for (String id : tableIds) {
            tables.put(id, new TableProgress(id));
        }
    }

    public long runId() {
        return runId;
    }

    public void tableStarted(String table) {
        TableProgress t = table(table);
        t.startNanos = System.nanoTime();
        t.outcome = Outcome.RUNNING;
    }

    /** Rows written inside a chunk transaction; negative when the transaction rolled back. */
    public void rowsWritten(String table, long rows) {
        table(table).rows.addAndGet(rows);
    }

    /** Rows the target refused and the ledger recorded as rejects (replicator.on-bad-row=reject). */
    public void rowsRejected(String table, long rows) {
        table(table).rejected.addAndGet(rows);
    }

    /** Rows an earlier attempt of a resumed run already committed. */
    public void rowsAlreadyCopied(String table, long rows) {
        table(table).previousRows = rows;
    }

    public void tableFinished(String table, Outcome outcome, String error) {
        TableProgress t = table(table);
        t.endNanos = System.nanoTime();
        if (t.startNanos == 0) {
            t.startNanos = t.endNanos;
        }
        t.outcome = outcome;
        t.error = error;
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
        CONSOLE.info("failed {}: {}", table, error);
    }

    public void finish() {
        endNanos = System.nanoTime();
    }

    public boolean failed() {
        return tables.values().stream().anyMatch(t -> t.outcome == Outcome.FAILED || t.outcome == Outcome.PENDING
                || t.outcome == Outcome.RUNNING);
    }

    public long totalRows() {
        return tables.values().stream().mapToLong(TableProgress::totalRows).sum();
    }

    public Map<String, Long> rowsByTable() {
        Map<String, Long> result = new LinkedHashMap<>();
        tables.forEach((k, v) -> result.put(k, v.totalRows()));
        return result;
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

    /** The final summary in the layout of the seed scripts' progress report. */
    public String summary() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        double seconds = (end - startNanos) / 1e9;
        int width = Math.max(28, tables.keySet().stream().mapToInt(String::length).max().orElse(0));
        String rule = "-".repeat(width + 50);
        StringBuilder sb = new StringBuilder();
        sb.append('\n').append("=".repeat(width + 50)).append('\n');
        sb.append("Load summary, run ").append(runId).append('\n').append(rule).append('\n');
        sb.append(String.format(Locale.ROOT, "%-" + width + "s %14s %9s %12s  %s%n", "Table", "Rows", "Seconds", "Rows/s", "Status"));
        List<TableProgress> failed = new ArrayList<>();
        for (TableProgress t : tables.values()) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s %14s %9s %12s  %s%n", t.id, number(t.totalRows()),
                    seconds(t.nanos()), number(t.rowsPerSecond()), label(t.outcome)));
            if (t.outcome == Outcome.FAILED) {
                failed.add(t);
            }
        }
        sb.append(rule).append('\n');
        sb.append(String.format(Locale.ROOT, "Tables: %d total, %d completed, %d failed, %d skipped, %d not finished%n",
                tables.size(), count(Outcome.DONE), count(Outcome.FAILED), count(Outcome.SKIPPED),
                count(Outcome.PENDING) + count(Outcome.RUNNING)));
        sb.append("Total rows synced: ").append(number(totalRows())).append('\n');
        long rejected = tables.values().stream().mapToLong(t -> t.rejected.get()).sum();
        if (rejected > 0) {
            sb.append("Rejected rows: ").append(number(rejected)).append(" (");
            sb.append(String.join(", ", tables.values().stream().filter(t -> t.rejected.get() > 0)
                    .map(t -> t.id + ": " + number(t.rejected.get())).toList()));
            sb.append("), recorded in the ledger table rejects\n");
        }
        sb.append("Duration: ").append(String.format(Locale.ROOT, "%.1f s", seconds)).append('\n');
        sb.append("Throughput: ").append(number(seconds > 0 ? Math.round(totalRows() / seconds) : 0)).append(" rows/s\n");
        if (!failed.isEmpty() || failed()) {
            sb.append(rule).append('\n').append("Failed tables:\n");
            for (TableProgress t : failed) {
                sb.append("  ").append(t.id).append(": ").append(t.error).append('\n');
            }
            sb.append("Resume with: ").append(resumeCommand).append('\n');
        }
        sb.append("=".repeat(width + 50));
        return sb.toString();
    }

    private long count(Outcome outcome) {
        return tables.values().stream().filter(t -> t.outcome == outcome).count();
    }

    private TableProgress table(String id) {
        TableProgress t = tables.get(id);
        if (t == null) {
            throw new IllegalArgumentException("Table " + id + " is not part of run " + runId);
        }
        return t;
    }

    private static String label(Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    private static final class TableProgress {
        final String id;
        final AtomicLong rows = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        volatile long previousRows;
        volatile long startNanos;
        volatile long endNanos;
        volatile Outcome outcome = Outcome.PENDING;
        volatile String error;

        TableProgress(String id) {
            this.id = id;
        }

        long totalRows() {
            return previousRows + rows.get();
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

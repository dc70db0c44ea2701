package org.camelreplicator.observe;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * Live progress while a load runs. On a terminal: a bar per running table (rows, rows/s, ETA) and
 * an overall line, redrawn in place. Elsewhere (a file, a pipe, CI): one plain log line per
 * interval, no control characters.
 */
public final class ConsoleProgress {

    private static final int BAR = 24;

    private final ScheduledExecutorService scheduler;
    private final long intervalMillis;
    private final boolean terminal;
    private ScheduledFuture<?> task;
    private int drawnLines;

    /**
     * @param terminal whether standard output is a terminal ({@code System.console() != null})
     */
    public ConsoleProgress(ScheduledExecutorService scheduler, long intervalMillis, boolean terminal) {
        this.scheduler = scheduler;
        this.intervalMillis = intervalMillis;
        this.terminal = terminal;
    }

    public synchronized void start(Supplier<RunReport> current) {
        stop();
        drawnLines = 0;
        task = scheduler.scheduleAtFixedRate(() -> show(current.get()), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
            if (terminal && drawnLines > 0) {
                clear(System.out);
            }
        }
    }

    private synchronized void show(RunReport report) {
        if (report == null || report.finished()) {
            return;
        }
        if (terminal) {
            draw(System.out, report);
        } else {
            CONSOLE.info(line(report));
        }
    }

    /** "Progress: 3/6 tables, 1,234,567 rows, 120,000 rows/s, ETA 0:00:42; running: a, b". */
    static String line(RunReport report) {
        long done = report.tableCount() - report.count(RunReport.Outcome.PENDING) - report.count(RunReport.Outcome.RUNNING);
        return String.format(Locale.ROOT, "Progress: %d/%d tables, %s rows, %s rows/s, ETA %s; running: %s", done, report.tableCount(),
                RunReport.number(report.totalRows()), RunReport.number(report.rowsPerSecond()), eta(report.etaSeconds()),
                String.join(", ", report.runningTables()));
    }

    private void draw(PrintStream out, RunReport report) {
        clear(out);
        List<RunReport.TableLine> lines = report.runningLines();
        StringBuilder sb = new StringBuilder();
        for (RunReport.TableLine l : lines) {
            double part = l.estimatedRows() > 0 ? Math.min(1.0, (double) l.rows() / l.estimatedRows()) : 0;
            int filled = (int) Math.round(part * BAR);
            sb.append(String.format(Locale.ROOT, "%-30.30s [%s%s] %3.0f%% %14s rows %12s rows/s ETA %s%n", l.table(),
                    "#".repeat(filled), ".".repeat(BAR - filled), part * 100, RunReport.number(l.rows()),
                    RunReport.number(l.rowsPerSecond()), eta(l.etaSeconds())));
        }
        sb.append(line(report)).append('\n');
        out.print(sb);
        out.flush();
        drawnLines = lines.size() + 1;
    }

    /** Moves the cursor up over the lines drawn last time and clears them. */
    private void clear(PrintStream out) {
        for (int i = 0; i < drawnLines; i++) {
            out.print("\u001b[1A\u001b[2K");
        }
        out.flush();
        drawnLines = 0;
    }

    static String eta(long seconds) {
        if (seconds < 0) {
            return "?";
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}

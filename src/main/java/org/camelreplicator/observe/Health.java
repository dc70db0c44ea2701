package org.camelreplicator.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * UP or DOWN by thresholds the user sets: failed tables (replicator.health.max-failed-tables) and
 * a batch write slower than replicator.health.max-batch-seconds (the seed's "alert when a sync
 * takes more than 30 s"). Shown on the HTTP /health endpoint, over JMX and as a gauge.
 */
public final class Health {

    private final Supplier<RunReport> current;
    private final int maxFailedTables;
    private final double maxBatchSeconds;
    private volatile double lastBatchSeconds;

    public Health(Supplier<RunReport> current, int maxFailedTables, double maxBatchSeconds) {
        this.current = current;
        this.maxFailedTables = maxFailedTables;
        this.maxBatchSeconds = maxBatchSeconds;
    }

    public void batchWritten(long nanos) {
        lastBatchSeconds = nanos / 1e9;
    }

    /** Empty when healthy; otherwise each threshold crossed, in words. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        RunReport r = current.get();
        long failed = r == null ? 0 : r.count(RunReport.Outcome.FAILED);
        if (failed > maxFailedTables) {
            problems.add(failed + " failed tables (replicator.health.max-failed-tables=" + maxFailedTables + ")");
        }
        if (lastBatchSeconds > maxBatchSeconds) {
            problems.add(String.format(java.util.Locale.ROOT, "the last batch took %.1f s to write (replicator.health.max-batch-seconds=%s)",
                    lastBatchSeconds, maxBatchSeconds));
        }
        return problems;
    }

    public boolean healthy() {
        return problems().isEmpty();
    }

    /** "UP", or "DOWN: " and the reasons. */
    public String status() {
        List<String> problems = problems();
        return problems.isEmpty() ? "UP" : "DOWN: " + String.join("; ", problems);
    }
}

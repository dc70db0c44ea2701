package org.camelreplicator.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * UP or DOWN by thresholds the user sets: failed tables (replicator.health.max-failed-tables) and
 * a batch write slower than replicator.health.max-batch-seconds (the seed's "alert when a sync
 * takes more than 30 s"), and sync lag: the time since a table was last synced, above
 * replicator.health.max-sync-lag-seconds; and tables that differ from their source at their last verify,
 * above replicator.health.max-differing-tables. Shown on the HTTP /health endpoint, over JMX and as a gauge.
 */
public final class Health {

    private final Supplier<RunReport> current;
    private final int maxFailedTables;
    private final double maxBatchSeconds;
    private final long maxSyncLagSeconds;
    private final int maxDifferingTables;
    private volatile double lastBatchSeconds;
    private final java.util.Map<String, Long> lastSyncMillis = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Boolean> differs = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** @param maxSyncLagSeconds 0: sync lag is not a threshold */
    public Health(Supplier<RunReport> current, int maxFailedTables, double maxBatchSeconds, long maxSyncLagSeconds) {
        this(current, maxFailedTables, maxBatchSeconds, maxSyncLagSeconds, 0);
    }

    /** @param maxDifferingTables tables that may differ from their source at their last verify before health is DOWN */
    public Health(Supplier<RunReport> current, int maxFailedTables, double maxBatchSeconds, long maxSyncLagSeconds, int maxDifferingTables) {
        this.current = current;
        this.maxFailedTables = maxFailedTables;
        this.maxBatchSeconds = maxBatchSeconds;
        this.maxSyncLagSeconds = maxSyncLagSeconds;
        this.maxDifferingTables = maxDifferingTables;
    }

    /** A table was verified: it differs from its source (and was not repaired), or it is equal (or repaired) now. */
    public void verified(String table, boolean differing) {
        differs.put(table, differing);
    }

    /** Tables whose last verify in this process found rows that differ. */
    public long differingTables() {
        return differs.values().stream().filter(Boolean::booleanValue).count();
    }

    /** A table was synced (or found unchanged): its lag starts again from zero. */
    public void tableSynced(String table) {
        lastSyncMillis.put(table, System.currentTimeMillis());
    }

    /** When the ledger says a table was last synced, for a table this process has not synced yet (after a restart). */
    public void syncedBefore(String table, java.time.OffsetDateTime at) {
        lastSyncMillis.putIfAbsent(table, at.toInstant().toEpochMilli());
    }

    /** Seconds since the table synced longest ago was last synced (by this process, or as the ledger said at its first sync); 0 before. */
    public double syncLagSeconds() {
        long oldest = lastSyncMillis.values().stream().mapToLong(Long::longValue).min().orElse(0);
        return oldest == 0 ? 0 : (System.currentTimeMillis() - oldest) / 1000.0;
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
        long differing = differingTables();
        if (differing > maxDifferingTables) {
            problems.add(differing + " tables differ from their source at their last verify: " + String.join(", ", differs.entrySet().stream()
                    .filter(java.util.Map.Entry::getValue).map(java.util.Map.Entry::getKey).toList())
                    + " (replicator.health.max-differing-tables=" + maxDifferingTables + "; verify --repair mends them)");
        }
        double lag = syncLagSeconds();
        if (maxSyncLagSeconds > 0 && lag > maxSyncLagSeconds) {
            problems.add(String.format(java.util.Locale.ROOT, "a table was last synced %.0f s ago (replicator.health.max-sync-lag-seconds=%d)",
                    lag, maxSyncLagSeconds));
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

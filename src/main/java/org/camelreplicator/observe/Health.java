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
    private volatile org.camelreplicator.config.AlertSettings rules;
    private volatile java.util.function.IntSupplier poolPending;
    private volatile StreamState stream;
    /** (time, rows, run) at each evaluation of the throughput rule. */
    private final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();

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

    /**
     * The rules of {@link org.camelreplicator.config.AlertSettings} (heap, CPU, pool waits, run time,
     * throughput), on top of the ones above; {@code poolPending} answers the threads waiting for a
     * connection of either pool.
     */
    public void rules(org.camelreplicator.config.AlertSettings rules, java.util.function.IntSupplier poolPending) {
        this.rules = rules;
        this.poolPending = poolPending;
    }

    /** The change stream this process may run, for its rules: its lag, and its failure when it stopped on its own. */
    public void stream(StreamState stream) {
        this.stream = stream;
    }

    /** A threshold crossed: the rule (its setting) and what is wrong, in words. */
    public record Breach(String rule, String text) {
    }

    /** Empty when healthy; otherwise each threshold crossed, in words. */
    public List<String> problems() {
        return breaches().stream().map(Breach::text).toList();
    }

    /** Empty when healthy; otherwise each threshold crossed, by rule. */
    public List<Breach> breaches() {
        List<Breach> problems = new ArrayList<>();
        RunReport r = current.get();
        long failed = r == null ? 0 : r.count(RunReport.Outcome.FAILED);
        if (failed > maxFailedTables) {
            problems.add(new Breach("replicator.health.max-failed-tables", failed + " failed tables (replicator.health.max-failed-tables="
                    + maxFailedTables + ")"));
        }
        if (lastBatchSeconds > maxBatchSeconds) {
            problems.add(new Breach("replicator.health.max-batch-seconds", String.format(java.util.Locale.ROOT,
                    "the last batch took %.1f s to write (replicator.health.max-batch-seconds=%s)", lastBatchSeconds, maxBatchSeconds)));
        }
        long differing = differingTables();
        if (differing > maxDifferingTables) {
            problems.add(new Breach("replicator.health.max-differing-tables", differing + " tables differ from their source at their last verify: "
                    + String.join(", ", differs.entrySet().stream().filter(java.util.Map.Entry::getValue).map(java.util.Map.Entry::getKey).toList())
                    + " (replicator.health.max-differing-tables=" + maxDifferingTables + "; verify --repair mends them)"));
        }
        double lag = syncLagSeconds();
        if (maxSyncLagSeconds > 0 && lag > maxSyncLagSeconds) {
            problems.add(new Breach("replicator.health.max-sync-lag-seconds", String.format(java.util.Locale.ROOT,
                    "a table was last synced %.0f s ago (replicator.health.max-sync-lag-seconds=%d)", lag, maxSyncLagSeconds)));
        }
        org.camelreplicator.config.AlertSettings a = rules;
        if (a != null) {
            processRules(a, r, problems);
        }
        StreamState s = stream;
        if (s != null) {
            streamRules(s, a == null ? 0 : a.maxStreamLagSeconds(), problems);
        }
        return problems;
    }

    private void processRules(org.camelreplicator.config.AlertSettings a, RunReport r, List<Breach> problems) {
        if (a.maxHeapPercent() > 0) {
            long heap = heapAfterCollectionPercent();
            if (heap > a.maxHeapPercent()) {
                problems.add(new Breach("replicator.health.max-heap-percent", heap + "% of the heap in use after the last collection"
                        + " (replicator.health.max-heap-percent=" + a.maxHeapPercent() + ")"));
            }
        }
        if (a.maxCpuPercent() > 0 && java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            long cpu = Math.round(os.getProcessCpuLoad() * 100);
            if (cpu > a.maxCpuPercent()) {
                problems.add(new Breach("replicator.health.max-cpu-percent", "the process uses " + cpu + "% of the machine's CPU"
                        + " (replicator.health.max-cpu-percent=" + a.maxCpuPercent() + ")"));
            }
        }
        int pending = poolPending == null ? 0 : poolPending.getAsInt();
        if (a.maxPoolPending() > 0 && pending > a.maxPoolPending()) {
            problems.add(new Breach("replicator.health.max-pool-pending", pending + " threads wait for a database connection"
                    + " (replicator.health.max-pool-pending=" + a.maxPoolPending() + "; raise source.pool-size or target.pool-size)"));
        }
        boolean running = r != null && !r.finished();
        if (a.maxRunSeconds() > 0 && running && r.seconds() > a.maxRunSeconds()) {
            problems.add(new Breach("replicator.health.max-run-seconds", String.format(java.util.Locale.ROOT,
                    "run %d has been going for %.0f s (replicator.health.max-run-seconds=%d)", r.runId(), r.seconds(), a.maxRunSeconds())));
        }
        if (a.minRowsPerSecond() > 0 && running) {
            double rate = rowsPerSecondOver(r, a.minRowsMinutes() * 60_000);
            if (rate >= 0 && rate < a.minRowsPerSecond()) {
                problems.add(new Breach("replicator.health.min-rows-per-second", String.format(java.util.Locale.ROOT,
                        "run %d copied %.0f rows/s over the last %d minutes (replicator.health.min-rows-per-second=%d)",
                        r.runId(), rate, a.minRowsMinutes(), a.minRowsPerSecond())));
            }
        } else {
            clearSamples();
        }
    }

    private static void streamRules(StreamState s, long maxLagSeconds, List<Breach> problems) {
        if (s.failure() != null) {
            problems.add(new Breach("stream", "the stream of slot " + s.slot() + " stopped: " + s.failure()));
        }
        double lag = s.lagSeconds();
        if (maxLagSeconds > 0 && lag > maxLagSeconds) {
            problems.add(new Breach("replicator.health.max-stream-lag-seconds", String.format(java.util.Locale.ROOT,
                    "the stream of slot %s is %.0f s behind its source%s (replicator.health.max-stream-lag-seconds=%d)", s.slot(), lag,
                    s.lagBytes() >= 0 ? ", " + s.lagBytes() + " bytes of WAL" : "", maxLagSeconds)));
        }
    }

    private synchronized void clearSamples() {
        samples.clear();
    }

    /** Rows per second of the run over the last {@code window} ms, or -1 until the run has lasted that long. */
    private synchronized double rowsPerSecondOver(RunReport r, long window) {
        long now = System.currentTimeMillis();
        samples.addLast(new long[] {now, r.totalRows(), r.runId()});
        while (!samples.isEmpty() && samples.peekFirst()[2] != r.runId()) {
            samples.removeFirst();
        }
        long[] oldest = samples.peekFirst();
        if (oldest == null || now - oldest[0] < window) {
            return -1;
        }
        long[] start = oldest;
        while (samples.size() > 1 && now - samples.peekFirst()[0] >= window) {
            start = samples.removeFirst();
        }
        return (r.totalRows() - start[1]) * 1000.0 / Math.max(1, now - start[0]);
    }

    private static long heapAfterCollectionPercent() {
        long used = 0;
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                used += pool.getCollectionUsage().getUsed();
            }
        }
        long max = Runtime.getRuntime().maxMemory();
        return max <= 0 ? 0 : Math.round(used * 100.0 / max);
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

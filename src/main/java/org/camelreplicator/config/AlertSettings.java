package org.camelreplicator.config;

/**
 * The health rules beyond failed tables, slow batches, sync lag and differing tables, and where
 * their alerts go. A threshold of 0 is off.
 *
 * @param uri                 {@code replicator.alerts.uri}: the Camel endpoint each breach, reminder and recovery is
 *                            sent to as JSON (the log by default; {@code http://...} for a webhook, {@code smtp://...})
 * @param checkIntervalMillis {@code replicator.alerts.check-interval}: how often the rules are evaluated
 * @param remindMinutes       {@code replicator.alerts.remind-minutes}: a breach that lasts is sent again after this long
 * @param maxHeapPercent      {@code replicator.health.max-heap-percent}: heap used after the last collection, of the maximum
 * @param maxCpuPercent       {@code replicator.health.max-cpu-percent}: this process's CPU use, of the whole machine
 * @param maxPoolPending      {@code replicator.health.max-pool-pending}: threads waiting for a connection of either pool
 * @param maxRunSeconds       {@code replicator.health.max-run-seconds}: a load, sync or verify running longer than this
 * @param minRowsPerSecond    {@code replicator.health.min-rows-per-second}: a run slower than this ...
 * @param minRowsMinutes      {@code replicator.health.min-rows-minutes}: ... for this many minutes
 * @param maxStreamLagSeconds {@code replicator.health.max-stream-lag-seconds}: a running stream further behind its source
 *                            than this (observe.StreamState: the age of the last change or heartbeat applied)
 */
public record AlertSettings(String uri, long checkIntervalMillis, long remindMinutes, int maxHeapPercent, int maxCpuPercent,
                            int maxPoolPending, long maxRunSeconds, long minRowsPerSecond, long minRowsMinutes, long maxStreamLagSeconds) {
}

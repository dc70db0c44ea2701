package org.camelreplicator.observe;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.Clock;

/**
 * The replicator's Micrometer meters, published over JMX (domain {@code metrics}) and in
 * Prometheus format (the HTTP endpoint). Per table: rows and bytes committed, chunk duration,
 * failures; per batch: rows, bytes, write time; retries by error class (SQLState); run duration;
 * sync: tables by outcome, rows deleted, lag; verify: ranges by outcome, rows compared, differing and
 * repaired, tables that differ; and gauges of the current run (rows/s, ETA, tables
 * failed and running, health).
 */
public final class Meters implements AutoCloseable {

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final JmxMeterRegistry jmx = new JmxMeterRegistry(JmxConfig.DEFAULT, Clock.SYSTEM);
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DistributionSummary batchRows;
    private final DistributionSummary batchBytes;
    private final Timer batchWrite;
    private final io.micrometer.core.instrument.binder.jvm.JvmGcMetrics gc = new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics();

    public Meters(Supplier<RunReport> current, Health health) {
        this(current, health, new StreamState());
    }

    public Meters(Supplier<RunReport> current, Health health, StreamState stream) {
        registry.add(jmx);
        registry.add(prometheus);
        // the process itself: memory, GC, threads, classes, CPU, uptime
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
        batchRows = DistributionSummary.builder("replicator.batch.rows").description("Rows per batch written")
                .publishPercentiles(0.5, 0.99).register(registry);
        batchBytes = DistributionSummary.builder("replicator.batch.bytes").baseUnit("bytes").description("Bytes per batch written")
                .publishPercentiles(0.5, 0.99).register(registry);
        batchWrite = Timer.builder("replicator.batch.write").description("Time to write one batch to the target")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("replicator.run.rows.per.second", () -> value(current, RunReport::rowsPerSecond))
                .description("Rows copied per second in the current run").register(registry);
        Gauge.builder("replicator.run.eta.seconds", () -> value(current, RunReport::etaSeconds))
                .description("Seconds until the current run's estimated rows are copied (-1: unknown)").register(registry);
        Gauge.builder("replicator.run.tables.failed", () -> value(current, r -> r.count(RunReport.Outcome.FAILED)))
                .register(registry);
        Gauge.builder("replicator.run.tables.running", () -> value(current, r -> r.runningTables().size()))
                .register(registry);
        Gauge.builder("replicator.sync.lag.seconds", health::syncLagSeconds)
                .description("Seconds since the table synced longest ago was last synced (0 before the first sync)").register(registry);
        Gauge.builder("replicator.verify.tables.differing", health::differingTables)
                .description("Tables whose last verify found rows that differ from the source (and were not repaired)").register(registry);
        Gauge.builder("replicator.stream.lag.seconds", stream::lagSeconds).baseUnit("seconds")
                .description("Age of the newest source state the stream applied: now minus the source commit time of the last change"
                        + " or heartbeat applied (-1: no stream runs)").register(registry);
        Gauge.builder("replicator.stream.lag.bytes", stream::lagBytes).baseUnit("bytes")
                .description("Source WAL written after the position the stream applied (-1: no stream runs, or not checked yet)")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("replicator.stream.changes", stream, StreamState::changes)
                .description("Change events the stream applied").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("replicator.stream.transactions", stream, StreamState::transactions)
                .description("Target transactions the stream committed (batches, heartbeats included)").register(registry);
        Gauge.builder("replicator.health", () -> health.healthy() ? 1 : 0).description("1 when healthy, 0 when a threshold is crossed")
                .register(registry);
    }

    private static double value(Supplier<RunReport> current, java.util.function.ToDoubleFunction<RunReport> f) {
        RunReport r = current.get();
        return r == null ? 0 : f.applyAsDouble(r);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void batchWritten(long rows, long bytes, long nanos) {
        batchRows.record(rows);
        batchBytes.record(bytes);
        batchWrite.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void chunkCommitted(String table, long rows, long bytes, long nanos) {
        Counter.builder("replicator.rows.copied").tag("table", table).register(registry).increment(rows);
        Counter.builder("replicator.bytes.copied").tag("table", table).baseUnit("bytes").register(registry).increment(bytes);
        Timer.builder("replicator.chunk.duration").tag("table", table).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void retried(String errorClass) {
        Counter.builder("replicator.retries").tag("error", errorClass).register(registry).increment();
    }

    public void tableFailed(String table) {
        Counter.builder("replicator.failures").tag("table", table).register(registry).increment();
    }

    /** sync: a table synced, found unchanged, or failed. */
    public void tableSynced(String table, RunReport.Outcome outcome) {
        Counter.builder("replicator.sync.tables").tag("table", table).tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry).increment();
    }

    public void rowsDeleted(String table, long rows) {
        Counter.builder("replicator.rows.deleted").tag("table", table).register(registry).increment(rows);
    }

    /** verify: a range compared, equal or not, and the source rows it holds. */
    public void rangeVerified(String table, boolean equal, long rows) {
        Counter.builder("replicator.verify.ranges").tag("table", table).tag("outcome", equal ? "equal" : "differs")
                .register(registry).increment();
        Counter.builder("replicator.verify.rows.compared").tag("table", table).register(registry).increment(rows);
    }

    /** verify: rows found missing on the target, extra on it, or changed ({@code kind}). */
    public void rowsDiffering(String table, String kind, long rows) {
        Counter.builder("replicator.verify.rows.differing").tag("table", table).tag("kind", kind).register(registry).increment(rows);
    }

    /** verify --repair: rows a repair wrote again from the source. */
    public void rowsRepaired(String table, long rows) {
        Counter.builder("replicator.repair.rows").tag("table", table).register(registry).increment(rows);
    }

    public void runFinished(double seconds) {
        Timer.builder("replicator.run.duration").register(registry).record(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    /** The meters in Prometheus text format, for the scrape endpoint. */
    public String scrape() {
        return prometheus.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
        jmx.close();
        prometheus.close();
    }
}

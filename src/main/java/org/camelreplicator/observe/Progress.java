package org.camelreplicator.observe;

import java.util.function.Supplier;

/**
 * The JMX face of the current run's {@link RunReport}, and the two operations a monitoring console
 * needs. The actions are given by the runtime: starting a load is a request to the load route,
 * stopping is the same signal SIGTERM gives.
 */
public final class Progress implements ProgressMBean {

    private final Supplier<RunReport> current;
    private final Supplier<String> starter;
    private final Runnable stopper;
    private final Supplier<Boolean> stopping;
    private final Supplier<String> health;

    public Progress(Supplier<RunReport> current, Supplier<String> starter, Runnable stopper, Supplier<Boolean> stopping,
                    Supplier<String> health) {
        this.current = current;
        this.starter = starter;
        this.stopper = stopper;
        this.stopping = stopping;
        this.health = health;
    }

    @Override
    public String getHealth() {
        return health.get();
    }

    private RunReport report() {
        return current.get();
    }

    @Override
    public long getRunId() {
        RunReport r = report();
        return r == null ? 0 : r.runId();
    }

    @Override
    public String getStatus() {
        RunReport r = report();
        if (r == null) {
            return "idle";
        }
        if (!r.finished()) {
            return stopping.get() ? "stopping" : "running";
        }
        return r.failed() ? "failed" : "done";
    }

    @Override
    public int getTablesTotal() {
        RunReport r = report();
        return r == null ? 0 : r.tableCount();
    }

    @Override
    public long getTablesDone() {
        RunReport r = report();
        return r == null ? 0 : r.count(RunReport.Outcome.DONE) + r.count(RunReport.Outcome.SKIPPED) + r.count(RunReport.Outcome.UNCHANGED);
    }

    @Override
    public long getTablesFailed() {
        RunReport r = report();
        return r == null ? 0 : r.count(RunReport.Outcome.FAILED);
    }

    @Override
    public int getTablesRunning() {
        RunReport r = report();
        return r == null ? 0 : r.runningTables().size();
    }

    @Override
    public long getRowsCopied() {
        RunReport r = report();
        return r == null ? 0 : r.totalRows();
    }

    @Override
    public long getBytesCopied() {
        RunReport r = report();
        return r == null ? 0 : r.totalBytes();
    }

    @Override
    public long getRowsPerSecond() {
        RunReport r = report();
        return r == null ? 0 : r.rowsPerSecond();
    }

    @Override
    public long getEtaSeconds() {
        RunReport r = report();
        return r == null ? -1 : r.etaSeconds();
    }

    @Override
    public String[] getRunningTables() {
        RunReport r = report();
        return r == null ? new String[0] : r.runningTables().toArray(String[]::new);
    }

    @Override
    public String[] getRunningChunks() {
        RunReport r = report();
        return r == null ? new String[0] : r.runningChunks().stream().sorted().toArray(String[]::new);
    }

    @Override
    public long getRetries() {
        RunReport r = report();
        return r == null ? 0 : r.totalRetries();
    }

    @Override
    public String getLastError() {
        RunReport r = report();
        return r == null ? null : r.lastError();
    }

    @Override
    public String startLoad() {
        return starter.get();
    }

    @Override
    public String stop() {
        RunReport r = report();
        if (r == null || r.finished()) {
            return "No load is running";
        }
        stopper.run();
        return "Stopping run " + r.runId() + ": running chunks roll back at their next batch; load --resume continues it";
    }
}

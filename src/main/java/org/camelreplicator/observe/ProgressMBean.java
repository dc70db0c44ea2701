package org.camelreplicator.observe;

/**
 * The replicator over JMX ({@code org.camelreplicator:type=Progress}): where the current (or last)
 * run is, how fast it goes and when it ends, and operations to start a load or stop gracefully.
 */
public interface ProgressMBean {

    long getRunId();

    /** idle, running, done, failed or stopping. */
    String getStatus();

    int getTablesTotal();

    long getTablesDone();

    long getTablesFailed();

    int getTablesRunning();

    long getRowsCopied();

    long getBytesCopied();

    long getRowsPerSecond();

    /** Seconds until the estimated rows are copied at the current rate; -1 when unknown. */
    long getEtaSeconds();

    String[] getRunningTables();

    String[] getRunningChunks();

    long getRetries();

    String getLastError();

    /** UP, or DOWN and the thresholds crossed (replicator.health.*). */
    String getHealth();

    /** Starts a load of the configured tables in the background; answers what happened. */
    String startLoad();

    /** Asks the running load to stop: chunks roll back at their next batch, load --resume continues. */
    String stop();
}

package org.camelreplicator.ledger;

/**
 * One row of {@code after_actions}: an after-action of a run's table (or of the run itself,
 * {@link #RUN}), numbered in the order it runs.
 */
public record AfterActionRecord(long runId, String table, int number, String kind, String setting, String sql, String status,
                                int attempts, String error) {

    /** The table_name of the run's own after-actions (replicator.after-load, replicator.after-sync). */
    public static final String RUN = "(run)";

    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    public boolean done() {
        return DONE.equals(status);
    }
}

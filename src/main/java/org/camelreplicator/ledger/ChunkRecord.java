package org.camelreplicator.ledger;

/** One row of {@code chunks}: where a chunk's rows are and whether they are copied. */
public record ChunkRecord(int number, String bounds, String description, String status, long rowsCopied,
                          int attempts, String error) {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
}

package org.camelreplicator.ledger;

import java.time.OffsetDateTime;

/** One row of {@code runs}: a load (or other command) and how it ended. */
public record RunRecord(long id, String command, String status, String source,
                        OffsetDateTime startedAt, OffsetDateTime updatedAt, OffsetDateTime finishedAt) {

    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String STOPPED = "stopped";

    public boolean finished() {
        return DONE.equals(status);
    }
}

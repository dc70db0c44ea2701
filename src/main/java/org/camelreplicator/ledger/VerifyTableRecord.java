package org.camelreplicator.ledger;

import java.time.OffsetDateTime;

/** One row of {@code verify_tables}: how a table compared with its source in one verify run. */
public record VerifyTableRecord(long runId, String table, String targetTable, String status, int rangesTotal, int rangesEqual,
                                int rangesDiffering, long sourceRows, long targetRows, long missingRows, long extraRows,
                                long changedRows, long repairedRows, OffsetDateTime startedAt, OffsetDateTime finishedAt, String error) {

    public static final String RUNNING = "running";
    /** Every range has the same rows on both sides. */
    public static final String EQUAL = "equal";
    /** A range differs; its differing parts are recorded in verify_ranges. */
    public static final String DIFFERS = "differs";
    /** Every range that differed was rewritten from the source. */
    public static final String REPAIRED = "repaired";
    /** The load did not finish this table (or there is no target table): nothing to compare yet. */
    public static final String NOT_LOADED = "not-loaded";
    public static final String FAILED = "failed";

    /** Whether the table's verification (and repair, if asked) ended. */
    public boolean finished() {
        return EQUAL.equals(status) || DIFFERS.equals(status) || REPAIRED.equals(status) || NOT_LOADED.equals(status);
    }
}

package org.camelreplicator.ledger;

import org.camelreplicator.plan.KeyRange;

/**
 * One row of {@code verify_ranges}: a range of a table (a chunk of the load's plan, or a part a
 * differing range was narrowed down to) and how it compared.
 *
 * @param number     the range's number within the table and run
 * @param parent     the range this part was narrowed from, or null for a range of the plan
 * @param range      the rows
 * @param status     {@link #PENDING}, {@link #EQUAL}, {@link #DIFFERS}, {@link #NARROWED} or {@link #REPAIRED}
 */
public record VerifyRangeRecord(int number, Integer parent, KeyRange range, String status, long sourceRows, long targetRows) {

    public static final String PENDING = "pending";
    public static final String EQUAL = "equal";
    /** The range differs and is itself what a repair rewrites. */
    public static final String DIFFERS = "differs";
    /** The range differs; the parts of it that differ are recorded with it as parent. */
    public static final String NARROWED = "narrowed";
    /** Rewritten from the source, in the transaction that set this status. */
    public static final String REPAIRED = "repaired";
}

package org.camelreplicator.plan;

import java.time.YearMonth;

/**
 * {@code replicator.table.<table>.split-by=<column>:month}: one chunk per calendar month of a date
 * column, optionally only the months from {@code --from} to {@code --to} (both included).
 *
 * @param partitioned the table is partitioned by month of the column ({@code partition-by}): each
 *                    month chunk is bounded on both ends, as its partition is, instead of the first and
 *                    last being open
 */
public record MonthSplit(String column, YearMonth from, YearMonth to, boolean partitioned) {

    public MonthSplit(String column, YearMonth from, YearMonth to) {
        this(column, from, to, false);
    }

    public boolean bounded() {
        return from != null || to != null;
    }
}

package org.camelreplicator.plan;

import java.time.YearMonth;

/**
 * {@code replicator.table.<table>.split-by=<column>:month}: one chunk per calendar month of a date
 * column, optionally only the months from {@code --from} to {@code --to} (both included).
 */
public record MonthSplit(String column, YearMonth from, YearMonth to) {

    public boolean bounded() {
        return from != null || to != null;
    }
}

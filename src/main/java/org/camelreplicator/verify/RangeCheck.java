package org.camelreplicator.verify;

import org.camelreplicator.plan.KeyRange;

/**
 * One range of a table to compare: the body of the verify-range route.
 *
 * @param table  the table being verified
 * @param number the range's number in the ledger (verify_ranges.range_no)
 * @param range  the rows
 */
record RangeCheck(VerifyTable table, int number, KeyRange range) {

    @Override
    public String toString() {
        return table.id() + " range " + (number + 1) + "/" + table.ranges().size() + " (" + range.describe() + ")";
    }
}

package org.camelreplicator.plan;

/**
 * One unit of exactly-once work: the rows of one table inside one key range, copied in one target
 * transaction together with the ledger mark that says it is done.
 *
 * @param runId  the ledger run this chunk belongs to
 * @param table  the table plan
 * @param number 0-based position within the table
 * @param total  how many chunks the table has
 * @param range  the rows
 */
public record Chunk(long runId, TablePlan table, int number, int total, KeyRange range) {

    /** The key the idempotent consumer and the ledger know this chunk by. */
    public String id() {
        return runId + "/" + table.id() + "/" + number;
    }

    @Override
    public String toString() {
        return table.id() + " chunk " + (number + 1) + "/" + total + " (" + range.describe() + ")";
    }
}

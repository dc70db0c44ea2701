package org.camelreplicator.ledger;

/**
 * The latest load that recorded a table: its run and how far the table got.
 *
 * @param runId  the load run
 * @param status the table's status in that run ({@link TableRecord})
 * @param phase  the table's next step: {@code copy} while its rows are copied, then the after-data phases
 */
public record LoadOfTable(long runId, String status, String phase) {

    /** Every chunk committed: the table is past its copy (an after-data phase may have failed, its rows are in). */
    public boolean rowsCopied() {
        return !"copy".equals(phase);
    }
}

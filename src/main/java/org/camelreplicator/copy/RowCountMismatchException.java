package org.camelreplicator.copy;

/**
 * A table whose target rows differ from what its committed chunks copied: something wrote around
 * the ledger. The table fails instead of being called done; the message names both counts.
 */
public final class RowCountMismatchException extends IllegalStateException {

    public RowCountMismatchException(String message) {
        super(message);
    }
}

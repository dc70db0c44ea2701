package org.camelreplicator.bench;

/** The ways the bench puts rows into the target, slowest first: what a team weighs before trusting a loader. */
public enum InsertMode {
    /** One INSERT per row, each committed by itself (autocommit): what a naive loader does. */
    ROW_COMMIT("row-commit", "row by row, commit each", true, false),
    /** One INSERT per row, all in one transaction. */
    ROW_TRANSACTION("row-transaction", "row by row, one transaction", true, false),
    /** One prepared INSERT, rows added to JDBC batches of --batch-rows, one transaction: how a load writes JDBC targets. */
    JDBC_BATCH("jdbc-batch", "JDBC batches", false, false),
    /** INSERT ... VALUES (...), (...), ... with many rows per statement, one transaction. */
    MULTI_ROW_VALUES("multi-row-values", "multi-row VALUES", false, false),
    /** COPY FROM STDIN in text format, one COPY, one transaction (PostgreSQL). */
    COPY_TEXT("copy-text", "COPY text", false, true),
    /** COPY FROM STDIN in binary format, one COPY, one transaction (PostgreSQL). */
    COPY_BINARY("copy-binary", "COPY binary", false, true);

    private final String id;
    private final String label;
    private final boolean individual;
    private final boolean copy;

    InsertMode(String id, String label, boolean individual, boolean copy) {
        this.id = id;
        this.label = label;
        this.individual = individual;
        this.copy = copy;
    }

    /** The mode's name in the JSON. */
    public String id() {
        return id;
    }

    /** The mode's name in the table. */
    public String label() {
        return label;
    }

    /** A row-by-row mode, which --skip-individual leaves out. */
    public boolean individual() {
        return individual;
    }

    /** A mode only a target that speaks COPY has. */
    public boolean copy() {
        return copy;
    }
}

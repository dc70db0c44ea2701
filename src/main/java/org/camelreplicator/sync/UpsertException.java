package org.camelreplicator.sync;

import java.sql.SQLException;

/** Moving a table's staged changes into it failed: names the table, the key, and what to do for the usual causes. */
public final class UpsertException extends RuntimeException {

    private UpsertException(String message, SQLException cause) {
        super(message, cause);
    }

    /** Creating the staging table from the target table failed: most often the source has a column the target lacks. */
    static UpsertException staging(SyncTable table, SQLException e) {
        String state = String.valueOf(e.getSQLState());
        String hint = state.equals("42703") || state.equals("42S22")
                ? ". The source table has a column the target table lacks (added after the load?): sync does not carry schema"
                + " changes. Add the column to " + table.plan().targetQualifiedName() + " (ALTER TABLE ... ADD COLUMN) and load the"
                + " table again: load --tables=" + table.id()
                : "";
        return new UpsertException("Staging the changed rows of " + table.id() + " in a copy of " + table.plan().targetQualifiedName()
                + " failed: " + e.getMessage() + " [SQLState " + e.getSQLState() + "]" + hint, e);
    }

    static UpsertException of(SyncTable table, SQLException e) {
        String target = table.plan().targetQualifiedName();
        String key = String.join(", ", table.targetKey());
        String hint = switch (String.valueOf(e.getSQLState())) {
            case "42P10" -> ". The target table has no primary key or unique index on (" + key + "), which the upsert needs:"
                    + " create one (CREATE UNIQUE INDEX ON " + target + " (" + key + ")), or set replicator.table."
                    + table.plan().source().name() + ".sync.key to columns that have one";
            case "21000" -> ". Two changed rows have the same key (" + key + "): the sync key does not identify a row of "
                    + table.id() + "; set replicator.table." + table.plan().source().name() + ".sync.key to columns that do";
            default -> "";
        };
        return new UpsertException("Upserting the changed rows of " + table.id() + " into " + target + " on (" + key + ") failed: "
                + e.getMessage() + " [SQLState " + e.getSQLState() + "]" + hint, e);
    }
}

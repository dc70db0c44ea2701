package org.camelreplicator.verify;

import java.util.List;

/**
 * A row that differs between source and target, named by its key.
 *
 * @param kind    missing on the target, extra on the target, or changed
 * @param key     the row's key as {@code (column=value, ...)}, target column names
 * @param columns for a changed row, the target columns whose values differ; empty otherwise
 */
record Difference(Kind kind, String key, List<String> columns) {

    enum Kind {
        MISSING("missing on the target"), EXTRA("extra on the target"), CHANGED("changed");

        final String words;

        Kind(String words) {
            this.words = words;
        }

        /** How the ledger and the JSON report name it. */
        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return key + ": " + kind.words + (columns.isEmpty() ? "" : " (" + String.join(", ", columns) + ")");
    }
}

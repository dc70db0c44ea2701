package org.camelreplicator.copy;

import java.util.List;

/**
 * Rows as values read through JDBC.
 *
 * @param rows each row's values in the order of the table's columns
 */
public record RowBatch(List<Object[]> rows) implements Batch {

    @Override
    public int size() {
        return rows.size();
    }
}

package org.camelreplicator.copy;

import java.util.List;

/**
 * A batch of rows read from one chunk: what one exchange carries between the reader and the writer.
 *
 * @param rows  each row's values in the order of the table's columns
 * @param first whether this is the chunk's first batch
 */
public record RowBatch(List<Object[]> rows, boolean first) {

    public int size() {
        return rows.size();
    }
}

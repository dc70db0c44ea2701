package org.camelreplicator.copy;

import java.nio.charset.StandardCharsets;
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

    @Override
    public Batch slice(int from, int to) {
        return new RowBatch(rows.subList(from, to));
    }

    /** The row in COPY text form (tab-separated, \N for NULL); values COPY cannot hold are shown as they are. */
    @Override
    public String rowText(int row) {
        CopyTextEncoder encoder = new CopyTextEncoder(256, true);
        Object[] values = rows.get(row);
        if (encoder.row(values) >= 0) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                sb.append(i > 0 ? "\t" : "").append(values[i] instanceof byte[] b ? "<" + b.length + " bytes>" : values[i]);
            }
            return sb.toString();
        }
        return new String(encoder.buffer(), 0, encoder.length() - 1, StandardCharsets.UTF_8);
    }
}

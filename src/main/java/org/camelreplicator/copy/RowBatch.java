package org.camelreplicator.copy;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rows as values read through JDBC.
 *
 * @param rows    each row's values in the order of the table's columns
 * @param refused rows read between these whose values the source refused, to be recorded as rejects
 *                (only with replicator.on-bad-row=reject; they are not among {@code rows})
 */
public record RowBatch(List<Object[]> rows, List<RefusedRow> refused) implements Batch {

    public RowBatch(List<Object[]> rows) {
        this(rows, List.of());
    }

    @Override
    public int size() {
        return rows.size();
    }

    /** The rows [from, to); refused rows stay with the whole batch, which records them once. */
    @Override
    public Batch slice(int from, int to) {
        return new RowBatch(rows.subList(from, to));
    }

    /** The row in COPY text form (tab-separated, \N for NULL); values COPY cannot hold are shown as they are. */
    @Override
    public String rowText(int row) {
        return text(rows.get(row));
    }

    public static String text(Object[] values) {
        CopyTextEncoder encoder = new CopyTextEncoder(256, true);
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

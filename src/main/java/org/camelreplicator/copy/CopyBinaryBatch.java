package org.camelreplicator.copy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.camelreplicator.catalog.ColumnSpec;

/**
 * Rows exactly as a PostgreSQL source sent them with {@code COPY ... TO STDOUT (FORMAT binary)},
 * for a target table whose column types are the source's: the cheapest form for both servers
 * (no value is printed or parsed). The first batch of a chunk starts with the format's header;
 * the writer adds the trailer when the chunk's COPY ends. Only written as one COPY per chunk,
 * never sliced: replicator.on-bad-row=reject reads COPY text instead.
 *
 * @param data   the rows; only the first {@code length} bytes are used
 * @param length bytes used
 * @param rows   rows in the batch
 */
public record CopyBinaryBatch(byte[] data, int length, int rows) implements Batch {

    @Override
    public int size() {
        return rows;
    }

    @Override
    public Batch slice(int from, int to) {
        throw new UnsupportedOperationException("binary COPY batches are written whole (replicator.on-bad-row=reject reads COPY text)");
    }

    @Override
    public String rowText(int row) {
        return "(row " + (row + 1) + " of a binary COPY batch of " + rows + ")";
    }

    /**
     * One row's values, for a message that names its key: integers, text and uuids decoded, other
     * values shown by their size. The columns are the table's, in the order the chunk selects them.
     */
    public Object[] values(int row, List<ColumnSpec> columns) {
        ByteBuffer in = ByteBuffer.wrap(data, 0, length);
        if (length >= 19 && data[0] == 'P' && data[1] == 'G' && data[2] == 'C') {
            in.position(19);
        }
        for (int r = 0; r < row; r++) {
            int fields = in.getShort();
            for (int f = 0; f < fields; f++) {
                int n = in.getInt();
                in.position(in.position() + Math.max(n, 0));
            }
        }
        int fields = in.getShort();
        Object[] values = new Object[fields];
        for (int f = 0; f < fields; f++) {
            int n = in.getInt();
            if (n >= 0) {
                values[f] = value(in.slice(in.position(), n), f < columns.size() ? columns.get(f).typeName() : "");
                in.position(in.position() + n);
            }
        }
        return values;
    }

    private static Object value(ByteBuffer v, String type) {
        String base = type.replaceAll("\\(.*\\)", "");
        return switch (base) {
            case "smallint" -> v.getShort();
            case "integer" -> v.getInt();
            case "bigint" -> v.getLong();
            case "text", "character varying", "character" -> StandardCharsets.UTF_8.decode(v).toString();
            case "uuid" -> new UUID(v.getLong(), v.getLong());
            default -> "<" + v.remaining() + " bytes>";
        };
    }
}

package org.camelreplicator.copy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.plan.Chunk;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Writing a batch of a chunk failed. The message names the table, the chunk and its bounds, and,
 * when the target says which line of the COPY it refused, the column and the row's key.
 */
public class ChunkWriteException extends RuntimeException {

    /** PostgreSQL's context of a COPY error: {@code COPY items, line 17, column price: "12345.67"}. */
    private static final Pattern COPY_LINE = Pattern.compile("COPY [^,]+, line (\\d+)(?:, column ([^:]+))?");

    private final int rowInBatch;

    private ChunkWriteException(String message, int rowInBatch, SQLException cause) {
        super(message, cause);
        this.rowInBatch = rowInBatch;
    }

    public static ChunkWriteException of(Chunk chunk, Batch batch, SQLException cause) {
        return of(chunk, batch, 0, cause);
    }

    /**
     * @param firstRow the line of the write (one COPY for a whole chunk) at which {@code batch} starts,
     *                 counted from 0: the target numbers the lines of the whole write
     */
    public static ChunkWriteException of(Chunk chunk, Batch batch, long firstRow, SQLException cause) {
        StringBuilder message = new StringBuilder("Writing ").append(chunk).append(" to the target failed");
        long line = -1;
        int row = -1;
        String column = null;
        ServerErrorMessage server = cause instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (server != null && server.getWhere() != null) {
            Matcher m = COPY_LINE.matcher(server.getWhere());
            if (m.find()) {
                line = Long.parseLong(m.group(1));
                row = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, line - 1 - firstRow));
                column = m.group(2);
            }
        }
        if (server != null && server.getColumn() != null) {
            column = server.getColumn();
        }
        if (column != null) {
            message.append(", column ").append(column.strip());
        }
        boolean inBatch = batch != null && row >= 0 && row < batch.size();
        String key = inBatch ? rowKey(chunk.table().source(), batch, row) : null;
        if (key != null) {
            message.append(", row ").append(key);
        } else if (line > 0 && firstRow > 0) {
            message.append(", row ").append(line).append(" of the chunk");
        }
        message.append(": ").append(cause.getMessage());
        return new ChunkWriteException(message.toString(), inBatch ? row : -1, cause);
    }

    /** The line of its COPY (from 1) at which the target refused a row, or -1 when it did not say. */
    static long line(SQLException cause) {
        ServerErrorMessage server = cause instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (server != null && server.getWhere() != null) {
            Matcher m = COPY_LINE.matcher(server.getWhere());
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }

    /** The position in the batch of the row the target refused, or -1 when it did not say. */
    public int rowInBatch() {
        return rowInBatch;
    }

    public SQLException sqlException() {
        return (SQLException) getCause();
    }

    /** The key of one row of a batch, {@code (id=42)}, or the whole row when the table has no primary key. */
    static String rowKey(TableSpec table, Batch batch, int row) {
        if (batch instanceof RowBatch rows) {
            return BadValueException.rowKey(table, rows.rows().get(row));
        }
        if (batch instanceof CopyBinaryBatch binary) {
            return BadValueException.rowKey(table, binary.values(row, table.columns()));
        }
        String[] fields = batch.rowText(row).split("\t", -1);
        List<String> key = table.primaryKey().isEmpty() ? table.columns().stream().map(c -> c.name()).toList() : table.primaryKey();
        List<String> parts = new ArrayList<>();
        for (String k : key) {
            for (int i = 0; i < table.columns().size() && i < fields.length; i++) {
                if (table.columns().get(i).name().equals(k)) {
                    parts.add(k + "=" + (fields[i].equals("\\N") ? "null" : fields[i]));
                }
            }
        }
        return "(" + String.join(", ", parts) + ")";
    }

}

package org.camelreplicator.copy;

import java.util.ArrayList;
import java.util.List;

import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.plan.TablePlan;

/**
 * A value that cannot be copied, because the source refuses to give it (a MySQL zero date in a NOT
 * NULL column) or the target cannot take it (NUL in text), named by table, column and row key so the
 * user can find it.
 */
public class BadValueException extends RuntimeException {

    public BadValueException(TablePlan table, int column, Object[] row, String problem) {
        this(table, column, row, problem, null);
    }

    public BadValueException(TablePlan table, int column, Object[] row, String problem, Throwable cause) {
        this(table.id(), table.source(), column, row, problem, cause);
    }

    /** A value of a row shaped as {@code columns} describes (a source row of a table with a column transform: its read columns). */
    public BadValueException(String table, TableSpec columns, int column, Object[] row, String problem, Throwable cause) {
        super("Table " + table + ", column " + columns.columns().get(column).name()
                + ", row " + rowKey(columns, row) + ": " + problem, cause);
    }

    /** {@code (id=42)}, or the whole row when the table has no primary key. */
    public static String rowKey(TableSpec table, Object[] row) {
        List<String> parts = new ArrayList<>();
        List<String> key = table.primaryKey().isEmpty()
                ? table.columns().stream().map(c -> c.name()).toList() : table.primaryKey();
        for (String k : key) {
            for (int i = 0; i < table.columns().size(); i++) {
                if (table.columns().get(i).name().equals(k)) {
                    parts.add(k + "=" + abbreviate(row[i]));
                }
            }
        }
        return "(" + String.join(", ", parts) + ")";
    }

    private static String abbreviate(Object v) {
        String s = v instanceof byte[] b ? "<" + b.length + " bytes>" : String.valueOf(v);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}

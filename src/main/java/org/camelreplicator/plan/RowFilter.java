package org.camelreplicator.plan;

import java.math.BigDecimal;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.dialect.EngineDialect;

import static org.camelreplicator.config.ReplicatorSettings.TABLE_PREFIX;

/**
 * Which source rows a table's copy holds: {@code replicator.table.<table>.where} (the user's SQL
 * condition, passed to the source as written) and {@code replicator.table.<table>.soft-delete}
 * (rows marked deleted are left out). Every read of the table's source rows goes through it: the
 * load's chunks and their planning, sync's probe, changes and catch-up windows, the delete
 * reconciliation's keys and counts, and verify's counts, digests and rows; so a filtered-out row is
 * never copied, never counted, never reported missing, and a row that leaves the filter is deleted on
 * the target like a row deleted on the source. Target-side SQL never sees it: it is the source's SQL.
 *
 * @param where      the condition of {@code .where} as the user wrote it, or null
 * @param whereKey   the setting that gave it, as the user wrote the table's name
 * @param softDelete the soft-delete rule, or null
 */
public record RowFilter(String where, String whereKey, SoftDelete softDelete) {

    /**
     * {@code replicator.table.<table>.soft-delete=<column>[=<value>]}: rows whose column says
     * "deleted" are left out; NULL is never "deleted".
     *
     * @param setting the setting, as the user wrote the table's name
     * @param given   its value as given
     * @param column  the source's spelling of the column
     * @param deleted the value that marks a deleted row (Long, BigDecimal, Boolean or String), or null
     *                for a flag column: true (non-zero) means deleted
     * @param numeric whether the column holds numbers (a flag then compares with 0, not FALSE)
     */
    public record SoftDelete(String setting, String given, String column, Object deleted, boolean numeric) {

        /** The rows kept, in the source's SQL. */
        String keep(EngineDialect dialect) {
            String c = dialect.quote(column);
            if (deleted == null) {
                return "(" + c + " IS NULL OR " + c + " = " + (numeric ? "0" : dialect.literal(Boolean.FALSE)) + ")";
            }
            return "(" + c + " IS NULL OR " + c + " <> " + dialect.literal(deleted) + ")";
        }
    }

    /**
     * Reads a soft-delete setting against the table's columns: a flag (boolean, bit or integer
     * column) alone, or a column and the value that marks a deleted row.
     */
    static SoftDelete softDelete(TableSpec table, String setting, String given, java.util.function.BiFunction<String, String, String> column) {
        String value = given.trim();
        int eq = value.indexOf('=');
        String name = (eq < 0 ? value : value.substring(0, eq)).trim();
        String marker = eq < 0 ? null : value.substring(eq + 1).trim();
        if (name.isEmpty() || (marker != null && marker.isEmpty())) {
            throw new InvalidSettingException(setting, given, "is not <column> or <column>=<value> (e.g. is_deleted, or status=deleted)");
        }
        String found = column.apply(name, setting);
        ColumnSpec spec = table.column(found).orElseThrow();
        boolean numeric = isNumeric(spec);
        boolean flag = isFlag(spec);
        if (marker == null) {
            if (!numeric && !flag) {
                throw new InvalidSettingException(setting, "Column " + table.qualifiedName() + "." + found + " is " + spec.typeName()
                        + ": " + setting + "=" + found + " alone needs a boolean, bit or integer column (true or non-zero: deleted)."
                        + " Give the value that marks a deleted row instead, e.g. " + setting + "=" + found + "=deleted.");
            }
            return new SoftDelete(setting, given, found, null, numeric);
        }
        Object deleted;
        if (flag && (marker.equalsIgnoreCase("true") || marker.equalsIgnoreCase("false"))) {
            deleted = Boolean.valueOf(marker.toLowerCase(Locale.ROOT));
        } else if (numeric || flag) {
            try {
                deleted = number(new BigDecimal(marker));
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(setting, given, "compares column " + found + " (" + spec.typeName()
                        + ") with '" + marker + "', which is not a number" + (flag ? " nor true/false" : ""));
            }
        } else {
            deleted = marker;
        }
        return new SoftDelete(setting, given, found, deleted, numeric);
    }

    /** A whole number as a Long, so every dialect prints it plainly; anything else as it is. */
    private static Object number(BigDecimal value) {
        try {
            return value.longValueExact();
        } catch (ArithmeticException notWhole) {
            return value;
        }
    }

    private static boolean isFlag(ColumnSpec c) {
        return c.jdbcType() == Types.BOOLEAN || c.jdbcType() == Types.BIT;
    }

    private static boolean isNumeric(ColumnSpec c) {
        return switch (c.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.NUMERIC, Types.DECIMAL -> true;
            default -> false;
        };
    }

    /**
     * The rows kept, as a condition in the source's SQL, or an empty string for none. The user's
     * condition is wrapped as it is, with a line break before its closing parenthesis so a trailing
     * {@code --} comment in it cannot comment out what follows.
     */
    public String condition(EngineDialect dialect) {
        List<String> parts = new ArrayList<>(2);
        if (where != null) {
            parts.add("(" + where + "\n)");
        }
        if (softDelete != null) {
            parts.add(softDelete.keep(dialect));
        }
        return String.join(" AND ", parts);
    }

    /** The condition as the user reads it (in messages and the dry run): on one line. */
    public String shown(EngineDialect dialect) {
        return condition(dialect).replace("\n)", ")");
    }

    /** The settings that make this filter, for messages: {@code replicator.table.t.where} and/or the soft-delete one. */
    public String settings() {
        List<String> keys = new ArrayList<>(2);
        if (where != null) {
            keys.add(whereKey);
        }
        if (softDelete != null) {
            keys.add(softDelete.setting());
        }
        return String.join(" and ", keys);
    }

    /** Two conditions that must both hold, either of them possibly empty (every row). */
    public static String and(String filter, String range) {
        if (filter == null || filter.isEmpty()) {
            return range;
        }
        return range.isEmpty() ? filter : filter + " AND " + range;
    }

    /** The setting key of a table's {@code where}, as the user may write the table. */
    static String whereKey(String table) {
        return TABLE_PREFIX + table + ".where";
    }
}

package org.camelreplicator.plan;

import java.sql.Types;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.SourceNames;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.dialect.IdentifierLimit;

/**
 * {@code replicator.table.<table>.partition-by=<column>:month}: the target table is a PostgreSQL
 * declarative partitioned table (PARTITION BY RANGE of the column) with one partition per calendar
 * month of the table's chunk plan and a DEFAULT partition, and the load writes each month's chunk
 * straight into its partition. A partitioned table's load is split by month of its partition column
 * ({@link ChunkPlanner}, {@link MonthSplit#partitioned()}): every month chunk is bounded on both ends,
 * so its rows are exactly those its partition accepts; rows without a date go to the DEFAULT partition.
 * <p>
 * Partition names are the parent's target name with {@code _yYYYYmMM} (PostgreSQL's documentation
 * names them so) or {@code _default}; a parent name too long for both is cut to fit the limit.
 */
public final class MonthPartitions {

    /** One partition of a table: a month [from, to), or the DEFAULT partition (both null). */
    public record Partition(String name, LocalDate from, LocalDate to) {

        public boolean isDefault() {
            return from == null;
        }

        public String describe() {
            return name + (isDefault() ? " (DEFAULT)" : " (" + YearMonth.from(from) + ")");
        }
    }

    private MonthPartitions() {
    }

    /**
     * The column the setting names: a date or a timestamp without time zone. A timestamp with a time
     * zone is refused: where its months begin depends on each session's time zone, so the source's month
     * of a row and the target partition's bounds could disagree.
     */
    static ColumnSpec column(TableSpec table, String name, String setting) {
        ColumnSpec column = SourceNames.requireColumn(table, name, setting);
        if (!ChunkPlanner.isDateLike(column)) {
            throw new InvalidSettingException(setting, setting + ": column " + table.qualifiedName() + "." + column.name() + " is "
                    + column.typeName() + ", not a date or timestamp; a table is partitioned by month of a date or timestamp column.");
        }
        String type = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        if (column.jdbcType() == Types.TIMESTAMP_WITH_TIMEZONE || type.equals("timestamptz")
                || type.matches(".*\\bwith (local )?time zone.*") || type.contains("offset")) {
            throw new InvalidSettingException(setting, setting + ": column " + table.qualifiedName() + "." + column.name() + " is "
                    + column.typeName() + ", a timestamp with a time zone: where its months begin depends on the session's time zone, on the source and on"
                    + " the target. Partition by a date or a timestamp without time zone.");
        }
        return column;
    }

    /** The partition a chunk of a partitioned table is written into: its month's, or DEFAULT for rows without a date. */
    public static String partitionOf(TablePlan table, KeyRange range, IdentifierLimit limit) {
        if (range instanceof KeyRange.MonthRange m && m.from() != null && m.to() != null && m.from().plusMonths(1).equals(m.to())) {
            return name(table.targetName(), YearMonth.from(m.from()), limit);
        }
        if (range instanceof KeyRange.NullValues) {
            return defaultName(table.targetName(), limit);
        }
        throw new IllegalStateException(table.id() + " is partitioned by month, and its chunk " + range.describe()
                + " is not one month: no partition holds it");
    }

    /** The table's partitions for its chunk plan: one per month chunk, then DEFAULT. */
    public static List<Partition> of(TablePlan table, List<KeyRange> ranges, IdentifierLimit limit) {
        List<Partition> result = new ArrayList<>();
        for (KeyRange r : ranges) {
            if (r instanceof KeyRange.MonthRange m && m.from() != null && m.to() != null) {
                result.add(month(table, YearMonth.from(m.from()), limit));
            }
        }
        result.add(new Partition(defaultName(table.targetName(), limit), null, null));
        return result;
    }

    /** The partition of one month. */
    public static Partition month(TablePlan table, YearMonth month, IdentifierLimit limit) {
        return new Partition(name(table.targetName(), month, limit), month.atDay(1), month.plusMonths(1).atDay(1));
    }

    static String name(String parent, YearMonth month, IdentifierLimit limit) {
        return within(parent, String.format(Locale.ROOT, "_y%04dm%02d", month.getYear(), month.getMonthValue()), limit);
    }

    static String defaultName(String parent, IdentifierLimit limit) {
        return within(parent, "_default", limit);
    }

    private static String within(String parent, String suffix, IdentifierLimit limit) {
        return limit.clip(parent, limit.max() - limit.length(suffix)) + suffix;
    }
}

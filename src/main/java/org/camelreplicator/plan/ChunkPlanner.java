package org.camelreplicator.plan;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.SourceNames;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.dialect.SourceDialect;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.dialect.ValueReaders;

/**
 * Splits a table into chunks of about {@code chunkRows} rows so several workers copy one big table
 * at once, and so a failure or a resume costs one chunk, not the table. A single-column integer
 * primary key is cut into equal-width ranges between its minimum and maximum (the number of ranges
 * follows the row count, so sparse keys still give chunks of about the right size); other keys by
 * keyset boundaries; a date column by calendar month when configured; a table without a key is one
 * chunk (one transaction).
 */
public final class ChunkPlanner {

    private final long chunkRows;

    public ChunkPlanner(long chunkRows) {
        this.chunkRows = chunkRows;
    }

    /**
     * The chunk ranges of a table: by month when the user asked for it, by integer key ranges for
     * a single integer key, by keyset boundaries for any other primary key, one chunk otherwise.
     */
    public List<KeyRange> plan(Connection source, SourceDialect dialect, TableSpec table, MonthSplit split) throws SQLException {
        return plan(source, dialect, table, split, "");
    }

    /**
     * The same over the rows a filter keeps ({@link RowFilter}, a condition in the source's SQL, empty
     * for every row), so the chunks' sizes, counts and months are those of the rows the copy holds.
     */
    public List<KeyRange> plan(Connection source, SourceDialect dialect, TableSpec table, MonthSplit split, String filter) throws SQLException {
        String from = dialect.qualified(table.schema(), table.name()) + (filter.isEmpty() ? "" : " WHERE " + filter);
        if (split != null) {
            return months(source, dialect, table, split, from);
        }
        ColumnSpec key = integerKey(table);
        if (key != null) {
            return integerKey(source, dialect, table, key, from, !filter.isEmpty());
        }
        if (!table.primaryKey().isEmpty()) {
            return keyset(source, dialect, table, from);
        }
        return List.of(new KeyRange.WholeTable());
    }

    /**
     * The range of the key, and the number of rows from the engine's estimate when it keeps one and no
     * filter narrows the table: the count only sets how many chunks there are (the ranges cover every
     * key whatever it says), and counting a big table scans it all before the first row is copied
     * (1.3 s of a 5M-row table). {@code from}: the table, and the filter's WHERE when it has one.
     */
    private List<KeyRange> integerKey(Connection source, SourceDialect dialect, TableSpec table, ColumnSpec key, String from, boolean filtered)
            throws SQLException {
        String k = dialect.quote(key.name());
        boolean estimated = !filtered && table.estimatedRows() > 0;
        String sql = "SELECT MIN(" + k + "), MAX(" + k + ")" + (estimated ? "" : ", COUNT(*)") + " FROM " + from;
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            long min = rs.getLong(1);
            if (rs.wasNull()) {
                return List.of(new KeyRange.IntegerRange(key.name(), null, null));
            }
            // an estimate a little above a multiple of chunk-rows (5,000,254 for 5,000,000) must not add a sliver of a chunk
            long rows = estimated ? (long) (table.estimatedRows() / 1.01) : rs.getLong(3);
            return integerRanges(key.name(), min, rs.getLong(2), rows);
        }
    }

    /** Equal-width ranges over [min, max], open at both ends, as many as the row count needs. */
    List<KeyRange> integerRanges(String column, long min, long max, long rows) {
        long count = Math.max(1, (rows + chunkRows - 1) / chunkRows);
        BigInteger span = BigInteger.valueOf(max).subtract(BigInteger.valueOf(min)).add(BigInteger.ONE);
        count = Math.min(count, span.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue());
        BigInteger width = span.add(BigInteger.valueOf(count - 1)).divide(BigInteger.valueOf(count));
        List<KeyRange> ranges = new ArrayList<>();
        Long from = null;
        for (long i = 1; i < count; i++) {
            BigInteger to = BigInteger.valueOf(min).add(width.multiply(BigInteger.valueOf(i)));
            if (to.compareTo(BigInteger.valueOf(max)) > 0) {
                break;
            }
            ranges.add(new KeyRange.IntegerRange(column, from, to.longValueExact()));
            from = to.longValueExact();
        }
        ranges.add(new KeyRange.IntegerRange(column, from, null));
        return ranges;
    }

    /**
     * Text, uuid, composite and other keys: every {@code chunkRows}-th key in the source's own
     * order becomes a boundary, so each chunk holds about chunkRows rows whatever the key looks like.
     */
    private List<KeyRange> keyset(Connection source, SourceDialect dialect, TableSpec table, String from) throws SQLException {
        long rows;
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + from)) {
            rs.next();
            rows = rs.getLong(1);
        }
        if (rows <= chunkRows) {
            return List.of(new KeyRange.WholeTable());
        }
        long step = (rows + ((rows + chunkRows - 1) / chunkRows) - 1) / ((rows + chunkRows - 1) / chunkRows);
        List<String> key = table.primaryKey();
        String columns = key.stream().map(dialect::quote).collect(Collectors.joining(", "));
        String sql = "SELECT " + columns + " FROM (SELECT " + columns + ", ROW_NUMBER() OVER (ORDER BY " + columns
                + ") AS replicator_rn FROM " + from + ") numbered WHERE replicator_rn % " + step + " = 0 ORDER BY " + columns;
        List<ValueReader> readers = key.stream().map(k -> ValueReaders.forJdbcType(table.column(k).orElseThrow())).toList();
        List<List<String>> bounds = new ArrayList<>();
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                List<String> tuple = new ArrayList<>(key.size());
                for (int i = 0; i < key.size(); i++) {
                    tuple.add(KeyValues.encode(readers.get(i).read(rs, i + 1)));
                }
                bounds.add(tuple);
            }
        }
        List<KeyRange> ranges = new ArrayList<>();
        List<String> previous = null;
        for (List<String> bound : bounds) {
            ranges.add(new KeyRange.KeysetRange(key, previous, bound));
            previous = bound;
        }
        ranges.add(new KeyRange.KeysetRange(key, previous, null));
        return ranges;
    }

    /**
     * One chunk per calendar month. Unbounded, the first and last month are open-ended and rows
     * with no date get a chunk of their own, so nothing is left behind; bounded by --from/--to,
     * exactly those months are copied. A partitioned table's months are bounded on both ends (each is
     * its partition's range): a row written after the plan into a month before the first or after the
     * last is sync's to carry, as any later row.
     */
    private List<KeyRange> months(Connection source, SourceDialect dialect, TableSpec table, MonthSplit split, String rows) throws SQLException {
        ColumnSpec column = split.partitioned() ? table.column(split.column()).orElseThrow() : splitColumn(table, split.column());
        String c = dialect.quote(column.name());
        String sql = "SELECT MIN(" + c + "), MAX(" + c + "), COUNT(*) - COUNT(" + c + ") FROM " + rows;
        YearMonth min;
        YearMonth max;
        long nulls;
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            min = month(rs.getString(1), table, column);
            max = month(rs.getString(2), table, column);
            nulls = rs.getLong(3);
        }
        YearMonth first = split.from() != null ? split.from() : min;
        YearMonth last = split.to() != null ? split.to() : max;
        List<KeyRange> ranges = new ArrayList<>();
        if (first != null && last != null) {
            for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
                // a partitioned table's month is its partition's bounds: a row outside them has no place in it
                LocalDate from = m.equals(first) && split.from() == null && !split.partitioned() ? null : m.atDay(1);
                LocalDate to = m.equals(last) && split.to() == null && !split.partitioned() ? null : m.plusMonths(1).atDay(1);
                ranges.add(new KeyRange.MonthRange(column.name(), from, to));
            }
        }
        if (nulls > 0 && !split.bounded()) {
            ranges.add(new KeyRange.NullValues(column.name()));
        }
        return ranges.isEmpty() ? List.of(new KeyRange.NullValues(column.name())) : ranges;
    }

    /** The date column {@code replicator.table.<table>.split-by} names; a missing or non-date column is an error that names the setting. */
    static ColumnSpec splitColumn(TableSpec table, String name) {
        String setting = ReplicatorSettings.TABLE_PREFIX + table.name() + ".split-by";
        ColumnSpec column = SourceNames.requireColumn(table, name, setting);
        if (!isDateLike(column)) {
            throw new InvalidSettingException(setting, "Column " + table.qualifiedName() + "." + column.name() + " is "
                    + column.typeName() + ", not a date or timestamp; split by months needs a date column.");
        }
        return column;
    }

    static boolean isDateLike(ColumnSpec c) {
        return switch (c.jdbcType()) {
            case Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> true;
            default -> c.typeName() != null && (c.typeName().toUpperCase(Locale.ROOT).contains("DATE")
                    || c.typeName().toUpperCase(Locale.ROOT).contains("TIMESTAMP"));
        };
    }

    /** The month of a date as the source prints it ("2024-03-05", "2024-03-05 10:00:00+01"). */
    private static YearMonth month(String value, TableSpec table, ColumnSpec column) {
        if (value == null) {
            return null;
        }
        try {
            return YearMonth.parse(value.trim().substring(0, 7));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot read the month of " + table.qualifiedName() + "." + column.name()
                    + " value '" + value + "'; split this table by a column holding ISO dates", e);
        }
    }

    private static ColumnSpec integerKey(TableSpec table) {
        if (table.primaryKey().size() != 1) {
            return null;
        }
        ColumnSpec c = table.column(table.primaryKey().get(0)).orElse(null);
        if (c == null) {
            return null;
        }
        return switch (c.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> c;
            default -> null;
        };
    }
}

package org.camelreplicator.plan;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Dialect;

/**
 * Splits a table into chunks of about {@code chunkRows} rows so several workers copy one big table
 * at once. A single-column integer primary key is cut into equal-width ranges between its minimum
 * and maximum (the number of ranges follows the row count, so sparse keys still give chunks of
 * about the right size); any other table is one chunk.
 */
public final class ChunkPlanner {

    private final long chunkRows;

    public ChunkPlanner(long chunkRows) {
        this.chunkRows = chunkRows;
    }

    public List<KeyRange> plan(Connection source, Dialect dialect, TableSpec table) throws SQLException {
        ColumnSpec key = integerKey(table);
        if (key == null) {
            return List.of(new KeyRange.WholeTable());
        }
        String k = dialect.quote(key.name());
        String sql = "SELECT MIN(" + k + "), MAX(" + k + "), COUNT(*) FROM " + dialect.qualified(table.schema(), table.name());
        long min;
        long max;
        long rows;
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            min = rs.getLong(1);
            if (rs.wasNull()) {
                return List.of(new KeyRange.IntegerRange(key.name(), null, null));
            }
            max = rs.getLong(2);
            rows = rs.getLong(3);
        }
        return integerRanges(key.name(), min, max, rows);
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

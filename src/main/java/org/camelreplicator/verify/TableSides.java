package org.camelreplicator.verify;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.copy.Batch;
import org.camelreplicator.copy.ChunkReader;
import org.camelreplicator.copy.RowBatch;
import org.camelreplicator.dialect.EngineDialect;
import org.camelreplicator.dialect.ServerDigest;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.RowFilter;

/**
 * Reads a range of a table on either side: its {@link Digest} (computed by the servers where both
 * can, else hashed here as the rows stream, the source's through the load's {@link ChunkReader}),
 * the span of its integer key, and its rows in key order for a key-by-key comparison. Every read
 * streams with the dialect's settings, so memory does not grow with the range.
 */
final class TableSides {

    enum Side { SOURCE, TARGET }

    private final Databases databases;
    private final ChunkReader reader;
    private final int fetchSize;

    TableSides(Databases databases, ChunkReader reader, int fetchSize) {
        this.databases = databases;
        this.reader = reader;
        this.fetchSize = fetchSize;
    }

    EngineDialect dialect(Side side) {
        return side == Side.SOURCE ? databases.sourceDialect() : databases.targetDialect();
    }

    private Connection connect(Side side) throws SQLException {
        return (side == Side.SOURCE ? databases.source() : databases.target()).getConnection();
    }

    /** The table, named for the side's SQL. */
    String table(VerifyTable t, Side side) {
        return side == Side.SOURCE ? databases.sourceDialect().qualified(t.plan().source().schema(), t.plan().source().name())
                : databases.targetDialect().qualifiedTarget(t.plan().targetSchema(), t.plan().targetName());
    }

    /** A source column name (as ranges hold them) as the side's SQL names it. */
    UnaryOperator<String> column(VerifyTable t, Side side) {
        TargetDialect target = databases.targetDialect();
        return side == Side.SOURCE ? databases.sourceDialect()::quote : c -> target.quoteIfNeeded(t.plan().targetColumn(c));
    }

    /**
     * The range's condition for the side, with {@code ?} for its values; empty for every row. On the
     * source it is ANDed with the table's row filter (which has no parameters), so rows the copy
     * leaves out are neither counted nor reported missing.
     */
    String where(VerifyTable t, Side side, KeyRange range) {
        String condition = range.condition(column(t, side), v -> "?");
        return side == Side.SOURCE ? RowFilter.and(t.plan().sourceFilter(databases.sourceDialect()), condition) : condition;
    }

    void bind(PreparedStatement ps, Side side, KeyRange range) throws SQLException {
        List<Object> params = range.parameters();
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, dialect(side).bindable(params.get(i)));
        }
    }

    /** The range's digest on one side. */
    Digest digest(VerifyTable t, Side side, KeyRange range) throws SQLException {
        if (t.serverDigest() != null) {
            return serverDigest(t, side, range);
        }
        return side == Side.SOURCE ? sourceDigest(t, range) : targetDigest(t, range);
    }

    private Digest serverDigest(VerifyTable t, Side side, KeyRange range) throws SQLException {
        ServerDigest digest = dialect(side).serverDigest().orElseThrow();
        List<ColumnSpec> columns = t.plan().source().columns();
        UnaryOperator<String> name = column(t, side);
        List<String> expressions = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            String c = name.apply(columns.get(i).name());
            String cast = side == Side.SOURCE ? t.sourceCasts().get(i) : null;
            expressions.add(cast == null ? c : "CAST(" + c + " AS " + cast + ")");
        }
        try (Connection c = connect(side)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String sql : digest.sessionSql()) {
                    st.execute(sql);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(digest.sql(table(t, side), expressions, where(t, side, range)))) {
                bind(ps, side, range);
                Digest result;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    result = new Digest(rs.getLong(1), rs.getString(2));
                }
                c.rollback();
                return result;
            } catch (SQLException | RuntimeException e) {
                Databases.rollbackAfter(c, e);
                throw e;
            }
        }
    }

    /** The source's rows as the load reads them, hashed as they stream. */
    private Digest sourceDigest(VerifyTable t, KeyRange range) {
        Digest.Sum sum = new Digest.Sum();
        List<ValueForm> forms = t.forms();
        String[] canonical = new String[forms.size()];
        try (ChunkReader.BatchIterator batches = reader.open(new Chunk(0, t.plan(), 0, 1, range))) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                if (!(batch instanceof RowBatch rows)) {
                    throw new IllegalStateException("Rows of " + t.id() + " came as COPY text; verify hashes them only where the servers"
                            + " digest the range themselves");
                }
                for (Object[] row : rows.rows()) {
                    for (int i = 0; i < canonical.length; i++) {
                        canonical[i] = forms.get(i).canonical(row[i]);
                    }
                    sum.add(canonical);
                }
            }
        }
        return sum.digest();
    }

    private Digest targetDigest(VerifyTable t, KeyRange range) throws SQLException {
        Digest.Sum sum = new Digest.Sum();
        try (Rows rows = rows(t, Side.TARGET, range, false)) {
            for (String[] row = rows.next(); row != null; row = rows.next()) {
                sum.add(row);
            }
        }
        return sum.digest();
    }

    /** The smallest and largest value of the table's integer key in the range on either side, or null when both sides are empty. */
    long[] keySpan(VerifyTable t, KeyRange range) throws SQLException {
        Long low = null;
        Long high = null;
        for (Side side : Side.values()) {
            String k = column(t, side).apply(t.integerKey());
            String where = where(t, side, range);
            try (Connection c = connect(side);
                 PreparedStatement ps = c.prepareStatement("SELECT MIN(" + k + "), MAX(" + k + ") FROM " + table(t, side)
                         + (where.isEmpty() ? "" : " WHERE " + where))) {
                bind(ps, side, range);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long min = rs.getLong(1);
                    if (!rs.wasNull()) {
                        long max = rs.getLong(2);
                        low = low == null ? min : Math.min(low, min);
                        high = high == null ? max : Math.max(high, max);
                    }
                }
            }
        }
        return low == null ? null : new long[] {low, high};
    }

    /** [low, high] cut into at most {@code parts} key ranges of equal width, each closed below and open above. */
    static List<KeyRange> split(String column, long low, long high, int parts) {
        BigInteger span = BigInteger.valueOf(high).subtract(BigInteger.valueOf(low)).add(BigInteger.ONE);
        BigInteger count = span.min(BigInteger.valueOf(parts));
        BigInteger width = span.add(count).subtract(BigInteger.ONE).divide(count);
        List<KeyRange> ranges = new ArrayList<>();
        BigInteger from = BigInteger.valueOf(low);
        BigInteger end = BigInteger.valueOf(high).add(BigInteger.ONE);
        while (from.compareTo(end) < 0) {
            BigInteger to = from.add(width).min(end);
            // the key's last value has no successor in a long: that part stays open above
            Long upper = to.bitLength() < 64 ? to.longValueExact() : null;
            ranges.add(new KeyRange.IntegerRange(column, from.longValueExact(), upper));
            from = to;
        }
        return ranges;
    }

    /** The rows of the range on one side as canonical text, in key order when {@code ordered}. */
    Rows rows(VerifyTable t, Side side, KeyRange range, boolean ordered) throws SQLException {
        EngineDialect dialect = dialect(side);
        List<ColumnSpec> columns = t.plan().source().columns();
        UnaryOperator<String> name = column(t, side);
        List<String> select = new ArrayList<>();
        ValueReader[] readers = new ValueReader[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            select.add(side == Side.SOURCE ? databases.sourceDialect().selectExpression(columns.get(i)) : name.apply(columns.get(i).name()));
            readers[i] = side == Side.SOURCE ? dialect.reader(columns.get(i)) : t.forms().get(i).reader();
        }
        String where = where(t, side, range);
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select)).append(" FROM ").append(table(t, side));
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(where);
        }
        if (ordered) {
            List<String> order = new ArrayList<>();
            for (int k : t.key()) {
                String c = name.apply(columns.get(k).name());
                order.add(t.forms().get(k).text() ? dialect.orderByCodePoint(c) : c);
            }
            sql.append(" ORDER BY ").append(String.join(", ", order));
        }
        Connection c = connect(side);
        try {
            dialect.prepareForStreaming(c);
            PreparedStatement ps = c.prepareStatement(sql.toString(), dialect.streamingResultSetType(), ResultSet.CONCUR_READ_ONLY);
            dialect.configureStreamingStatement(ps, fetchSize);
            bind(ps, side, range);
            return new Rows(c, ps, ps.executeQuery(), readers, t.forms());
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A streaming read of one side's rows; holds a connection until closed. */
    static final class Rows implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet resultSet;
        private final ValueReader[] readers;
        private final List<ValueForm> forms;

        private Rows(Connection connection, PreparedStatement statement, ResultSet resultSet, ValueReader[] readers, List<ValueForm> forms) {
            this.connection = connection;
            this.statement = statement;
            this.resultSet = resultSet;
            this.readers = readers;
            this.forms = forms;
        }

        /** The next row's canonical values, or null after the last. */
        String[] next() throws SQLException {
            if (!resultSet.next()) {
                return null;
            }
            String[] row = new String[readers.length];
            for (int i = 0; i < readers.length; i++) {
                row[i] = forms.get(i).canonical(readers[i].read(resultSet, i + 1));
            }
            return row;
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = connection) {
                try (PreparedStatement s = statement; ResultSet r = resultSet) {
                    // the cursor goes before the transaction that held it
                }
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            }
        }
    }
}

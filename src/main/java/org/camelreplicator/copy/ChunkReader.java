package org.camelreplicator.copy;

import java.io.Closeable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.Databases;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.TablePlan;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one chunk from the source as {@link Batch}es that hold about {@code batchBytes} bytes
 * (replicator.batch-bytes), never fewer than {@code batchMinRows} rows nor more than
 * {@code batchRows}: narrow rows make big batches, wide rows (documents, images) small ones, so one
 * batch's memory stays about the same whatever the table. The query runs with the dialect's streaming
 * settings (fetch size, cursors), so one fetch and one batch are in memory whatever the size of the
 * chunk. When source and target both speak PostgreSQL's COPY text, the chunk is read with
 * {@code COPY (SELECT ...) TO STDOUT} and its lines are passed on as they are.
 * The route splits the returned iterator; Camel's splitter closes it when the split ends or fails,
 * which returns the source connection.
 */
public final class ChunkReader {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkReader.class);

    private final Databases databases;
    private final StopSignal stop;
    private final int batchRows;
    private final int batchMinRows;
    private final long batchBytes;
    private final int fetchSize;
    private final boolean rejectBadRows;

    /** @param rejectBadRows replicator.on-bad-row=reject: {@link #openForLoad} passes rows the source refuses on as rejects */
    public ChunkReader(Databases databases, StopSignal stop, int batchRows, int batchMinRows, long batchBytes, int fetchSize,
                       boolean rejectBadRows) {
        this.databases = databases;
        this.stop = stop;
        this.batchRows = batchRows;
        this.batchMinRows = Math.min(batchMinRows, batchRows);
        this.batchBytes = batchBytes;
        this.fetchSize = fetchSize;
        this.rejectBadRows = rejectBadRows;
    }

    /** Whether a batch of this many rows and bytes is full. */
    private boolean full(int rows, long bytes) {
        return rows >= batchRows || (rows >= batchMinRows && bytes >= batchBytes);
    }

    /**
     * The batches of a chunk; a value the source refuses stops the chunk with the table, column and
     * key named. For readers that have no rejects table to put such a row in (sync, delete checks).
     */
    public BatchIterator open(Chunk chunk) {
        return open(chunk, false);
    }

    /**
     * The batches of a chunk of a load: with replicator.on-bad-row=reject a row whose value the source
     * refuses rides in its batch as a {@link RefusedRow}, which the chunk's transaction records as a reject.
     */
    public BatchIterator openForLoad(Chunk chunk) {
        return open(chunk, true);
    }

    private BatchIterator open(Chunk chunk, boolean forLoad) {
        Dialect source = databases.sourceDialect();
        try {
            if (source.copiesText() && databases.targetDialect().copiesText()) {
                return new CopyTextIterator(chunk, source);
            }
            return new RowIterator(chunk, source, forLoad);
        } catch (SQLException e) {
            throw new ChunkReadException(chunk, e);
        }
    }

    /** The SELECT that reads one chunk: every column, in catalog order, within the chunk's range. */
    static String selectSql(Chunk chunk, Dialect dialect, boolean bindParameters) {
        TableSpec t = chunk.table().source();
        String columns = t.columns().stream().map(dialect::selectExpression).collect(Collectors.joining(", "));
        String where = chunk.range().condition(dialect::quote, bindParameters ? v -> "?" : dialect::literal);
        return "SELECT " + columns + " FROM " + dialect.qualified(t.schema(), t.name())
                + (where.isEmpty() ? "" : " WHERE " + where);
    }

    /**
     * Whether reading a value failed because of the value: a data exception (SQLState class 22),
     * Connector/J's S1009 (a value it cannot convert), or a conversion error the driver let through.
     */
    static boolean refusesValue(Throwable e) {
        if (e instanceof SQLException s) {
            String state = s.getSQLState();
            return s instanceof java.sql.SQLDataException || state != null && (state.startsWith("22") || state.equals("S1009"));
        }
        return e instanceof java.time.DateTimeException || e instanceof IllegalArgumentException || e instanceof ArithmeticException;
    }

    /** About what a value weighs in COPY text: enough to keep batches near their byte budget. */
    static long approximateBytes(Object v) {
        if (v == null) {
            return 3;
        }
        if (v instanceof String s) {
            return s.length() + 1L;
        }
        if (v instanceof byte[] b) {
            return 2L * b.length + 4;
        }
        return 12;
    }

    /** The batches of one chunk; holds a source connection until exhausted or closed. */
    public abstract class BatchIterator implements Iterator<Batch>, Closeable {

        final Chunk chunk;
        final Connection connection;
        private Batch next;
        private boolean closed;

        BatchIterator(Chunk chunk, Connection connection) {
            this.chunk = chunk;
            this.connection = connection;
        }

        /** The next batch, or null when the chunk has no more rows. */
        abstract Batch fill() throws SQLException;

        /** Releases the statement or COPY before the connection goes back to the pool. */
        abstract void release() throws SQLException;

        @Override
        public boolean hasNext() {
            if (next == null && !closed) {
                if (stop.stopping()) {
                    close();
                    stop.check(chunk);
                }
                try {
                    next = fill();
                } catch (SQLException e) {
                    close();
                    throw new ChunkReadException(chunk, e);
                } catch (RuntimeException e) {
                    close();
                    throw e;
                }
                if (next == null) {
                    close();
                }
            }
            return next != null;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Batch batch = next;
            next = null;
            return batch;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try (Connection c = connection) {
                release();
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            } catch (SQLException e) {
                // the chunk's outcome is already decided; a broken connection is discarded by the pool
                LOG.warn("Closing the source cursor of {} failed: {}", chunk, e.getMessage());
            }
        }
    }

    /** Rows read through JDBC, each column by the dialect's value reader. */
    private final class RowIterator extends BatchIterator {

        private final PreparedStatement statement;
        private final ResultSet resultSet;
        private final ValueReader[] readers;
        /** A load's chunk: replicator.on-bad-row applies to rows the source refuses. */
        private final boolean forLoad;

        RowIterator(Chunk chunk, Dialect dialect, boolean forLoad) throws SQLException {
            super(chunk, databases.source().getConnection());
            this.forLoad = forLoad;
            List<ColumnSpec> columns = chunk.table().source().columns();
            readers = new ValueReader[columns.size()];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = dialect.reader(columns.get(i));
            }
            try {
                dialect.prepareForStreaming(connection);
                statement = connection.prepareStatement(selectSql(chunk, dialect, true),
                        dialect.streamingResultSetType(), ResultSet.CONCUR_READ_ONLY);
                dialect.configureStreamingStatement(statement, fetchSize);
                List<Object> params = chunk.range().parameters();
                for (int i = 0; i < params.size(); i++) {
                    statement.setObject(i + 1, dialect.bindable(params.get(i)));
                }
                resultSet = statement.executeQuery();
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        @Override
        Batch fill() throws SQLException {
            List<Object[]> rows = new ArrayList<>(Math.min(batchRows, 4096));
            List<RefusedRow> refused = List.of();
            int width = readers.length;
            long bytes = 0;
            while (!full(rows.size(), bytes) && resultSet.next()) {
                Object[] row = new Object[width];
                int i = 0;
                try {
                    for (; i < width; i++) {
                        row[i] = readers[i].read(resultSet, i + 1);
                        bytes += approximateBytes(row[i]);
                    }
                } catch (SQLException | RuntimeException e) {
                    if (refused.isEmpty()) {
                        refused = new ArrayList<>();
                    }
                    refused.add(refusal(row, i, e));
                    continue;
                }
                rows.add(row);
            }
            return rows.isEmpty() && refused.isEmpty() ? null : new RowBatch(rows, refused);
        }

        /**
         * The slow path of a row whose value in {@code column} could not be read. A refusal of the value
         * (SQLState class 22, or the driver's conversion error) is a bad row: with on-bad-row=reject it
         * is answered, to be recorded as a reject; otherwise it stops the chunk, naming table, column, key
         * and the setting. Anything else (a lost connection) is thrown as it came.
         */
        private RefusedRow refusal(Object[] row, int column, Exception e) throws SQLException {
            if (!refusesValue(e) || databases.sourceDialect().isTransient(e)) {
                if (e instanceof SQLException s) {
                    throw s;
                }
                throw (RuntimeException) e;
            }
            // the rest of the row, for its key and its record; a value that cannot be read either is shown as the driver's text
            for (int i = column; i < row.length; i++) {
                if (i > column) {
                    try {
                        row[i] = readers[i].read(resultSet, i + 1);
                        continue;
                    } catch (SQLException | RuntimeException another) {
                        LOG.debug("{}: value {} of a refused row read as text: {}", chunk, i + 1, another.getMessage());
                    }
                }
                row[i] = driverText(i + 1);
            }
            TablePlan table = chunk.table();
            String problem = Errors.describe(e);
            if (!forLoad || !rejectBadRows) {
                throw new BadValueException(table, column, row, problem + (forLoad ? ". Or set replicator.on-bad-row=reject to"
                        + " copy the table without this row and record it in the ledger table rejects" : ""), e);
            }
            return new RefusedRow(BadValueException.rowKey(table.source(), row),
                    new BadValueException(table, column, row, problem, e).getMessage(), RowBatch.text(row));
        }

        /** The value as the driver prints it, or "?" when it cannot even do that. */
        private String driverText(int index) {
            try {
                return resultSet.getString(index);
            } catch (SQLException | RuntimeException e) {
                return "?";
            }
        }

        @Override
        void release() throws SQLException {
            try (PreparedStatement s = statement; ResultSet r = resultSet) {
                // closed by try-with-resources
            }
        }
    }

    /** Lines of {@code COPY (SELECT ...) TO STDOUT}, grouped into batches without being decoded. */
    private final class CopyTextIterator extends BatchIterator {

        private final CopyOut copy;
        private boolean ended;

        CopyTextIterator(Chunk chunk, Dialect dialect) throws SQLException {
            super(chunk, databases.source().getConnection());
            try {
                copy = connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyOut("COPY (" + selectSql(chunk, dialect, false) + ") TO STDOUT");
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        @Override
        Batch fill() throws SQLException {
            byte[] buffer = new byte[64 * 1024];
            int length = 0;
            int rows = 0;
            while (!ended && !full(rows, length)) {
                byte[] line = copy.readFromCopy();
                if (line == null) {
                    ended = true;
                    break;
                }
                if (length + line.length > buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + line.length));
                }
                System.arraycopy(line, 0, buffer, length, line.length);
                length += line.length;
                rows++;
            }
            return rows == 0 ? null : new CopyTextBatch(buffer, length, rows);
        }

        @Override
        void release() throws SQLException {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }
}

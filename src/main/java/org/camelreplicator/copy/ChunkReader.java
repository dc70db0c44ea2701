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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.dialect.SourceDialect;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.config.ReplicatorSettings.NulCharacters;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.RowFilter;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.schema.TargetSchema;
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
 *
 * <p>A load's chunk ({@link #openChunk}) is read ahead: a reader thread fills the next batch while
 * the route writes the current one, through a queue of one batch, so reading and writing overlap
 * in bounded memory (three batches per worker at most). Its batches are also in the cheapest form
 * for the target: PostgreSQL's binary COPY between two PostgreSQL servers when the target's column
 * types are the source's, and rows of other sources encoded to COPY text as they are read, without
 * an object per row. With replicator.on-bad-row=reject rows stay values, to be written and refused
 * one by one. The route splits the returned iterator; Camel's splitter closes it when the split ends
 * or fails, which returns the source connection.
 */
public final class ChunkReader {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkReader.class);

    /** PostgreSQL's binary COPY signature, at the start of the first message of a binary COPY TO. */
    private static final byte[] BINARY_SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final int BINARY_HEADER = BINARY_SIGNATURE.length + 8;

    private final Databases databases;
    private final StopSignal stop;
    private final int batchRows;
    private final int batchMinRows;
    private final long batchBytes;
    private final int fetchSize;
    private final TargetSchema targetSchema;
    private final WriteOptions options;
    private final boolean rowsAsValues;
    private final ExecutorService readers;

    /**
     * @param rowsAsValues a load's rows stay values until they are written (replicator.on-bad-row=reject)
     * @param readers      the threads that read load chunks ahead of their writers
     */
    public ChunkReader(Databases databases, StopSignal stop, int batchRows, int batchMinRows, long batchBytes, int fetchSize,
                       TargetSchema targetSchema, WriteOptions options, boolean rowsAsValues, ExecutorService readers) {
        this.databases = databases;
        this.stop = stop;
        this.batchRows = batchRows;
        this.batchMinRows = Math.min(batchMinRows, batchRows);
        this.batchBytes = batchBytes;
        this.fetchSize = fetchSize;
        this.targetSchema = targetSchema;
        this.options = options;
        this.rowsAsValues = rowsAsValues;
        this.readers = readers;
    }

    /** Whether a batch of this many rows and bytes is full. */
    private boolean full(int rows, long bytes) {
        return rows >= batchRows || (rows >= batchMinRows && bytes >= batchBytes);
    }

    /**
     * A chunk of a sync or a key comparison: batches of COPY text or of values, each written by
     * itself; a value the source refuses stops the chunk with the table, column and key named (these
     * readers have no rejects table to put such a row in).
     */
    public BatchIterator open(Chunk chunk) {
        SourceDialect source = databases.sourceDialect();
        try {
            if (source.copiesText() && databases.targetDialect().copiesText() && chunk.table().transform() == null) {
                return new CopyOutIterator(chunk, source, false, false);
            }
            return new RowIterator(chunk, source, false);
        } catch (SQLException e) {
            throw new ChunkReadException(chunk, e);
        }
    }

    /** A load's chunk, read ahead on a reader thread, its batches written as one COPY (see the class comment). */
    public BatchIterator openChunk(Chunk chunk) {
        SourceDialect source = databases.sourceDialect();
        boolean copy = databases.targetDialect().copiesText();
        BatchIterator batches;
        try {
            if (chunk.table().transform() != null) {
                // a column transform works on values: the row path, whatever the engines (routes/transforms.camel.yaml)
                batches = new RowIterator(chunk, source, true);
            } else if (copy && source.copiesText()) {
                batches = new CopyOutIterator(chunk, source, !rowsAsValues && targetSchema.sameTypes(chunk.table()), true);
            } else if (copy && !rowsAsValues) {
                batches = new EncodingIterator(chunk, source);
            } else {
                // replicator.on-bad-row=reject: a row whose value the source refuses rides in its batch as a
                // RefusedRow, which the chunk's transaction records as a reject
                batches = new RowIterator(chunk, source, true);
            }
        } catch (SQLException e) {
            throw new ChunkReadException(chunk, e);
        }
        return new ReadAhead(batches);
    }

    /**
     * The SELECT that reads one chunk: every column, in catalog order, within the chunk's range and the
     * table's row filter (replicator.table.<table>.where, .soft-delete), which comes first and has no parameters.
     * A table with a column transform is read with the source's own columns ({@link TablePlan#read()}).
     */
    static String selectSql(Chunk chunk, SourceDialect dialect, boolean bindParameters) {
        TableSpec t = chunk.table().read();
        String columns = t.columns().stream().map(dialect::selectExpression).collect(Collectors.joining(", "));
        String where = RowFilter.and(chunk.table().sourceFilter(dialect),
                chunk.range().condition(dialect::quote, bindParameters ? v -> "?" : dialect::literal));
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
        private Batch next;
        private boolean closed;

        BatchIterator(Chunk chunk) {
            this.chunk = chunk;
        }

        /** The next batch, or null when the chunk has no more rows. */
        abstract Batch fill() throws SQLException;

        /** Releases the statement or COPY and returns the connection to the pool. */
        abstract void release();

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
                } catch (Error e) {
                    close();
                    throw new ChunkWorkerError(chunk, e);
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
            if (!closed) {
                closed = true;
                release();
            }
        }
    }

    /** Batches read on a source connection of its own. */
    private abstract class SourceIterator extends BatchIterator {

        final Connection connection;

        SourceIterator(Chunk chunk, Connection connection) {
            super(chunk);
            this.connection = connection;
        }

        /** Releases the statement or COPY before the connection goes back to the pool. */
        abstract void releaseStatement() throws SQLException;

        @Override
        void release() {
            try (Connection c = connection) {
                releaseStatement();
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            } catch (SQLException e) {
                // the chunk's outcome is already decided; a broken connection is discarded by the pool
                LOG.warn("Closing the source cursor of {} failed: {}", chunk, e.getMessage());
            }
        }
    }

    /**
     * Reads another iterator's batches ahead on a reader thread, which owns that iterator (and its
     * source connection) from then on: the route's thread takes the batches from a queue of one, so
     * while it writes a batch the next is being read. A failure of the reader reaches the route at
     * the batch where it happened; closing stops the reader, which then returns the connection.
     */
    private final class ReadAhead extends BatchIterator {

        private static final Object END = new Object();

        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
        private final CompletableFuture<Void> reader;
        private volatile boolean stopped;

        ReadAhead(BatchIterator source) {
            super(source.chunk);
            try {
                reader = CompletableFuture.runAsync(() -> read(source), readers);
            } catch (RuntimeException e) {
                // no reader thread (the process is stopping): the connection goes back now
                source.close();
                throw e;
            }
        }

        private void read(BatchIterator source) {
            try (source) {
                Batch batch;
                do {
                    batch = source.fill();
                } while (put(batch == null ? END : batch) && batch != null);
            } catch (SQLException | RuntimeException | Error e) {
                put(e);
            }
        }

        /** Waits for room in the queue; false when the route stopped reading. */
        private boolean put(Object item) {
            try {
                while (!stopped) {
                    if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }

        @Override
        Batch fill() throws SQLException {
            Object item;
            try {
                // a reader that ended without a last item (its thread pool shut down) must not hang the route
                while ((item = queue.poll(100, TimeUnit.MILLISECONDS)) == null) {
                    if (reader.isDone() && queue.isEmpty()) {
                        throw new IllegalStateException("The reader of " + chunk + " ended before the chunk's last row;"
                                + " the chunk rolls back and is copied again by load --resume");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the rows of " + chunk, e);
            }
            if (item == END) {
                return null;
            }
            if (item instanceof SQLException e) {
                throw e;
            }
            if (item instanceof RuntimeException e) {
                throw e;
            }
            if (item instanceof Error e) {
                throw e;
            }
            return (Batch) item;
        }

        @Override
        void release() {
            stopped = true;
            queue.clear();
            // the reader sees the flag at its next batch and returns the connection
            reader.join();
        }
    }

    /** Rows read through JDBC, each column by the dialect's value reader. */
    private class RowIterator extends SourceIterator {

        final PreparedStatement statement;
        final ResultSet resultSet;
        final ValueReader[] readers;
        /** A load's chunk: replicator.on-bad-row applies to rows the source refuses. */
        private final boolean forLoad;

        RowIterator(Chunk chunk, SourceDialect dialect, boolean forLoad) throws SQLException {
            super(chunk, databases.source().getConnection());
            this.forLoad = forLoad;
            List<ColumnSpec> columns = chunk.table().read().columns();
            readers = new ValueReader[columns.size()];
            boolean transformed = chunk.table().transform() != null;
            for (int i = 0; i < readers.length; i++) {
                readers[i] = transformed ? dialect.transformReader(columns.get(i)) : dialect.reader(columns.get(i));
            }
            try {
                dialect.prepareForStreaming(connection);
                if (forLoad) {
                    databases.sourceSnapshot().importInto(connection, "the read of " + chunk);
                }
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
        RefusedRow refusal(Object[] row, int column, Exception e) throws SQLException {
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
            if (!forLoad || !rowsAsValues) {
                throw new BadValueException(table.id(), table.read(), column, row, problem + (forLoad ? ". Or set replicator.on-bad-row=reject to"
                        + " copy the table without this row and record it in the ledger table rejects" : ""), e);
            }
            return new RefusedRow(BadValueException.rowKey(table.read(), row),
                    new BadValueException(table.id(), table.read(), column, row, problem, e).getMessage(), RowBatch.text(row));
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
        void releaseStatement() throws SQLException {
            try (PreparedStatement s = statement; ResultSet r = resultSet) {
                // closed by try-with-resources
            }
        }
    }

    /**
     * Rows of a JDBC source encoded to COPY text as they are read, value by value: no array or
     * list per row, and the batch is the bytes the target reads. A value the target cannot take
     * (NUL in text, an unpaired surrogate) stops the chunk with the table, column and row named.
     */
    private final class EncodingIterator extends RowIterator {

        private int lastLength = 64 * 1024;

        EncodingIterator(Chunk chunk, SourceDialect dialect) throws SQLException {
            super(chunk, dialect, true);
        }

        @Override
        Batch fill() throws SQLException {
            CopyTextEncoder encoder = new CopyTextEncoder(lastLength + lastLength / 8, options.nul() == NulCharacters.STRIP);
            int rows = 0;
            int width = readers.length;
            while (!full(rows, encoder.length()) && resultSet.next()) {
                int start = encoder.length();
                for (int i = 0; i < width; i++) {
                    Object value;
                    try {
                        value = readers[i].read(resultSet, i + 1);
                    } catch (SQLException | RuntimeException e) {
                        // the source refused the value: the row's table, column and key, and the setting (refusal throws)
                        encoder.truncate(start);
                        refusal(currentRow(i), i, e);
                        throw e;
                    }
                    if (!encoder.field(i, value)) {
                        encoder.truncate(start);
                        throw new BadValueException(chunk.table(), i, currentRow(width), encoder.problem());
                    }
                }
                encoder.endRow();
                rows++;
            }
            if (encoder.strippedNuls() > 0) {
                LOG.warn("{}: removed {} NUL characters from text values of a batch of {} rows (replicator.text.nul=strip)",
                        chunk.table().id(), encoder.strippedNuls(), rows);
            }
            lastLength = Math.max(lastLength, encoder.length());
            return rows == 0 ? null : new CopyTextBatch(encoder.buffer(), encoder.length(), rows);
        }

        /** The row under the cursor as values (its first {@code readable} columns), for the message that names its key. */
        private Object[] currentRow(int readable) {
            Object[] row = new Object[readers.length];
            for (int i = 0; i < readable; i++) {
                try {
                    row[i] = readers[i].read(resultSet, i + 1);
                } catch (SQLException e) {
                    row[i] = "(unreadable: " + e.getMessage() + ")";
                }
            }
            return row;
        }
    }

    /**
     * Rows of {@code COPY (SELECT ...) TO STDOUT}, in text or binary format, grouped into batches
     * without being decoded: the server sends each row as one message (in binary, the format's
     * header comes with the first row and the trailer alone at the end; the writer adds its own).
     */
    private final class CopyOutIterator extends SourceIterator {

        private final CopyOut copy;
        private final boolean binary;
        private boolean ended;
        private int lastLength = 64 * 1024;

        CopyOutIterator(Chunk chunk, SourceDialect dialect, boolean binary, boolean forLoad) throws SQLException {
            super(chunk, databases.source().getConnection());
            this.binary = binary;
            try {
                if (forLoad) {
                    databases.sourceSnapshot().importInto(connection, "the read of " + chunk);
                }
                copy = connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyOut("COPY (" + selectSql(chunk, dialect, false) + ") TO STDOUT" + (binary ? " (FORMAT binary)" : ""));
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        @Override
        Batch fill() throws SQLException {
            // sized by the previous batch: batches of one chunk are alike, so the buffer rarely grows
            byte[] buffer = new byte[lastLength + lastLength / 8];
            int length = 0;
            int rows = 0;
            while (!ended && !full(rows, length)) {
                byte[] message = copy.readFromCopy();
                if (message == null) {
                    ended = true;
                    break;
                }
                int messageRows = binary ? binaryRows(message) : 1;
                if (messageRows < 0) {
                    continue;
                }
                if (length + message.length > buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + message.length));
                }
                System.arraycopy(message, 0, buffer, length, message.length);
                length += message.length;
                rows += messageRows;
            }
            lastLength = Math.max(lastLength, length);
            if (rows == 0) {
                return null;
            }
            return binary ? new CopyBinaryBatch(buffer, length, rows) : new CopyTextBatch(buffer, length, rows);
        }

        @Override
        void releaseStatement() throws SQLException {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /**
     * Rows in one message of a binary COPY TO: 1, or 0 for the header alone, or -1 for the trailer
     * (with or without the header, when there were no rows), which is dropped.
     */
    static int binaryRows(byte[] message) {
        boolean header = message.length >= BINARY_HEADER && Arrays.equals(message, 0, BINARY_SIGNATURE.length,
                BINARY_SIGNATURE, 0, BINARY_SIGNATURE.length);
        int body = message.length - (header ? BINARY_HEADER : 0);
        if (body == 2 && message[message.length - 2] == (byte) 0xFF && message[message.length - 1] == (byte) 0xFF) {
            return -1;
        }
        return body == 0 ? 0 : 1;
    }
}

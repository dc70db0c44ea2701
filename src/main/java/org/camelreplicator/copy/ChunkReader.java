package org.camelreplicator.copy;

import java.io.Closeable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.Databases;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.plan.Chunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one chunk from the source as {@link RowBatch}es. The query runs with the dialect's
 * streaming settings (fetch size, cursors), so only one fetch and one batch are in memory whatever
 * the size of the chunk. The route splits the returned iterator; Camel's splitter closes it when the
 * split ends or fails, which returns the source connection.
 */
public final class ChunkReader {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkReader.class);

    private final Databases databases;
    private final int batchRows;
    private final int fetchSize;

    public ChunkReader(Databases databases, int batchRows, int fetchSize) {
        this.databases = databases;
        this.batchRows = batchRows;
        this.fetchSize = fetchSize;
    }

    public BatchIterator open(Chunk chunk) {
        try {
            return new BatchIterator(chunk, databases.sourceDialect());
        } catch (SQLException e) {
            throw new ChunkReadException(chunk, e);
        }
    }

    /** The SELECT that reads one chunk: every column, in catalog order, within the chunk's range. */
    public String selectSql(Chunk chunk, Dialect dialect) {
        TableSpec t = chunk.table().source();
        String columns = t.columns().stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(", "));
        String where = chunk.range().condition(dialect::quote);
        return "SELECT " + columns + " FROM " + dialect.qualified(t.schema(), t.name())
                + (where.isEmpty() ? "" : " WHERE " + where);
    }

    /** Row batches of one chunk; holds a source connection until exhausted or closed. */
    public final class BatchIterator implements Iterator<RowBatch>, Closeable {

        private final Chunk chunk;
        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet resultSet;
        private final Dialect dialect;
        private final ValueReader[] readers;
        private RowBatch next;
        private boolean first = true;
        private boolean closed;

        BatchIterator(Chunk chunk, Dialect dialect) throws SQLException {
            this.chunk = chunk;
            this.dialect = dialect;
            List<ColumnSpec> columns = chunk.table().source().columns();
            readers = new ValueReader[columns.size()];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = dialect.reader(columns.get(i));
            }
            connection = databases.source().getConnection();
            try {
                dialect.prepareForStreaming(connection);
                statement = connection.prepareStatement(selectSql(chunk, dialect), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                dialect.configureStreamingStatement(statement, fetchSize);
                List<Object> params = chunk.range().parameters();
                for (int i = 0; i < params.size(); i++) {
                    statement.setObject(i + 1, params.get(i));
                }
                resultSet = statement.executeQuery();
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        @Override
        public boolean hasNext() {
            if (next == null && !closed) {
                next = fill();
            }
            return next != null;
        }

        @Override
        public RowBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            RowBatch batch = next;
            next = null;
            return batch;
        }

        private RowBatch fill() {
            try {
                List<Object[]> rows = new ArrayList<>(Math.min(batchRows, 4096));
                int width = readers.length;
                while (rows.size() < batchRows && resultSet.next()) {
                    Object[] row = new Object[width];
                    for (int i = 0; i < width; i++) {
                        row[i] = readers[i].read(resultSet, i + 1);
                    }
                    rows.add(row);
                }
                if (rows.isEmpty()) {
                    close();
                    return null;
                }
                RowBatch batch = new RowBatch(rows, first);
                first = false;
                return batch;
            } catch (SQLException e) {
                close();
                throw new ChunkReadException(chunk, e);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try (Connection c = connection; PreparedStatement s = statement; ResultSet r = resultSet) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            } catch (SQLException e) {
                // the chunk's outcome is already decided; a broken connection is discarded by the pool
                LOG.warn("Closing the source cursor of {} failed: {}", chunk, e.getMessage());
            }
        }
    }
}

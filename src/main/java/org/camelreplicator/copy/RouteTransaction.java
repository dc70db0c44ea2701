package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;

import org.apache.camel.Exchange;
import org.camelreplicator.plan.Chunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A target transaction carried across the steps of one route in an exchange property: a chunk's
 * (ChunkTransactions) or a sync read's (SyncTransactions). The route's first step begins it, each
 * batch adds to it, the last step commits it, and the route's doFinally ends it, rolling back
 * whatever did not commit. Only the worker thread of its exchange touches it.
 */
public final class RouteTransaction {

    private static final Logger LOG = LoggerFactory.getLogger(RouteTransaction.class);

    /** Bytes of recent batches kept to name a refused row (per chunk being written). */
    private static final long RECENT_BYTES = 2 * 1024 * 1024;

    private final Chunk chunk;
    private final Connection connection;
    private long rows;
    private long bytes;
    private long rejected;
    private boolean committed;
    private BatchWriter.ChunkWrite write;
    private long rowsSent;
    private final java.util.ArrayDeque<Sent> recent = new java.util.ArrayDeque<>();
    private long recentBytes;

    private RouteTransaction(Chunk chunk, Connection connection) {
        this.chunk = chunk;
        this.connection = connection;
    }

    /** Exchange property: the {@link org.camelreplicator.plan.ColumnTransform} of the table a route reads, when it has one. */
    public static final String TRANSFORM = "replicatorTransform";

    /** Opens the transaction on this connection (closed again if that fails) and keeps it in the exchange under {@code property}. */
    public static RouteTransaction begin(Exchange exchange, String property, Chunk chunk, Connection connection) throws SQLException {
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        RouteTransaction tx = new RouteTransaction(chunk, connection);
        exchange.setProperty(property, tx);
        // the route's filter before its write: a table with a column transform sends its batches through it
        if (chunk.table().transform() != null) {
            exchange.setProperty(TRANSFORM, chunk.table().transform());
        } else {
            exchange.removeProperty(TRANSFORM);
        }
        return tx;
    }

    /** The transaction the route began. */
    public static RouteTransaction of(Exchange exchange, String property) {
        RouteTransaction tx = exchange.getProperty(property, RouteTransaction.class);
        if (tx == null) {
            throw new IllegalStateException("No transaction is open (" + property + "): the route must call begin first");
        }
        return tx;
    }

    /**
     * The route's doFinally: rolls back what did not commit, returns the connection, and answers the
     * transaction for the caller's accounting (null when none was begun).
     */
    public static RouteTransaction end(Exchange exchange, String property) {
        // a split marks a failed exchange "redelivery exhausted", which would stop the caller's retry
        // policy before it looks at the error; whether to retry is the caller's call
        exchange.getExchangeExtension().setRedeliveryExhausted(false);
        RouteTransaction tx = exchange.removeProperty(property) instanceof RouteTransaction t ? t : null;
        if (tx == null) {
            return null;
        }
        if (tx.write != null && !tx.committed) {
            tx.write.cancel();
        }
        try (Connection c = tx.connection) {
            if (!tx.committed) {
                c.rollback();
            }
        } catch (SQLException e) {
            // a broken connection has nothing left to roll back: the server discards its transaction
            LOG.warn("Rollback of {} failed ({}); the server discards the transaction with the connection", tx.chunk, e.getMessage());
        }
        return tx;
    }

    public void commit() throws SQLException {
        connection.commit();
        committed = true;
    }

    /** The chunk's open write (one COPY for all its batches), or null before the first batch. */
    public BatchWriter.ChunkWrite write() {
        return write;
    }

    public void write(BatchWriter.ChunkWrite write) {
        this.write = write;
    }

    /** Rows sent into the open write so far: where the next batch's line numbers start. */
    public long rowsSent() {
        return rowsSent;
    }

    /** A batch in the open write, and the line of the write it starts at (from 0). */
    private record Sent(Batch batch, long firstRow, long bytes) {
    }

    /**
     * A batch went into the open write. The target reports a refused row a little later (at a later
     * batch, or when the write ends), so the batches of about the last {@value #RECENT_BYTES} bytes
     * (at least two) are kept to name the row's key.
     */
    public void sent(Batch batch, long bytesSent) {
        // a writer that cannot tell its bytes (0) is counted at 100 bytes a row, so the kept batches stay bounded
        long bytes = Math.max(bytesSent, 100L * batch.size());
        recent.addLast(new Sent(batch, rowsSent, bytes));
        recentBytes += bytes;
        rowsSent += batch.size();
        while (recent.size() > 2 && recentBytes - recent.peekFirst().bytes() >= RECENT_BYTES) {
            recentBytes -= recent.removeFirst().bytes();
        }
    }

    /** Why the open write failed, naming the refused row's key when it is in {@code batch} or a recent batch. */
    public ChunkWriteException refused(Batch batch, SQLException cause) {
        long line = ChunkWriteException.line(cause);
        for (Sent s : recent) {
            if (line > s.firstRow() && line <= s.firstRow() + s.batch().size()) {
                return ChunkWriteException.of(chunk, s.batch(), s.firstRow(), cause);
            }
        }
        if (batch == null && !recent.isEmpty()) {
            return ChunkWriteException.of(chunk, recent.peekLast().batch(), recent.peekLast().firstRow(), cause);
        }
        return ChunkWriteException.of(chunk, batch, rowsSent, cause);
    }

    /** A batch went in: its rows (those not rejected) and bytes. */
    public void wrote(long rows, long bytes) {
        this.rows += rows;
        this.bytes += bytes;
    }

    /** A row the target refused went to the rejects table instead. */
    public void rejected() {
        rejected++;
    }

    public Chunk chunk() {
        return chunk;
    }

    public Connection connection() {
        return connection;
    }

    public long rows() {
        return rows;
    }

    public long bytes() {
        return bytes;
    }

    public long rejectedRows() {
        return rejected;
    }

    public boolean committed() {
        return committed;
    }
}

package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

import org.apache.camel.Exchange;
import org.camelreplicator.config.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.RunContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target transaction of one chunk, across the steps of the chunk route: {@link #begin} opens
 * it, {@link #write} adds each batch, {@link #commit} writes the ledger's "done" mark in the same
 * transaction and commits, and {@link #end} (the route's doFinally) rolls back whatever did not
 * commit and returns the connection. A chunk is therefore either entirely in the target and marked
 * done, or not there at all.
 */
public final class ChunkTransactions {

    public static final String PROPERTY = "replicatorChunkTransaction";

    private static final Logger LOG = LoggerFactory.getLogger(ChunkTransactions.class);

    private final Databases databases;
    private final Ledger ledger;
    private final StopSignal stop;
    private final WriteOptions options;
    private final boolean rejectBadRows;

    public ChunkTransactions(Databases databases, Ledger ledger, StopSignal stop, ReplicatorSettings settings) {
        this.databases = databases;
        this.ledger = ledger;
        this.stop = stop;
        this.options = new WriteOptions(settings.textNul());
        this.rejectBadRows = settings.onBadRow() == ReplicatorSettings.BadRows.REJECT;
    }

    public void begin(Chunk chunk, Exchange exchange) throws SQLException {
        stop.check(chunk);
        ledger.markChunkRunning(chunk);
        RunContext.of(exchange).report().chunkStarted(chunk.id());
        Connection c = databases.target().getConnection();
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        exchange.setProperty(PROPERTY, new Open(chunk, c));
    }

    public void write(Batch batch, Exchange exchange) throws SQLException {
        Open tx = open(exchange);
        long rejectedBefore = tx.rejected;
        long start = System.nanoTime();
        long bytes = rejectBadRows ? writeRejecting(tx, batch, RunContext.of(exchange)) : writeOnce(tx, batch);
        long written = batch.size() - (tx.rejected - rejectedBefore);
        tx.rows += written;
        tx.bytes += bytes;
        RunContext.of(exchange).report().rowsWritten(tx.chunk.table().id(), written, bytes);
        RunContext.of(exchange).report().batchWritten(tx.chunk.table().id(), written, bytes, System.nanoTime() - start);
    }

    private long writeOnce(Open tx, Batch batch) {
        try {
            return databases.targetDialect().batchWriter().write(tx.connection, tx.chunk.table(), batch, options);
        } catch (SQLException e) {
            throw ChunkWriteException.of(tx.chunk, batch, e);
        }
    }

    /**
     * replicator.on-bad-row=reject: a batch the target refuses for a permanent reason is rolled back
     * to a savepoint and written again in halves, down to the single rows it refuses. Those go to
     * the ledger's rejects table in this same transaction, so a rejected row is recorded exactly
     * when the rest of its chunk is written: never both lost and unreported.
     */
    private long writeRejecting(Open tx, Batch batch, RunContext run) throws SQLException {
        Savepoint savepoint = tx.connection.setSavepoint();
        try {
            long bytes = writeOnce(tx, batch);
            tx.connection.releaseSavepoint(savepoint);
            return bytes;
        } catch (ChunkWriteException | BadValueException e) {
            if (databases.targetDialect().isTransient(e) || databases.sourceDialect().isTransient(e)) {
                throw e;
            }
            tx.connection.rollback(savepoint);
            if (batch.size() == 1) {
                ledger.recordReject(tx.connection, tx.chunk, ChunkWriteException.rowKey(tx.chunk.table().source(), batch, 0),
                        Errors.describe(e), batch.rowText(0));
                tx.rejected++;
                run.report().rowsRejected(tx.chunk.table().id(), 1);
                return 0;
            }
            int half = batch.size() / 2;
            return writeRejecting(tx, batch.slice(0, half), run) + writeRejecting(tx, batch.slice(half, batch.size()), run);
        }
    }

    public void commit(Exchange exchange) throws SQLException {
        Open tx = open(exchange);
        ledger.markChunkDone(tx.connection, tx.chunk, tx.rows, tx.rejected);
        tx.connection.commit();
        tx.committed = true;
        RunContext.of(exchange).report().chunkEnded(tx.chunk.table().id(), tx.chunk.id(), true, tx.rows, tx.bytes);
        LOG.debug("{}: {} rows committed", tx.chunk, tx.rows);
    }

    /** Rolls back an uncommitted chunk, records why in the ledger, and returns the connection. */
    public void end(Exchange exchange) {
        // the batch split marks a failed exchange "redelivery exhausted", which would stop the
        // caller's retry policy before it looks at the error; whether to retry is the caller's call
        exchange.getExchangeExtension().setRedeliveryExhausted(false);
        Open tx = exchange.removeProperty(PROPERTY) instanceof Open o ? o : null;
        if (tx == null) {
            return;
        }
        try (Connection c = tx.connection) {
            if (!tx.committed) {
                c.rollback();
            }
        } catch (SQLException e) {
            // a broken connection has nothing left to roll back: the server discards its transaction
            LOG.warn("Rollback of {} failed ({}); the server discards the transaction with the connection", tx.chunk, e.getMessage());
        }
        if (!tx.committed) {
            RunContext.of(exchange).report().rowsWritten(tx.chunk.table().id(), -tx.rows, -tx.bytes);
            RunContext.of(exchange).report().rowsRejected(tx.chunk.table().id(), -tx.rejected);
            RunContext.of(exchange).report().chunkEnded(tx.chunk.table().id(), tx.chunk.id(), false, 0, 0);
            Throwable error = exchange.getException() != null ? exchange.getException()
                    : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            try {
                if (error instanceof StopSignal.RunStoppedException) {
                    ledger.markChunkPending(tx.chunk);
                } else {
                    ledger.markChunkFailed(tx.chunk, Errors.describe(error));
                }
            } catch (SQLException e) {
                LOG.warn("Recording the failure of {} in the ledger failed: {}", tx.chunk, e.getMessage());
            }
        }
    }

    private static Open open(Exchange exchange) {
        Open tx = exchange.getProperty(PROPERTY, Open.class);
        if (tx == null) {
            throw new IllegalStateException("No chunk transaction is open: the chunk route must call begin first");
        }
        return tx;
    }

    /** An open chunk transaction. Only the chunk's worker thread touches it. */
    private static final class Open {
        final Chunk chunk;
        final Connection connection;
        long rows;
        long bytes;
        long rejected;
        boolean committed;

        Open(Chunk chunk, Connection connection) {
            this.chunk = chunk;
            this.connection = connection;
        }
    }
}

package org.camelreplicator.ledger;

import java.sql.SQLException;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.camelreplicator.plan.Chunk;

/**
 * The chunk route's idempotent repository: a chunk is a duplicate when the ledger says it is done.
 * Nothing is stored here: the "done" mark is written by the chunk's own transaction, together with
 * its rows, so {@link #add} only asks and {@link #confirm}/{@link #remove} have nothing to do.
 * Keys are {@link Chunk#id()}: {@code runId/schema.table/chunkNo}.
 */
public final class LedgerChunkRepository extends ServiceSupport implements IdempotentRepository {

    private final Ledger ledger;

    public LedgerChunkRepository(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        if (exchange.getMessage().getBody() instanceof Chunk chunk && chunk.id().equals(key)) {
            return !done(chunk.runId(), chunk.table().id(), chunk.number());
        }
        return add(key);
    }

    @Override
    public boolean add(String key) {
        return !contains(key);
    }

    @Override
    public boolean contains(String key) {
        int first = key.indexOf('/');
        int last = key.lastIndexOf('/');
        if (first < 0 || last <= first) {
            throw new IllegalArgumentException("Not a chunk key (runId/table/chunkNo): " + key);
        }
        return done(Long.parseLong(key.substring(0, first)), key.substring(first + 1, last), Integer.parseInt(key.substring(last + 1)));
    }

    @Override
    public boolean remove(String key) {
        return true;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** The ledger is cleared with {@code load --reset}, never from a route. */
    @Override
    public void clear() {
        throw new UnsupportedOperationException("Clear the ledger with: load --reset");
    }

    private boolean done(long runId, String table, int number) {
        try {
            return ledger.isChunkDone(runId, table, number);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the ledger for chunk " + number + " of " + table + ": " + e.getMessage(), e);
        }
    }
}

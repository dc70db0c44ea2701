package org.camelreplicator.observe;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The change stream this process runs (the {@code stream} command, or {@code serve} with
 * replicator.serve.command=stream), as the meters, the health rules and JMX see it: how far behind the
 * source it is, in seconds and in bytes of WAL, what it applied, and why it stopped when it failed. The
 * stream package writes it; nothing here knows Debezium.
 *
 * <p>Lag in seconds is the age of the newest source state the target holds: now minus the source commit
 * time of the last change (or heartbeat) applied. An idle stream applies a heartbeat every
 * replicator.stream.heartbeat-ms, so its lag stays below that interval plus the batch latency. Lag in
 * bytes is the WAL the source wrote after the last position applied (pg_current_wal_lsn() minus it),
 * checked every few seconds.
 */
public final class StreamState {

    private volatile String slot;
    private volatile boolean running;
    private volatile long startedMillis;
    private volatile long sourceMillis = -1;
    private volatile long lagBytes = -1;
    private volatile String failure;
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();

    /** A stream starts reading {@code slot}; {@code sourceMillis}: the source time of the ledger's offset, -1 when unknown. */
    public void started(String slot, long sourceMillis) {
        this.slot = slot;
        this.startedMillis = System.currentTimeMillis();
        this.sourceMillis = sourceMillis;
        this.lagBytes = -1;
        this.failure = null;
        this.running = true;
    }

    /** A batch committed: {@code changes} events, the last of them (or the heartbeat) committed on the source at {@code sourceMillis}. */
    public void applied(long changes, long sourceMillis) {
        this.changes.addAndGet(changes);
        transactions.incrementAndGet();
        if (sourceMillis > 0) {
            this.sourceMillis = sourceMillis;
        }
    }

    /** The source's WAL after the applied position, in bytes. */
    public void lagBytes(long bytes) {
        this.lagBytes = bytes;
    }

    /** The stream ended: stopped ({@code failure} null) or failed with this message. */
    public void ended(String failure) {
        this.running = false;
        this.failure = failure;
    }

    public boolean running() {
        return running;
    }

    public String slot() {
        return slot;
    }

    /** Seconds behind the source (see the class comment); before the first batch, since the start; -1 when no stream runs. */
    public double lagSeconds() {
        if (!running) {
            return -1;
        }
        long since = sourceMillis > 0 ? sourceMillis : startedMillis;
        return Math.max(0, System.currentTimeMillis() - since) / 1000.0;
    }

    /** Bytes of source WAL after the applied position; -1 when no stream runs or before the first check. */
    public long lagBytes() {
        return running ? lagBytes : -1;
    }

    public long changes() {
        return changes.get();
    }

    public long transactions() {
        return transactions.get();
    }

    /** Why the stream of this process stopped on its own, or null. */
    public String failure() {
        return failure;
    }
}

package org.camelreplicator.run;

import org.camelreplicator.plan.Chunk;

/**
 * Set when the run is asked to stop (the JMX operation stop) or the process is (SIGTERM, Ctrl-C):
 * chunks stop at their next batch and roll back, no new chunk starts, and the ledger keeps the run
 * resumable. Waiting for every running chunk to finish could take minutes on a big chunk; one batch
 * takes a moment.
 */
public final class StopSignal {

    private volatile boolean stopping;
    private volatile boolean shuttingDown;

    /** Stops the run going on; a later run starts as usual. */
    public void requestStop() {
        stopping = true;
    }

    /** The process is stopping: the run going on stops, and no run starts any more. */
    public void requestShutdown() {
        shuttingDown = true;
    }

    /** A new run starts: an earlier run's stop request is over (a process that serves several runs). */
    public void reset() {
        stopping = false;
    }

    public boolean stopping() {
        return stopping || shuttingDown;
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }

    /** Throws when a stop was requested, naming what was interrupted. */
    public void check(Chunk chunk) {
        if (stopping()) {
            throw new RunStoppedException("Stopped on request during " + chunk + "; it rolled back and is copied again by load --resume");
        }
    }

    /** Throws when a stop was requested before a table's sync began. */
    public void check(String syncedTable) {
        if (stopping()) {
            throw new RunStoppedException("Stopped on request before the sync of " + syncedTable + "; the next sync reads its changes");
        }
    }

    /** The process is stopping: what was interrupted rolled back and stays to do. */
    public static final class RunStoppedException extends RuntimeException {
        public RunStoppedException(String message) {
            super(message);
        }
    }
}

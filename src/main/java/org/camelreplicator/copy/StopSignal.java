package org.camelreplicator.copy;

import org.camelreplicator.plan.Chunk;

/**
 * Set when the process is asked to stop (SIGTERM, Ctrl-C): chunks stop at their next batch and
 * roll back, no new chunk starts, and the ledger keeps the run resumable. Waiting for every
 * running chunk to finish could take minutes on a big chunk; one batch takes a moment.
 */
public final class StopSignal {

    private volatile boolean stopping;

    public void requestStop() {
        stopping = true;
    }

    /** A new run starts: an earlier run's stop request is over (a process that serves several runs). */
    public void reset() {
        stopping = false;
    }

    public boolean stopping() {
        return stopping;
    }

    /** Throws when a stop was requested, naming what was interrupted. */
    public void check(Chunk chunk) {
        if (stopping) {
            throw new RunStoppedException("Stopped on request during " + chunk + "; it rolled back and is copied again by load --resume");
        }
    }

    /** Throws when a stop was requested before a table's sync began. */
    public void check(String syncedTable) {
        if (stopping) {
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

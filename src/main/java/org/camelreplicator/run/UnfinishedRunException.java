package org.camelreplicator.run;

import java.util.Collection;

import org.camelreplicator.ledger.RunRecord;
import org.camelreplicator.ledger.TableRecord;

/** A load was asked for while the ledger holds an unfinished one: the user must choose resume or reset. */
public class UnfinishedRunException extends IllegalStateException {

    public UnfinishedRunException(RunRecord run, Collection<TableRecord> tables) {
        super("The last load (run " + run.id() + ", started " + run.startedAt() + ") did not finish: "
                + tables.stream().filter(t -> TableRecord.DONE.equals(t.status())).count() + " of " + tables.size()
                + " tables done. Continue it with: load --resume. Or start over with: load --reset"
                + " (forgets the ledger; every table is emptied again before it is loaded).");
    }
}

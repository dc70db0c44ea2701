package org.camelreplicator.stream;

import java.util.List;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Where a target transaction of change records ends: at most {@code batchRows} changes, and a source transaction that fits is
 * applied in one target commit. Changes are counted, not records: the BEGIN and END markers of each source transaction
 * (provide.transaction.metadata) and heartbeats are records of the engine's batch but change no row.
 */
final class TransactionBoundary {

    private TransactionBoundary() {
    }

    /**
     * How many of these records (the held tail of the batch before, then the rest of the new batch) to apply in the next
     * target transaction: the whole source transactions from the start (and records outside any) that hold at most
     * {@code batchRows} changes together; the rest waits for the next target transaction. A first transaction that alone
     * has more than {@code batchRows} changes, or has that many and has not ended yet, is applied in parts of
     * {@code batchRows} changes (the memory bound: fewer than a batch of changes is ever held). 0 when the first transaction
     * has not ended and holds fewer changes: it waits for the next batch, which brings its END. {@code open}: the records
     * start inside a transaction whose earlier part was applied (its BEGIN is not among them).
     */
    static int applicable(List<SourceRecord> records, int batchRows, boolean open) {
        int boundary = 0;
        int changes = 0;
        // just after the batchRows-th change: the end of a part, when the first transaction has that many
        int full = 0;
        for (int i = 0; i < records.size(); i++) {
            SourceRecord r = records.get(i);
            String marker = transactionMarker(r);
            if (marker == null && isChange(r) && ++changes > batchRows) {
                break;
            }
            if ("BEGIN".equals(marker)) {
                open = true;
            } else if ("END".equals(marker)) {
                open = false;
                boundary = i + 1;
            } else if (!open) {
                boundary = i + 1;
            }
            if (changes == batchRows && full == 0) {
                full = i + 1;
            }
        }
        return boundary == 0 ? full : boundary;
    }

    /** Whether a transaction is still open after these records, which started inside one when {@code open}. */
    static boolean endsOpen(List<SourceRecord> records, boolean open) {
        for (int i = records.size() - 1; i >= 0; i--) {
            String marker = transactionMarker(records.get(i));
            if (marker != null) {
                return "BEGIN".equals(marker);
            }
        }
        return open;
    }

    /** A row's change (Debezium's envelope has an op), as opposed to a transaction marker, a heartbeat or a schema change. */
    static boolean isChange(SourceRecord r) {
        return r.value() instanceof Struct value && value.schema().field("op") != null;
    }

    /** BEGIN or END for a transaction metadata record (provide.transaction.metadata), else null. */
    private static String transactionMarker(SourceRecord r) {
        return r.value() instanceof Struct value && value.schema().field("status") != null && value.schema().field("event_count") != null
                ? value.getString("status") : null;
    }
}

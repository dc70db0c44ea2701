package org.camelreplicator.stream;

import java.util.List;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/** Where a batch of change records may end so that a source transaction is applied in one target commit. */
final class TransactionBoundary {

    private TransactionBoundary() {
    }

    /**
     * How many of these records (the held tail of the batch before, then the new batch) to apply now: up to the end of the
     * last source transaction they complete, so a source transaction is applied in one target commit; the rest waits for
     * the next batch, which brings the transaction's END. A transaction that alone reaches {@code batchRows} events is
     * applied in parts (the memory bound: at most about two batches are held), as are records when nothing has begun.
     * Records outside a transaction (heartbeats, logical messages) end one too.
     */
    static int applicable(List<SourceRecord> records, int batchRows) {
        int boundary = 0;
        boolean open = false;
        for (int i = 0; i < records.size(); i++) {
            String marker = transactionMarker(records.get(i));
            if ("BEGIN".equals(marker)) {
                open = true;
            } else if ("END".equals(marker)) {
                open = false;
                boundary = i + 1;
            } else if (!open) {
                boundary = i + 1;
            }
        }
        return boundary == 0 && records.size() >= batchRows ? records.size() : boundary;
    }

    /** BEGIN or END for a transaction metadata record (provide.transaction.metadata), else null. */
    private static String transactionMarker(SourceRecord r) {
        return r.value() instanceof Struct value && value.schema().field("status") != null && value.schema().field("event_count") != null
                ? value.getString("status") : null;
    }
}

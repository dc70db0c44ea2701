package org.camelreplicator.stream;

import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a batch of change records ends (TransactionBoundary.applicable): after the last source transaction it
 * completes, so a transaction is one target commit unless it alone fills a batch.
 */
class TransactionBoundaryTest {

    private static final Schema MARKER = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
            .field("event_count", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema CHANGE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();

    @Test
    void aBatchEndsAfterTheLastTransactionItCompletes() {
        List<SourceRecord> records = List.of(begin(), change(), change(), end(), begin(), change());
        assertThat(TransactionBoundary.applicable(records, 100, false)).isEqualTo(4);
    }

    @Test
    void aTargetTransactionHoldsBatchRowsChangesNotCountingTheTransactionMarkers() {
        // four one-statement transactions are twelve records; three of them are three changes
        List<SourceRecord> records = List.of(begin(), change(), end(), begin(), change(), end(), begin(), change(), end(),
                begin(), change(), end());
        assertThat(TransactionBoundary.applicable(records, 3, false)).as("three whole transactions, the fourth in the next").isEqualTo(9);
        assertThat(TransactionBoundary.applicable(records, 4, false)).isEqualTo(12);
    }

    @Test
    void aTransactionThatDoesNotFitWithTheOnesBeforeGoesWholeIntoTheNextTargetTransaction() {
        List<SourceRecord> records = List.of(begin(), change(), change(), end(), begin(), change(), change(), end());
        assertThat(TransactionBoundary.applicable(records, 3, false)).isEqualTo(4);
        assertThat(TransactionBoundary.applicable(records.subList(4, 8), 3, false)).isEqualTo(4);
    }

    @Test
    void aBatchThatCompletesNoTransactionWaitsUntilItHoldsABatchOfChanges() {
        assertThat(TransactionBoundary.applicable(List.of(begin(), change()), 10, false)).isZero();
        assertThat(TransactionBoundary.applicable(List.of(begin(), change(), change()), 3, false)).isZero();
        assertThat(TransactionBoundary.applicable(List.of(begin(), change(), change(), change()), 3, false))
                .as("a transaction of a batch's changes, its END not here yet: a part").isEqualTo(4);
        assertThat(TransactionBoundary.applicable(List.of(begin(), change(), change(), change(), end()), 3, false))
                .as("a transaction of exactly a batch's changes: whole, with its END").isEqualTo(5);
    }

    @Test
    void aTransactionLargerThanABatchIsAppliedInPartsOfABatchOfChangesAndItsLastPartWaitsForItsEnd() {
        List<SourceRecord> records = List.of(begin(), change(), change(), change(), change(), change(), change(), change(), end(),
                begin(), change(), end());
        assertThat(TransactionBoundary.applicable(records, 3, false)).as("BEGIN and three changes").isEqualTo(4);
        assertThat(TransactionBoundary.endsOpen(records.subList(0, 4), false)).isTrue();
        assertThat(TransactionBoundary.applicable(records.subList(4, 12), 3, true)).as("the next three").isEqualTo(3);
        assertThat(TransactionBoundary.applicable(records.subList(7, 12), 3, true)).as("the last change, its END and the next transaction")
                .isEqualTo(5);
        assertThat(TransactionBoundary.applicable(records.subList(7, 8), 3, true)).as("the last part waits for its END").isZero();
        assertThat(TransactionBoundary.endsOpen(records.subList(7, 9), true)).isFalse();
    }

    @Test
    void recordsOutsideATransactionEndOneToo() {
        assertThat(TransactionBoundary.applicable(List.of(begin(), change(), end(), heartbeat(), begin()), 100, false)).isEqualTo(4);
        assertThat(TransactionBoundary.applicable(List.of(heartbeat()), 100, false)).isOne();
        assertThat(TransactionBoundary.applicable(List.of(heartbeat(), change(), change(), heartbeat(), change()), 2, false))
                .as("changes outside a transaction count too").isEqualTo(4);
    }

    private static SourceRecord begin() {
        return marker("BEGIN");
    }

    private static SourceRecord end() {
        return marker("END");
    }

    private static SourceRecord marker(String status) {
        return record(new Struct(MARKER).put("status", status).put("id", "1:1"));
    }

    private static SourceRecord change() {
        return record(new Struct(CHANGE).put("op", "u"));
    }

    private static SourceRecord heartbeat() {
        return new SourceRecord(Map.of("server", "s"), Map.of("lsn", 1L), "heartbeat", null, null);
    }

    private static SourceRecord record(Struct value) {
        return new SourceRecord(Map.of("server", "s"), Map.of("lsn", 1L), "topic", value.schema(), value);
    }
}

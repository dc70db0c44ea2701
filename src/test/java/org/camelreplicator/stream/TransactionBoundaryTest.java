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
        assertThat(TransactionBoundary.applicable(records, 100)).isEqualTo(4);
    }

    @Test
    void aBatchThatCompletesNoTransactionWaitsUntilItHoldsABatchOfRecords() {
        assertThat(TransactionBoundary.applicable(List.of(begin(), change()), 10)).isZero();
        assertThat(TransactionBoundary.applicable(List.of(begin(), change(), change()), 3)).as("a transaction larger than a batch").isEqualTo(3);
    }

    @Test
    void recordsOutsideATransactionEndOneToo() {
        assertThat(TransactionBoundary.applicable(List.of(begin(), change(), end(), heartbeat(), begin()), 100)).isEqualTo(4);
        assertThat(TransactionBoundary.applicable(List.of(heartbeat()), 100)).isOne();
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

package org.camelreplicator.config;

/**
 * The settings of the {@code stream} command (change data capture through Debezium), read only when
 * it runs.
 *
 * @param batchRows    {@code replicator.stream.batch-rows}: at most this many changes (row events; a source
 *                     transaction's BEGIN and END markers do not count) go into one target transaction
 * @param maxLatencyMs {@code replicator.stream.max-latency-ms}: a batch that is not full is applied after
 *                     this long (the engine's poll.interval.ms)
 * @param slot         {@code replicator.stream.slot}: the replication slot's name, which also names the
 *                     publication and the stream's row in the ledger; empty for camel_replicator_&lt;target database&gt;
 * @param heartbeatMs  {@code replicator.stream.heartbeat-ms}: how often the stream writes a logical decoding
 *                     message on the source (pg_logical_emit_message), so an idle stream still confirms the
 *                     source's WAL position and the slot does not hold WAL that other tables write
 * @param maxSlotWalMb {@code replicator.stream.max-slot-wal-mb}: at start, a warning names each other inactive slot
 *                     of ours (camel_replicator_*) whose retained WAL is larger than this; 0: no warning
 */
public record StreamSettings(int batchRows, long maxLatencyMs, String slot, long heartbeatMs, long maxSlotWalMb) {

    /** The settings, validated as every other setting is: a bad value names its property. */
    public static StreamSettings from(java.util.function.Function<String, java.util.Optional<String>> lookup) {
        return ReplicatorSettings.stream(lookup);
    }
}

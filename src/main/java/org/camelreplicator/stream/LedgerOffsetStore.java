package org.camelreplicator.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

/**
 * Debezium's offset store, backed by the target's ledger ({@code replicator.stream_offsets}) instead of
 * a local file. It reads: at start the connector asks where to resume, and gets the offset the last
 * committed apply transaction recorded. It does not write: the engine's own offset flush comes after
 * the apply transaction, which already recorded the same offset with the rows
 * ({@link ChangeApplier}); a flush is acknowledged at once, which also lets the connector confirm the
 * position to the replication slot, so the source may recycle the WAL before it.
 *
 * <p>The engine creates the store by its class name; {@link #bind} tells it, by the key
 * {@value #SLOT}, which stream's row it reads.
 */
public final class LedgerOffsetStore implements OffsetBackingStore {

    /** The engine property naming the stream (its slot) whose offset this store reads. */
    public static final String SLOT = "replicator.offset.slot";

    private static final Map<String, StreamOffsets> BOUND = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private String slot;
    private StreamOffsets offsets;

    /** The ledger a stream's offsets live in, until {@link #unbind}. */
    static void bind(String slot, StreamOffsets offsets) {
        BOUND.put(slot, offsets);
    }

    static void unbind(String slot) {
        BOUND.remove(slot);
    }

    @Override
    public void configure(WorkerConfig config) {
        Object name = config.originals().get(SLOT);
        slot = name == null ? null : name.toString();
        offsets = slot == null ? null : BOUND.get(slot);
        if (offsets == null) {
            throw new IllegalStateException("The ledger offset store was started without a bound stream (" + SLOT + "=" + slot + ")");
        }
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Map<ByteBuffer, ByteBuffer> found = new HashMap<>();
        try {
            Optional<StreamOffsets.State> state = offsets.read(slot);
            if (state.isPresent() && state.get().offset() != null) {
                for (ByteBuffer key : keys) {
                    // the engine's key: [namespace, partition] as schemaless JSON
                    List<?> parts = JSON.readValue(bytes(key), List.class);
                    if (parts.size() == 2 && state.get().partition().equals(parts.get(1))) {
                        found.put(key, ByteBuffer.wrap(StreamOffsets.json(state.get().offset()).getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        } catch (Exception e) {
            return CompletableFuture.failedFuture(new IllegalStateException("Cannot read the stream offset of " + slot
                    + " from the target's ledger: " + e.getMessage(), e));
        }
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        // recorded already, in the transaction that applied the changes up to this offset
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        try {
            return offsets.read(slot).map(StreamOffsets.State::partition).filter(p -> p != null).map(Set::of).orElse(Set.of());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot read the stream offset of " + slot + ": " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}

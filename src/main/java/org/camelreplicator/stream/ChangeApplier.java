package org.camelreplicator.stream;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.camelreplicator.copy.BatchWriter;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.copy.Batch;
import org.camelreplicator.copy.ChunkReader;
import org.camelreplicator.copy.WriteOptions;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.observe.StreamState;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.schema.TargetSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the change events the engine hands over (what came within replicator.stream.max-latency-ms, at
 * most three records per change of replicator.stream.batch-rows) in target transactions of at most
 * replicator.stream.batch-rows changes each, cut where a source transaction ends ({@link TransactionBoundary});
 * each also records the offset of its last event in the ledger, and only after it commits are its events
 * marked processed, so the engine's offset flush (and the slot's confirmed position) never runs ahead of
 * the target.
 *
 * <p>An event says which row changed (its key); the row's content is read again from the source by
 * key, with the load's own reader, and goes through the sync's bulk path: COPY into a session staging
 * table, {@code INSERT ... ON CONFLICT DO UPDATE}, then a DELETE of the changed keys the source no
 * longer has. So every type is carried exactly as the load carries it (no second conversion of
 * Debezium's value types; unchanged TOASTed values, which pgoutput leaves out, are read in full), an
 * update of a key is a delete of the old key and an upsert of the new one, and applying the same
 * events again (after a crash between the commit and the engine's flush) writes the same rows: the
 * effect is exactly once. The target may show a newer state of a row than the event's, never an older
 * one once the stream has caught up.
 */
final class ChangeApplier implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeApplier.class);
    private static final String STAGE = "replicator_stream_stage";
    /** Keys per read and per DELETE: one statement's list, well below PostgreSQL's 65535 parameters. */
    private static final int KEYS_PER_STATEMENT = 1000;
    /** The longest wait between two attempts of a batch that failed on a transient error (connection lost, deadlock). */
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Databases databases;
    private final StreamOffsets offsets;
    private final String slot;
    private final Map<String, StreamTable> tables = new LinkedHashMap<>();
    private final ChunkReader reader;
    private final TargetSchema targetSchema;
    private final WriteOptions options;
    private final BooleanSupplier stopping;
    private final StreamState state;
    private final int batchRows;
    /** The records of a source transaction the last batch did not complete, applied with the next batch. */
    private List<RecordChangeEvent<SourceRecord>> held = List.of();
    /** The last target transaction applied part of a source transaction larger than a batch: the held records continue it. */
    private boolean inTransaction;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final StreamSource source;
    private volatile Map<String, ?> lastOffset;

    ChangeApplier(Databases databases, StreamOffsets offsets, String slot, List<StreamTable> tables, ChunkReader reader,
                  TargetSchema targetSchema, WriteOptions options, BooleanSupplier stopping, StreamState state, int batchRows,
                  StreamSource source) {
        this.databases = databases;
        this.offsets = offsets;
        this.slot = slot;
        tables.forEach(t -> this.tables.put(t.eventName(), t));
        this.reader = reader;
        this.targetSchema = targetSchema;
        this.options = options;
        this.stopping = stopping;
        this.state = state;
        this.batchRows = batchRows;
        this.source = source;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<RecordChangeEvent<SourceRecord>> events = new ArrayList<>(held);
        events.addAll(records);
        List<SourceRecord> sourceRecords = events.stream().map(RecordChangeEvent::record).toList();
        // the engine's batch holds up to three records per change (a one-statement transaction's BEGIN and END), so it may
        // make several target transactions of batch-rows changes each
        int from = 0;
        while (from < events.size()) {
            List<SourceRecord> rest = sourceRecords.subList(from, sourceRecords.size());
            int end = TransactionBoundary.applicable(rest, batchRows, inTransaction);
            if (end == 0) {
                break;
            }
            List<RecordChangeEvent<SourceRecord>> now = events.subList(from, from + end);
            applyEvents(now);
            // only what was applied: the connector confirms to the slot the offset of the last record marked
            for (RecordChangeEvent<SourceRecord> event : now) {
                committer.markProcessed(event);
            }
            inTransaction = TransactionBoundary.endsOpen(rest.subList(0, end), inTransaction);
            from += end;
            if (stopping.getAsBoolean()) {
                // a stop ends the stream after the target transaction it applies; the rest is read again at the next start
                break;
            }
        }
        held = new ArrayList<>(events.subList(from, events.size()));
        committer.markBatchFinished();
    }

    private void applyEvents(List<RecordChangeEvent<SourceRecord>> records) throws InterruptedException {
        Map<StreamTable, Set<List<String>>> changed = new LinkedHashMap<>();
        SourceRecord last = null;
        long changes = 0;
        // the source commit time of the last change, for a source whose offsets carry none (SQL Server's)
        long eventMillis = -1;
        for (RecordChangeEvent<SourceRecord> event : records) {
            SourceRecord r = event.record();
            if (r.sourceOffset() != null && !r.sourceOffset().isEmpty()) {
                last = r;
            }
            if (!(r.value() instanceof Struct value) || value.schema().field("op") == null || value.schema().field("source") == null) {
                continue;
            }
            Struct source = value.getStruct("source");
            if (source.schema().field("ts_ms") != null && source.get("ts_ms") instanceof Long millis) {
                eventMillis = millis;
            }
            // PostgreSQL's and SQL Server's events name the table's schema, MariaDB's its database
            String container = source.schema().field("schema") != null ? source.getString("schema") : source.getString("db");
            StreamTable table = tables.get(container + "." + source.getString("table"));
            if (table == null) {
                continue;
            }
            String op = value.getString("op");
            if ("t".equals(op)) {
                throw new StreamException("Table " + table.id() + " was truncated on the source. A stream does not carry TRUNCATE;"
                        + " load the table again (load --tables=" + table.id() + " --reset), then run stream again.");
            }
            if (value.schema().field("after") != null && value.getStruct("after") != null) {
                checkColumns(table, value.getStruct("after").schema());
            }
            changed.computeIfAbsent(table, t -> new LinkedHashSet<>()).add(key(table, (Struct) r.key()));
            changes++;
        }
        if (last != null) {
            apply(changed, last, changes, eventMillis);
        }
    }

    /** A column the stream was not planned with: stop, never drop its values silently. */
    private static void checkColumns(StreamTable table, Schema after) {
        for (Field f : after.fields()) {
            if (!table.columns().contains(f.name())) {
                String target = table.plan().targetQualifiedName();
                throw new StreamException("Column " + f.name() + " was added to source table " + table.id()
                        + " after the stream started, and the stream does not carry new columns on its own. To carry it: add the"
                        + " column to the target table " + target + " (ALTER TABLE " + target + " ADD COLUMN ... with the type a load"
                        + " would give it: schema --ddl-out shows it), then run stream again: it reads the column from then on;"
                        + " rows that already had a value need verify --repair (or a load of the table). Or leave the table out"
                        + " of replicator.tables. Nothing of this batch was applied; the stream resumes from it.");
            }
        }
    }

    /** The key columns' values of an event's key, as text a CAST to the column's type reads back. */
    private static List<String> key(StreamTable table, Struct key) {
        if (key == null) {
            throw new StreamException("A change of " + table.id() + " came without a key: the table needs a primary key"
                    + " (and REPLICA IDENTITY DEFAULT) to be streamed.");
        }
        List<String> values = new ArrayList<>(table.key().size());
        for (String column : table.key()) {
            Field f = key.schema().field(column);
            if (f == null) {
                throw new StreamException("The changes of " + table.id() + " are keyed on " + key.schema().fields().stream()
                        .map(Field::name).toList() + ", not on its primary key " + table.key()
                        + ": the table's key changed on the source. Load the table again, then run stream again.");
            }
            values.add(text(key.get(f), f.schema()));
        }
        return values;
    }

    /** Debezium's value of a key column as the column's text: logical temporal types back to dates and times. */
    static String text(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> {
                    return value instanceof java.util.Date d ? LocalDate.ofInstant(d.toInstant(), ZoneOffset.UTC).toString()
                            : LocalDate.ofEpochDay(((Number) value).longValue()).toString();
                }
                case "io.debezium.time.MicroTimestamp" -> {
                    long micros = ((Number) value).longValue();
                    return timestamp(LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                            (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC));
                }
                case "io.debezium.time.Timestamp" -> {
                    return timestamp(LocalDateTime.ofInstant(Instant.ofEpochMilli(((Number) value).longValue()), ZoneOffset.UTC));
                }
                case "io.debezium.time.NanoTimestamp" -> {
                    long nanos = ((Number) value).longValue();
                    return timestamp(LocalDateTime.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                            (int) Math.floorMod(nanos, 1_000_000_000L), ZoneOffset.UTC));
                }
                default -> {
                    // ZonedTimestamp, Uuid, decimals as strings (decimal.handling.mode=string), ...: their text
                }
            }
        }
        if (value instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer b = buffer.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        return value.toString();
    }

    /**
     * A timestamp's text as SQL writes it (space, seconds always, the fraction if any), which both PostgreSQL and MariaDB
     * cast back: LocalDateTime's own text leaves out zero seconds ("10:00") and puts a T, a form MariaDB does not document.
     */
    private static String timestamp(LocalDateTime t) {
        return TIMESTAMP.format(t);
    }

    private static final java.time.format.DateTimeFormatter TIMESTAMP = new java.time.format.DateTimeFormatterBuilder()
            .append(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true).toFormatter();

    /**
     * The batch and its offset in one target transaction, retried from the start on a transient failure (the source or
     * the target restarting, a failover, a deadlock) for as long as it lasts, as the engine retries its own connection:
     * a continuous stream waits for its databases to come back, and the lag meters show it waiting. A stop ends the
     * waiting with nothing of the batch applied.
     */
    private void apply(Map<StreamTable, Set<List<String>>> changed, SourceRecord last, long changes, long eventMillis)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = databases.target().getConnection()) {
                c.setAutoCommit(false);
                try {
                    int n = 0;
                    for (Map.Entry<StreamTable, Set<List<String>>> e : changed.entrySet()) {
                        applyTable(c, e.getKey(), new ArrayList<>(e.getValue()), STAGE + "_" + n++);
                    }
                    offsets.saveOffset(c, slot, last.sourcePartition(), last.sourceOffset(), changes);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    Databases.rollbackAfter(c, e);
                    throw e;
                }
                events.addAndGet(changes);
                transactions.incrementAndGet();
                lastOffset = last.sourceOffset();
                long offsetMillis = source.sourceMillis(last.sourceOffset());
                state.applied(changes, offsetMillis > 0 ? offsetMillis : eventMillis);
                LOG.debug("stream {}: {} change(s) of {} table(s) applied, offset {}", slot, changes, changed.size(), last.sourceOffset());
                return;
            } catch (SQLException | RuntimeException e) {
                if (!databases.isTransient(e) || stopping.getAsBoolean()) {
                    if (e instanceof StreamException s) {
                        throw s;
                    }
                    throw new StreamException("Applying " + changes + " change(s) of " + changed.keySet() + " failed: " + e.getMessage()
                            + ". Nothing of this batch was applied; stream resumes from it.", e);
                }
                long wait = Math.min(MAX_BACKOFF_MS, 500L << Math.min(attempt - 1, 16));
                LOG.warn("stream {}: applying a batch of {} change(s) failed ({}); attempt {} in {} ms", slot, changes, e.getMessage(),
                        attempt + 1, wait);
                for (long end = System.nanoTime() + wait * 1_000_000L; System.nanoTime() < end && !stopping.getAsBoolean(); ) {
                    Thread.sleep(Math.min(200, wait));
                }
            }
        }
    }

    private void applyTable(Connection c, StreamTable table, List<List<String>> keys, String stage) throws SQLException {
        TargetDialect target = databases.targetDialect();
        TablePlan plan = table.plan();
        String qualified = target.qualifiedTarget(plan.targetSchema(), plan.targetName());
        try (Statement st = c.createStatement()) {
            st.execute(target.createStageSql(qualified, stage, plan.targetColumns()));
        }
        long staged = 0;
        for (List<List<String>> part : parts(keys)) {
            Chunk chunk = new Chunk(0, plan, 0, 1, new KeyRange.Keys(table.key(), table.sourceTypes(), part));
            try (ChunkReader.BatchIterator batches = reader.open(chunk)) {
                while (batches.hasNext()) {
                    Batch batch = batches.next();
                    BatchWriter.of(target).write(c, plan.stagedIn(stage), batch, options);
                    staged += batch.size();
                }
            }
        }
        if (staged > 0) {
            try (Statement st = c.createStatement()) {
                st.executeUpdate(target.upsertSql(qualified, stage, plan.targetColumns(), table.targetKey()));
                for (String sql : targetSchema.identityResets(plan)) {
                    st.execute(sql);
                }
            }
        }
        // the changed keys the source no longer has (deleted, or an old key of an update of the key)
        List<String> targetKey = table.targetKey().stream().map(target::quoteIfNeeded).toList();
        String left = targetKey.size() == 1 ? "t." + targetKey.get(0)
                : "(" + String.join(", ", targetKey.stream().map(k -> "t." + k).toList()) + ")";
        String joined = String.join(" AND ", targetKey.stream().map(k -> "s." + k + " = t." + k).toList());
        for (List<List<String>> part : parts(keys)) {
            List<String> tuples = new ArrayList<>(part.size());
            for (int i = 0; i < part.size(); i++) {
                List<String> casts = new ArrayList<>(targetKey.size());
                for (String type : table.targetTypes()) {
                    casts.add("CAST(? AS " + type + ")");
                }
                tuples.add(casts.size() == 1 ? casts.get(0) : "(" + String.join(", ", casts) + ")");
            }
            String sql = "DELETE FROM " + qualified + " t WHERE " + left + " IN (" + String.join(", ", tuples) + ") AND NOT EXISTS"
                    + " (SELECT 1 FROM " + target.quoteIfNeeded(stage) + " s WHERE " + joined + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                for (List<String> key : part) {
                    for (String v : key) {
                        ps.setString(p++, v);
                    }
                }
                ps.executeUpdate();
            }
        }
    }

    private static List<List<List<String>>> parts(List<List<String>> keys) {
        List<List<List<String>>> parts = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += KEYS_PER_STATEMENT) {
            parts.add(keys.subList(i, Math.min(keys.size(), i + KEYS_PER_STATEMENT)));
        }
        return parts;
    }

    /** Change events applied since the stream started. */
    long events() {
        return events.get();
    }

    /** Target transactions committed since the stream started. */
    long transactions() {
        return transactions.get();
    }

    /** The source position (an LSN, a binlog file:position) the last committed batch reached, or null before the first. */
    Object lastPosition() {
        return source.position(lastOffset);
    }

    /** The offset the last committed batch recorded, or null before the first. */
    Map<String, ?> lastOffset() {
        return lastOffset;
    }
}

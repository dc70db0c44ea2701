package org.camelreplicator.stream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.connect.source.SourceRecord;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.config.StreamSettings;
import org.camelreplicator.copy.ChunkReader;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.copy.WriteOptions;
import org.camelreplicator.observe.StreamState;
import org.camelreplicator.plan.LoadPlanner;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.schema.TargetSchema;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * The {@code stream} command: a PostgreSQL source's changes, read from a logical replication slot
 * (pgoutput) by the Debezium embedded engine, applied to the target exactly once ({@link ChangeApplier})
 * with the offset in the target's ledger ({@link LedgerOffsetStore}, {@link StreamOffsets}).
 *
 * <p>Hand-off from a load ({@link HandOff}): {@code load --stream} (a fresh load) creates the publication and then
 * the slot on a replication connection that exports its snapshot, and the load reads every table under that
 * snapshot: the stream starts where the load's rows end (exact). {@code stream --create-slot}, then a load, then
 * {@code stream}, and a resumed {@code load --resume --stream}, replay every change since the slot's creation;
 * changes the load already copied are applied again by key, which converges to the source's rows (convergent
 * replay). {@code stream} refuses to start when the latest load started before the slot was created, since the
 * changes in between would be missing.
 */
public final class ChangeStream {

    private final Databases databases;
    private final ReplicatorSettings settings;
    private final StreamSettings stream;
    private final LoadPlanner planner;
    private final TargetSchema targetSchema;
    private final StopSignal stop;
    private final Function<String, Optional<String>> properties;
    private final StreamOffsets offsets;
    private final StreamState state;

    public ChangeStream(Databases databases, ReplicatorSettings settings, LoadPlanner planner, TargetSchema targetSchema, StopSignal stop,
                        Function<String, Optional<String>> properties, StreamState state) {
        this.databases = databases;
        this.settings = settings;
        this.stream = StreamSettings.from(properties);
        this.planner = planner;
        this.targetSchema = targetSchema;
        this.stop = stop;
        this.properties = properties;
        this.offsets = new StreamOffsets(databases.target(), settings.ledgerSchema());
        this.state = state;
    }

    /** The slot's name (replicator.stream.slot, else camel_replicator_&lt;target database&gt;); also the publication's. */
    public String slot() throws SQLException {
        if (!stream.slot().isEmpty()) {
            return stream.slot();
        }
        try (Connection c = databases.target().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            String name = "camel_replicator_" + rs.getString(1).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            return name.length() > 63 ? name.substring(0, 63) : name;
        }
    }

    /** stream --create-slot: the source keeps its changes from now on (a slot; a recorded binlog position); recorded in the ledger. */
    public int createSlot() throws SQLException {
        source().create(slot(), tables(false));
        return 0;
    }

    /**
     * load --stream, before the load reads anything: the slot the ledger records (convergent replay), or a new one with the
     * snapshot the load then reads under (exact), held until the returned hand-off is closed after the load. A resumed load
     * started before any slot existed, so the changes made meanwhile would be in neither: refused before anything is created.
     */
    public HandOff ensureSlot(boolean resume) throws SQLException {
        StreamSource source = source();
        began();
        String slot = slot();
        Optional<StreamOffsets.State> state = offsets.read(slot);
        if (state.isPresent() && source.keeps(slot, state.get())) {
            CONSOLE.info("{} keeps the changes for the stream that follows the load.", source.describe(slot, state.get()));
            if (!StreamOffsets.CONVERGENT.equals(state.get().handOff())) {
                CONSOLE.warn("Hand-off to the stream: convergent replay, not exact. {} so this load reads the source's current rows, and"
                        + " the stream replays every change since the slot, re-applying by key what the load copies (the target still"
                        + " converges to the source).", resume ? "load --resume: the snapshot exported with slot " + slot
                        + " lived only as long as the load --stream that created it,"
                        : "Slot " + slot + " existed before this load (a snapshot is exported only when a slot is created),");
                offsets.handOff(slot, StreamOffsets.CONVERGENT);
            }
            return HandOff.convergent(offsets, slot);
        }
        if (resume) {
            throw new InvalidSettingException("replicator.stream.slot", "load --resume --stream: there is no replication slot " + slot
                    + " yet, and the load being resumed started before it, so the changes made since its start would be in neither."
                    + " Run load --reset --stream (a new load after a new slot), or finish the load and sync instead.");
        }
        return source.createForLoad(slot, tables(false));
    }

    private OffsetDateTime began;

    /** When this command began, by the target's clock: taken at its first step (ensureSlot for load --stream, else run). */
    private OffsetDateTime began() throws SQLException {
        if (began == null) {
            began = offsets.now();
        }
        return began;
    }

    /** stream --drop-slot: what the source keeps for the stream (the slot and publication this tool created), and its ledger row. */
    public int dropSlot() throws SQLException {
        String slot = slot();
        boolean dropped = source().drop(slot);
        offsets.delete(slot);
        CONSOLE.info(source().dropped(slot, dropped));
        return 0;
    }

    /** stream --stop: the running stream finishes the batch it applies, records its offset and ends. */
    public int requestStop() throws SQLException {
        String slot = slot();
        if (!offsets.requestStop(slot)) {
            throw new InvalidSettingException("replicator.stream.slot", "The ledger has no stream " + slot + " to stop (stream --create-slot creates it).");
        }
        CONSOLE.info("Asked stream {} to stop: it ends after the batch it applies.", slot);
        return 0;
    }

    /** Streams until stopped (stream --stop, SIGTERM, Ctrl-C, JMX stop) or failed. */
    public int run(BooleanSupplier stopRequested) throws Exception {
        StreamSource source = source();
        String slot = slot();
        StreamOffsets.State state = offsets.read(slot).orElseThrow(() -> new InvalidSettingException("replicator.stream.slot",
                "There is no stream " + slot + " yet. Run stream --create-slot before the load (so the slot keeps every change"
                        + " from before the load's start), then load, then stream."));
        List<StreamTable> tables = tables(true);
        source.checkStart(slot, state, tables);
        // the first start: nothing applied yet (a MariaDB stream's offset is the position recorded at its creation)
        if (state.appliedAt() == null) {
            checkHandOff(state);
        }
        source.warnAtStart(slot);
        offsets.clearStop(slot, began());
        ChunkReader reader = new ChunkReader(databases, new StopSignal(), settings.batchRows(), settings.batchMinRows(), settings.batchBytes(),
                settings.fetchSize(), targetSchema, new WriteOptions(settings.textNul()), false, null);
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        ChangeApplier applier = new ChangeApplier(databases, offsets, slot, tables, reader, targetSchema, new WriteOptions(settings.textNul()),
                closing::get, this.state, stream.batchRows(), source);
        LedgerOffsetStore.bind(slot, offsets);
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(io.debezium.engine.format.ChangeEventFormat.of(Connect.class))
                .using(engineProperties(slot, tables, state))
                .notifying(applier)
                .using((success, message, error) -> ended.complete(success ? null
                        : error != null ? error : new StreamException("The change stream ended: " + message)))
                .build();
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "stream-engine"));
        long started = System.nanoTime();
        String how = null;
        Object resumedFrom = source.position(state.offset());
        this.state.started(slot, source.sourceMillis(state.offset()));
        try {
            thread.execute(engine);
            CONSOLE.info("Streaming changes of {} table(s) from {}{}; stream --stop or Ctrl-C stops it.", tables.size(), slot,
                    state.appliedAt() == null ? " (first start: from the stream's creation)" : " from " + resumedFrom);
            long lastCheck = 0;
            long lastLagCheck = 0;
            long lastEvents = -1;
            long lastReport = System.nanoTime();
            while (true) {
                try {
                    Throwable error = ended.get(200, TimeUnit.MILLISECONDS);
                    if (error != null) {
                        throw error instanceof StreamException s ? s : new StreamException("The change stream failed: " + rootMessage(error), error);
                    }
                    how = "ended";
                    break;
                } catch (TimeoutException running) {
                    // still running
                }
                if (stopRequested.getAsBoolean() || stop.stopping()) {
                    how = "stopped by a signal";
                    break;
                }
                if (System.nanoTime() - lastCheck > 1_000_000_000L) {
                    lastCheck = System.nanoTime();
                    if (offsets.stopRequested(slot)) {
                        how = "stopped by stream --stop";
                        break;
                    }
                }
                if (System.nanoTime() - lastLagCheck > LAG_CHECK_NANOS) {
                    lastLagCheck = System.nanoTime();
                    source.lagBytes(slot, applier.lastOffset() != null ? applier.lastOffset() : state.offset()).ifPresent(this.state::lagBytes);
                }
                if (System.nanoTime() - lastReport > settings.progressIntervalMillis() * 1_000_000L && applier.events() != lastEvents) {
                    lastReport = System.nanoTime();
                    lastEvents = applier.events();
                    CONSOLE.info("Stream {}: {} change(s) applied in {} transaction(s), at {}", slot, applier.events(),
                            applier.transactions(), applier.lastPosition());
                }
            }
        } catch (Throwable e) {
            this.state.ended(rootMessage(e));
            throw e;
        } finally {
            if (how != null) {
                this.state.ended(null);
            }
            closing.set(true);
            try {
                close(engine, ended);
            } finally {
                thread.shutdown();
                thread.awaitTermination(60, TimeUnit.SECONDS);
                LedgerOffsetStore.unbind(slot);
            }
        }
        Throwable error = ended.getNow(null);
        if (error != null && !how.startsWith("stopped")) {
            this.state.ended(rootMessage(error));
            throw error instanceof StreamException s ? s : new StreamException("The change stream failed: " + rootMessage(error), error);
        }
        CONSOLE.info("Stream {} {}: {} change(s) applied in {} transaction(s) in {} s; the ledger holds its offset ({}), stream resumes from it.",
                slot, how, applier.events(), applier.transactions(), (System.nanoTime() - started) / 1_000_000_000L,
                applier.lastPosition() != null ? applier.lastPosition()
                        : resumedFrom != null ? resumedFrom : "none yet: from the slot's start");
        return 0;
    }

    /**
     * Closes the engine. It refuses while its tasks are still starting (a stop right after the start: load --stream with a
     * stop requested during the load, a SIGTERM in the first seconds), so it is asked again until they have started, for
     * at most a minute; and it refuses after it shut itself down on a failure (one the applier threw: a new column, a
     * TRUNCATE), whose completion callback holds the cause, which must reach the user instead of "already shut down".
     */
    private static void close(DebeziumEngine<?> engine, CompletableFuture<Throwable> ended) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                engine.close();
                return;
            } catch (IllegalStateException refused) {
                if (ended.isDone()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw refused;
                }
                try {
                    // shut down on its own meanwhile, or still starting: look again shortly
                    ended.get(200, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException notYet) {
                    // ask again
                }
            }
        }
    }

    /** A change in a transaction of its own, with its BEGIN and END records. */
    private static final int MAX_RECORDS_PER_CHANGE = 3;

    /** How often the source's WAL position is read for the lag in bytes (a query on the source). */
    private static final long LAG_CHECK_NANOS = 5_000_000_000L;

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof StreamException) {
                break;
            }
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** The first start of a stream: the latest load must have started after the slot was created. */
    private void checkHandOff(StreamOffsets.State state) throws SQLException {
        try (Connection c = databases.target().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT started_at, status FROM " + settings.ledgerSchema()
                     + ".runs WHERE command = 'load' ORDER BY run_id DESC LIMIT 1")) {
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new InvalidSettingException("replicator.stream.slot", "No load is recorded on the target: run load after"
                            + " stream --create-slot, then stream.");
                }
                OffsetDateTime loadStart = rs.getObject(1, OffsetDateTime.class);
                if (state.slotCreatedAt() != null && loadStart.isBefore(state.slotCreatedAt())) {
                    throw new InvalidSettingException("replicator.stream.slot", "The latest load started at " + loadStart
                            + ", before the replication slot " + state.slot() + " was created (" + state.slotCreatedAt()
                            + "): changes made in between are in neither. Run load --reset now (the slot keeps the changes meanwhile),"
                            + " then stream.");
                }
                if (!"done".equals(rs.getString(2))) {
                    throw new InvalidSettingException("replicator.stream.slot", "The latest load is " + rs.getString(2)
                            + ": finish it (load --resume) before the first stream.");
                }
                if (StreamOffsets.SNAPSHOT.equals(state.handOff())) {
                    // the load --stream that read under the snapshot did not finish; a load --resume (without --stream) did
                    CONSOLE.warn("Hand-off to the stream: convergent replay, not exact: the load that read under slot {}'s snapshot was"
                            + " finished by another command, whose reads saw the current rows.", state.slot());
                    offsets.handOff(state.slot(), StreamOffsets.CONVERGENT);
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                throw new InvalidSettingException("replicator.stream.slot", "No load is recorded on the target: run load after"
                        + " stream --create-slot, then stream.");
            }
            throw e;
        }
    }

    /** The run's tables (replicator.tables etc., as a load selects them), each with its primary key; key-less tables refused. */
    private List<StreamTable> tables(boolean onTarget) throws SQLException {
        List<TablePlan> plans = planner.planTables(RunRequest.of("stream"));
        org.camelreplicator.verify.VerifyCoordinator.refuseTransformed(plans, "stream applies changes by reading rows as the"
                + " load's COPY path does, without the transform route");
        List<String> keyless = plans.stream().filter(p -> p.source().primaryKey().isEmpty()).map(TablePlan::id).toList();
        if (!keyless.isEmpty()) {
            throw new InvalidSettingException("replicator.tables", "Table(s) " + String.join(", ", keyless) + " have no primary key, so a"
                    + " change cannot say which target row it replaces: stream refuses them. Add a primary key on the source, or leave"
                    + " them out (replicator.exclude, or replicator.tables).");
        }
        List<StreamTable> tables = new ArrayList<>();
        for (TablePlan plan : plans) {
            List<String> sourceTypes = new ArrayList<>();
            for (String k : plan.source().primaryKey()) {
                ColumnSpec col = plan.source().columns().stream().filter(c -> c.name().equals(k)).findFirst().orElseThrow();
                sourceTypes.add(source().keyCast(plan.id(), col));
            }
            Map<String, String> targetColumns = onTarget ? targetColumns(plan) : Map.of();
            List<String> targetTypes = new ArrayList<>();
            for (String k : plan.source().primaryKey()) {
                targetTypes.add(onTarget ? targetColumns.get(plan.targetColumn(k)) : null);
            }
            if (onTarget) {
                List<String> absent = plan.targetColumns().stream().filter(c -> !targetColumns.containsKey(c)).toList();
                if (!absent.isEmpty()) {
                    throw new InvalidSettingException("replicator.tables", "Target table " + plan.targetQualifiedName() + " has no column(s) " + absent + " that source"
                            + " table " + plan.id() + " has" + (targetColumns.isEmpty() ? " (the table is missing: run load first)" : "")
                            + ": a column added on the source is not carried on its own. Add them on the target (ALTER TABLE ... ADD COLUMN, typed as"
                            + " schema --ddl-out shows), then run stream again; rows that had a value before need verify --repair"
                            + " (or a load of the table). Or leave the table out (replicator.exclude).");
                }
            }
            Set<String> columns = new HashSet<>();
            plan.source().columns().forEach(c -> columns.add(c.name()));
            tables.add(new StreamTable(plan, plan.source().primaryKey(), sourceTypes, targetTypes, columns));
        }
        return tables;
    }

    private Map<String, String> targetColumns(TablePlan plan) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        String qualified = databases.targetDialect().qualifiedTarget(plan.targetSchema(), plan.targetName());
        try (Connection c = databases.target().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                     + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return columns;
    }

    /** The engine's properties for every source, then the source's connector's own. */
    private Properties engineProperties(String slot, List<StreamTable> tables, StreamOffsets.State state) throws SQLException {
        Properties p = new Properties();
        p.setProperty("name", slot);
        p.setProperty("offset.storage", LedgerOffsetStore.class.getName());
        p.setProperty(LedgerOffsetStore.SLOT, slot);
        // every batch's offset is flushed (acknowledged to the slot) as soon as the batch is applied
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.user", properties.apply("source.username").orElse(""));
        p.setProperty("database.password", properties.apply("source.password").orElse(""));
        p.setProperty("topic.prefix", slot);
        p.setProperty("heartbeat.interval.ms", String.valueOf(stream.heartbeatMs()));
        p.setProperty("table.include.list", tables.stream().map(t -> Pattern.quote(t.eventName())).collect(Collectors.joining(",")));
        p.setProperty("tombstones.on.delete", "false");
        // Debezium skips truncate events by default (skipped.operations=t): the target would keep the rows of a table the
        // source emptied, silently; delivered, the applier stops the stream naming the table
        p.setProperty("skipped.operations", "none");
        // Debezium's own check fails a start whose stored position is behind the slot's restart point, which is the idle
        // case here: the slot also confirms WAL without changes of ours (heartbeats, other tables; lsn.flush.mode), so
        // after a stop it can be ahead of the ledger's last applied change (a restarted stream failed with "Last recorded
        // offset is no longer available"). A lost slot or purged binlog is refused by the source's own start checks
        // (an internal field: Debezium reads it as internal.log.position.check.enable)
        p.setProperty("internal.log.position.check.enable", "false");
        p.setProperty("decimal.handling.mode", "string");
        // BEGIN and END records around each source transaction's events: the applier ends a target transaction only at an END
        p.setProperty("provide.transaction.metadata", "true");
        // The engine's batch counts records, the markers too: a one-statement transaction is three records for one change,
        // so a batch of batch-rows records held a third of batch-rows changes (the applier committed 1,666 changes at a time
        // in bench/stream.sh). Three records per change lets a backlog of such transactions fill a target transaction; the
        // applier cuts the batch into target transactions of at most batch-rows changes (TransactionBoundary). The queue
        // holds one batch ahead, enough to keep the applier busy (it is slower than the connector).
        int records = MAX_RECORDS_PER_CHANGE * stream.batchRows();
        p.setProperty("max.batch.size", String.valueOf(records));
        p.setProperty("max.queue.size", String.valueOf(records + 1));
        p.setProperty("poll.interval.ms", String.valueOf(stream.maxLatencyMs()));
        // connection failures (a source restart, a failover) are retried without a limit, every 10 s: a continuous
        // stream waits its source out, and shows the wait as lag
        p.setProperty("errors.max.retries", "-1");
        p.putAll(source().connector(slot, tables, state));
        return p;
    }

    private StreamSource source;

    /** The source side of the stream, by source.url; another engine is refused here, before anything is created. */
    private StreamSource source() {
        if (source == null) {
            source = StreamSource.of(properties.apply("source.url").orElse(""), new StreamContext(databases, stream, offsets, properties));
        }
        return source;
    }
}

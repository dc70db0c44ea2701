package org.camelreplicator.stream;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
import org.camelreplicator.config.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.config.StreamSettings;
import org.camelreplicator.copy.ChunkReader;
import org.camelreplicator.copy.StopSignal;
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

    /** stream --create-slot: the publication for the run's tables, then the slot; recorded in the ledger. */
    public int createSlot() throws SQLException {
        requirePostgresSource();
        String slot = slot();
        List<StreamTable> tables = publish(slot);
        try (Connection c = databases.source().getConnection()) {
            c.setAutoCommit(true);
            // after the publication, so that every change the slot holds is published
            try (PreparedStatement ps = c.prepareStatement("SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    offsets.create();
                    offsets.slotCreated(slot, slot, OffsetDateTime.now(ZoneOffset.UTC), StreamOffsets.CONVERGENT);
                    CONSOLE.info("Replication slot {} created at {} with publication {} for {} table(s): {}. The source keeps its changes"
                            + " from now on: run load now, then stream. The hand-off is convergent replay (a snapshot cannot outlive"
                            + " this command; load --stream instead gives an exact one).", slot, rs.getString(1), slot, tables.size(),
                            tables.stream().map(StreamTable::id).collect(Collectors.joining(", ")));
                }
            }
        }
        return 0;
    }

    /** The publication for the run's tables (created, or set to them), refused when the slot exists already. */
    private List<StreamTable> publish(String slot) throws SQLException {
        List<StreamTable> tables = tables(false);
        try (Connection c = databases.source().getConnection()) {
            c.setAutoCommit(true);
            if (slotExists(c, slot)) {
                throw new InvalidSettingException("replicator.stream.slot", "The source has a replication slot " + slot + " already."
                        + " Run stream to read from it, or stream --drop-slot first to start over (its unread changes are lost).");
            }
            String list = tables.stream().map(t -> databases.sourceDialect().qualified(t.plan().source().schema(), t.plan().source().name()))
                    .collect(Collectors.joining(", "));
            try (Statement st = c.createStatement()) {
                if (publicationExists(c, slot)) {
                    st.execute("ALTER PUBLICATION " + slot + " SET TABLE " + list);
                } else {
                    st.execute("CREATE PUBLICATION " + slot + " FOR TABLE " + list);
                }
            }
        }
        return tables;
    }

    /**
     * load --stream, before the load reads anything: the slot the ledger records (convergent replay), or a new one with the
     * snapshot the load then reads under (exact), held until the returned hand-off is closed after the load. A resumed load
     * started before any slot existed, so the changes made meanwhile would be in neither: refused before anything is created.
     */
    public HandOff ensureSlot(boolean resume) throws SQLException {
        requirePostgresSource();
        began();
        String slot = slot();
        Optional<StreamOffsets.State> state = offsets.read(slot);
        boolean exists;
        try (Connection c = databases.source().getConnection()) {
            exists = slotExists(c, slot);
        }
        if (exists && state.isPresent()) {
            CONSOLE.info("Replication slot {} (created {}) keeps the changes for the stream that follows the load.", slot,
                    state.get().slotCreatedAt());
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
        List<StreamTable> tables = publish(slot);
        HandOff handOff = HandOff.exporting(org.camelreplicator.config.JdbcUrls.forDriver("source.url", properties.apply("source.url").orElse("")),
                properties.apply("source.username").orElse(""), properties.apply("source.password").orElse(""), slot, offsets,
                databases.sourceSnapshot());
        try {
            offsets.create();
            offsets.slotCreated(slot, slot, OffsetDateTime.now(ZoneOffset.UTC), StreamOffsets.SNAPSHOT);
        } catch (SQLException | RuntimeException e) {
            handOff.close();
            throw e;
        }
        CONSOLE.info("Replication slot {} created at {} with publication {} for {} table(s): {}. The load reads every table under the"
                + " slot's exported snapshot {}, and the stream starts where the load's rows end (exact hand-off).", slot,
                handOff.consistentPoint(), slot, tables.size(), tables.stream().map(StreamTable::id).collect(Collectors.joining(", ")),
                handOff.snapshotId());
        return handOff;
    }

    private OffsetDateTime began;

    /** When this command began, by the target's clock: taken at its first step (ensureSlot for load --stream, else run). */
    private OffsetDateTime began() throws SQLException {
        if (began == null) {
            began = offsets.now();
        }
        return began;
    }

    /** stream --drop-slot: the slot and publication this tool created, and the stream's row in the ledger. */
    public int dropSlot() throws SQLException {
        requirePostgresSource();
        String slot = slot();
        boolean dropped = false;
        try (Connection c = databases.source().getConnection()) {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                if (slotExists(c, slot)) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                        ps.setString(1, slot);
                        ps.execute();
                    }
                    dropped = true;
                }
                if (publicationExists(c, slot)) {
                    st.execute("DROP PUBLICATION " + slot);
                    dropped = true;
                }
            }
        }
        offsets.delete(slot);
        CONSOLE.info(dropped ? "Replication slot and publication {} dropped; the source no longer keeps changes for it."
                : "There is no replication slot or publication {} on the source; nothing to drop.", slot);
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
        requirePostgresSource();
        String slot = slot();
        StreamOffsets.State state = offsets.read(slot).orElseThrow(() -> new InvalidSettingException("replicator.stream.slot",
                "There is no stream " + slot + " yet. Run stream --create-slot before the load (so the slot keeps every change"
                        + " from before the load's start), then load, then stream."));
        List<StreamTable> tables = tables(true);
        try (Connection c = databases.source().getConnection()) {
            if (!slotExists(c, slot)) {
                throw new InvalidSettingException("replicator.stream.slot", "The source has no replication slot " + slot + " (dropped?)."
                        + " Its changes are lost: run stream --drop-slot, stream --create-slot, then load --reset, then stream.");
            }
            Set<String> published = publishedTables(c, slot);
            List<String> missing = tables.stream().map(StreamTable::eventName).filter(t -> !published.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new InvalidSettingException("replicator.tables", "Table(s) " + missing + " are not in publication " + slot
                        + ", which holds the tables of stream --create-slot: their changes are not in the slot. Stream the tables the"
                        + " slot was created for, or drop the slot (stream --drop-slot) and create it again, then load those tables.");
            }
        }
        if (state.offset() == null) {
            checkHandOff(state);
        }
        warnAboutForgottenSlots(slot);
        offsets.clearStop(slot, began());
        ChunkReader reader = new ChunkReader(databases, new StopSignal(), settings.batchRows(), settings.batchMinRows(), settings.batchBytes(),
                settings.fetchSize(), targetSchema, new WriteOptions(settings.textNul()), false, null);
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        ChangeApplier applier = new ChangeApplier(databases, offsets, slot, tables, reader, targetSchema, new WriteOptions(settings.textNul()),
                closing::get, this.state, stream.batchRows());
        LedgerOffsetStore.bind(slot, offsets);
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(io.debezium.engine.format.ChangeEventFormat.of(Connect.class))
                .using(engineProperties(slot, tables))
                .notifying(applier)
                .using((success, message, error) -> ended.complete(success ? null
                        : error != null ? error : new StreamException("The change stream ended: " + message)))
                .build();
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "stream-engine"));
        long started = System.nanoTime();
        String how = null;
        Object resumedFrom = state.offset() == null ? null : state.offset().get("lsn");
        this.state.started(slot, state.offset() == null ? -1 : ChangeApplier.sourceMillis(state.offset()));
        try {
            thread.execute(engine);
            CONSOLE.info("Streaming changes of {} table(s) from slot {}{}; stream --stop or Ctrl-C stops it.", tables.size(), slot,
                    state.offset() == null ? " (first start: from the slot's creation)" : " from " + state.offset().get("lsn"));
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
                    checkLagBytes(slot, applier.lastPosition() != null ? applier.lastPosition() : resumedFrom);
                }
                if (System.nanoTime() - lastReport > settings.progressIntervalMillis() * 1_000_000L && applier.events() != lastEvents) {
                    lastReport = System.nanoTime();
                    lastEvents = applier.events();
                    CONSOLE.info("Stream {}: {} change(s) applied in {} transaction(s), at LSN {}", slot, applier.events(),
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
                applier.lastPosition() != null ? "LSN " + applier.lastPosition()
                        : state.offset() != null ? "LSN " + state.offset().get("lsn") : "none yet: from the slot's start");
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

    /** How often the source's WAL position is read for the lag in bytes (a query on the source). */
    private static final long LAG_CHECK_NANOS = 5_000_000_000L;

    /** The lag in bytes: the source's WAL after the position applied (the ledger's, before this process applied one). */
    private void checkLagBytes(String slot, Object appliedLsn) {
        try (Connection c = databases.source().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), COALESCE(CAST(? AS pg_lsn),"
                     + " (SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = ?)))::bigint")) {
            ps.setString(1, appliedLsn instanceof Number n ? lsnText(n.longValue()) : null);
            ps.setString(2, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    state.lagBytes(Math.max(0, rs.getLong(1)));
                }
            }
        } catch (SQLException e) {
            // the source is away: the engine and the applier wait for it, and the lag in seconds grows meanwhile
            org.slf4j.LoggerFactory.getLogger(ChangeStream.class).debug("stream {}: cannot read the source's WAL position: {}", slot,
                    e.getMessage());
        }
    }

    /** PostgreSQL's text form of an LSN (pg_lsn): the high and low 32 bits in hexadecimal. */
    static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * A slot of ours (camel_replicator_*, or one a ledger row names) that nobody reads keeps the source's WAL until its disk
     * fills: at start, each other inactive one holding more than replicator.stream.max-slot-wal-mb is named with what to do.
     */
    private void warnAboutForgottenSlots(String reading) throws SQLException {
        if (stream.maxSlotWalMb() <= 0) {
            return;
        }
        List<String> recorded = offsets.slots();
        try (Connection c = databases.source().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT slot_name, database, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE NOT active AND slot_name <> ? AND restart_lsn IS NOT NULL"
                     + " AND (slot_name LIKE 'camel\\_replicator\\_%' OR slot_name = ANY (?))"
                     + " AND pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) > ? ORDER BY 3 DESC")) {
            ps.setString(1, reading);
            ps.setArray(2, c.createArrayOf("text", recorded.toArray()));
            ps.setLong(3, stream.maxSlotWalMb() * 1024 * 1024);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    CONSOLE.warn("Replication slot {} (database {}) is inactive and holds {} MB of the source's WAL (more than"
                            + " replicator.stream.max-slot-wal-mb={}): a slot nobody reads keeps the WAL until the source's disk is full."
                            + " If nothing streams from it any more, drop it: stream --drop-slot --replicator.stream.slot={} from the"
                            + " replicator that created it (also its publication and ledger row), or SELECT pg_drop_replication_slot('{}')"
                            + " on the source.", name, rs.getString(2), rs.getLong(3) / (1024 * 1024), stream.maxSlotWalMb(), name, name);
                }
            }
        }
    }

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
                sourceTypes.add(col.typeName());
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

    private Properties engineProperties(String slot, List<StreamTable> tables) {
        String url = properties.apply("source.url").orElse("");
        URI uri = URI.create(url.substring("jdbc:".length()).split("\\?")[0]);
        Properties p = new Properties();
        p.setProperty("name", slot);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", LedgerOffsetStore.class.getName());
        p.setProperty(LedgerOffsetStore.SLOT, slot);
        // every batch's offset is flushed (acknowledged to the slot) as soon as the batch is applied
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.hostname", uri.getHost() == null ? "localhost" : uri.getHost());
        p.setProperty("database.port", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()));
        p.setProperty("database.dbname", uri.getPath().substring(1));
        p.setProperty("database.user", properties.apply("source.username").orElse(""));
        p.setProperty("database.password", properties.apply("source.password").orElse(""));
        p.setProperty("topic.prefix", slot);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", slot);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("slot.drop.on.stop", "false");
        // An idle stream must still confirm the source's position, else the slot holds the WAL that other tables and
        // databases write, and a fast shutdown of the source waits (up to wal_sender_timeout) for the stream to confirm
        // the shutdown checkpoint. The connector confirms the commit LSN of the last change it applied; pgjdbc confirms a
        // keepalive's position itself (connector_and_driver) only when the last message it received is confirmed, which
        // after a change it did not (StreamSourceRestartTest saw the slot stay at the last change's commit while the
        // walsender had sent more). A heartbeat's message is confirmed: the heartbeat writes one (not transactional, no
        // table), the applier records its offset like a batch's, and the driver then confirms the keepalives after it.
        p.setProperty("lsn.flush.mode", "connector_and_driver");
        p.setProperty("heartbeat.interval.ms", String.valueOf(stream.heartbeatMs()));
        p.setProperty("heartbeat.action.query", "SELECT pg_logical_emit_message(false, 'camel_replicator', 'heartbeat')");
        p.setProperty("table.include.list", tables.stream().map(t -> Pattern.quote(t.eventName())).collect(Collectors.joining(",")));
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("include.unknown.datatypes", "true");
        p.setProperty("max.batch.size", String.valueOf(stream.batchRows()));
        // BEGIN and END records around each source transaction's events: the applier ends a target transaction only at an END
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("max.queue.size", String.valueOf(Math.max(stream.batchRows() * 2, stream.batchRows() + 1)));
        p.setProperty("poll.interval.ms", String.valueOf(stream.maxLatencyMs()));
        // connection failures (a source restart, a failover) are retried without a limit, every 10 s: a continuous
        // stream waits its source out, and shows the wait as lag
        p.setProperty("errors.max.retries", "-1");
        return p;
    }

    private void requirePostgresSource() {
        String url = properties.apply("source.url").orElse("");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new InvalidSettingException("source.url", "stream reads a PostgreSQL source's change log (logical decoding);"
                    + " source.url=" + (url.isEmpty() ? "(the demo source)" : url.replaceAll("\\?.*", ""))
                    + " is not PostgreSQL. MySQL/MariaDB binlog and SQL Server CDC are not done yet: use sync for those.");
        }
    }

    private static boolean slotExists(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean publicationExists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Set<String> publishedTables(Connection c, String name) throws SQLException {
        Set<String> tables = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }
}

package org.camelreplicator.observe;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.RunRecord;
import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.ledger.TableRecord;
import org.camelreplicator.ledger.VerifyTableRecord;
import org.camelreplicator.plan.KeyValues;
import org.camelreplicator.plan.RunRequest;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * The {@code status} command: the latest run in the ledger as a table, or with {@code --json} in
 * JSON of its own (the seed scripts' shape is the progress files', {@link ProgressFiles}); then each tracked table's sync
 * state (its watermark, when it last synced and last changed), and when each table was last verified
 * and what that found.
 */
public final class StatusReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Databases databases;
    private final Ledger ledger;

    public StatusReport(Databases databases, Ledger ledger) {
        this.databases = databases;
        this.ledger = ledger;
    }

    /**
     * Prints the status and answers the exit status: 0 when the last run finished, 1 otherwise.
     * Everything is read before anything is printed, so a retry after a transient failure
     * (routes/commands.camel.yaml) prints it once.
     */
    public int print(RunRequest request) throws Exception {
        // the first contact with the target: an unreachable one is reported as such, not as a ledger error
        String target = databases.describeTarget();
        Optional<RunRecord> run = ledger.exists() ? latestCopy() : Optional.empty();
        List<VerifyTableRecord> verified = ledger.exists() ? ledger.lastVerified() : List.of();
        Map<String, TableRecord> tables = run.isEmpty() ? Map.of() : ledger.tables(run.get().id());
        List<SyncState> sync = run.isEmpty() ? List.of() : ledger.syncStates();
        List<Map<String, Object>> streams = run.isEmpty() ? List.of() : streams();
        if (!request.json()) {
            CONSOLE.info("Target: {}", target);
        }
        if (run.isEmpty() && !verified.isEmpty()) {
            if (request.json()) {
                System.out.println(JSON.writeValueAsString(Map.of("verify_state", verifyJson(verified))));
            } else {
                CONSOLE.info("No load or sync recorded in the ledger." + verifyText(verified));
            }
            return 0;
        }
        if (run.isEmpty()) {
            if (request.json()) {
                System.out.println("{ \"runs\": 0 }");
            } else {
                CONSOLE.info("No run recorded in the ledger ({} schema of the target) yet. Start one with: load", ledger.schema());
            }
            return 0;
        }
        if (request.json()) {
            Map<String, Object> root = json(run.get(), tables.values());
            root.put("sync_state", syncJson(sync));
            root.put("verify_state", verifyJson(verified));
            root.put("stream_state", streams);
            System.out.println(JSON.writeValueAsString(root));
        } else {
            CONSOLE.info(text(run.get(), tables.values()) + syncText(sync) + verifyText(verified) + streamText(streams));
        }
        return run.get().finished() ? 0 : 1;
    }

    /**
     * Each stream the ledger records (stream_offsets): changes applied, when, and its lag: seconds since the source commit
     * time of the last change or heartbeat applied (a stream that is not running falls behind by the clock), and bytes of
     * the source's WAL after that position, read from the source with whether the slot is being read now. A source that
     * cannot be asked leaves the bytes out, with the reason.
     */
    private List<Map<String, Object>> streams() throws SQLException {
        List<Map<String, Object>> streams = new java.util.ArrayList<>();
        String table = ledger.schema() + ".stream_offsets";
        try (java.sql.Connection c = databases.target().getConnection();
             java.sql.PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, table);
            try (java.sql.ResultSet rs = exists.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return streams;
                }
            }
            try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT slot_name, changes_applied,"
                    + " applied_at, source_offset, to_jsonb(o) ->> 'hand_off' FROM " + table + " o ORDER BY slot_name")) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("slot", rs.getString(1));
                    m.put("changes_applied", rs.getLong(2));
                    m.put("applied_at", iso(rs.getObject(3, OffsetDateTime.class)));
                    Map<?, ?> offset = rs.getString(4) == null ? Map.of() : new ObjectMapper().readValue(rs.getString(4), Map.class);
                    // PostgreSQL's offsets carry ts_usec, MariaDB's binlog offsets ts_sec
                    long sourceMillis = offset.get("ts_usec") instanceof Number n ? n.longValue() / 1000
                            : offset.get("ts_sec") instanceof Number s && s.longValue() > 0 ? s.longValue() * 1000 : -1;
                    m.put("source_time", sourceMillis < 0 ? null : java.time.Instant.ofEpochMilli(sourceMillis).toString());
                    m.put("lag_seconds", sourceMillis < 0 ? null : Math.max(0, (System.currentTimeMillis() - sourceMillis) / 1000));
                    m.put("lsn", offset.get("lsn"));
                    // which guarantee the hand-off from the load got: exact (snapshot), convergent (replay by key)
                    m.put("hand_off", rs.getString(5));
                    m.put("binlog_file", offset.get("file"));
                    m.put("binlog_pos", offset.get("pos"));
                    // SQL Server CDC: the position only; its offsets carry no time, and the change tables say nothing of bytes behind
                    if (offset.get("commit_lsn") != null) {
                        m.put("commit_lsn", offset.get("commit_lsn"));
                    }
                    streams.add(m);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("The ledger's stream offset is not JSON: " + e.getMessage(), e);
            }
        }
        for (Map<String, Object> m : streams) {
            if (m.get("commit_lsn") != null) {
                m.remove("binlog_file");
                m.remove("binlog_pos");
                m.remove("lsn");
                continue;
            }
            if (m.get("binlog_file") != null) {
                binlogLag(m);
                continue;
            }
            try (java.sql.Connection c = databases.source().getConnection();
                 java.sql.PreparedStatement ps = c.prepareStatement("SELECT s.active, pg_wal_lsn_diff(pg_current_wal_lsn(),"
                         + " COALESCE(CAST(? AS pg_lsn), s.confirmed_flush_lsn))::bigint FROM pg_replication_slots s WHERE s.slot_name = ?")) {
                ps.setString(1, m.get("lsn") instanceof Number n ? Long.toHexString(n.longValue() >>> 32) + "/"
                        + Long.toHexString(n.longValue() & 0xFFFFFFFFL) : null);
                ps.setString(2, (String) m.get("slot"));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        m.put("slot_active", rs.getBoolean(1));
                        m.put("lag_bytes", Math.max(0, rs.getLong(2)));
                    } else {
                        m.put("source_error", "the source has no replication slot " + m.get("slot"));
                    }
                }
            } catch (SQLException e) {
                m.put("source_error", Errors.describe(e));
            }
            m.remove("lsn");
        }
        return streams;
    }

    /** A MariaDB stream's lag in bytes: the binlog after its position (the rest of its file, every later file). */
    private void binlogLag(Map<String, Object> m) {
        String file = (String) m.remove("binlog_file");
        long pos = m.remove("binlog_pos") instanceof Number n ? n.longValue() : 0;
        m.remove("lsn");
        try (java.sql.Connection c = databases.source().getConnection(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            long behind = 0;
            boolean found = false;
            while (rs.next()) {
                if (rs.getString(1).equals(file)) {
                    found = true;
                    behind += Math.max(0, rs.getLong(2) - pos);
                } else if (found) {
                    behind += rs.getLong(2);
                }
            }
            if (found) {
                m.put("lag_bytes", behind);
            } else {
                m.put("source_error", "the source no longer has binlog file " + file + " (purged): the stream cannot resume");
            }
        } catch (SQLException e) {
            m.put("source_error", Errors.describe(e));
        }
    }

    static String streamText(List<Map<String, Object>> streams) {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> m : streams) {
            sb.append(String.format(Locale.ROOT, "%n%nStream %s: %,d changes applied, last at %s", m.get("slot"), (Long) m.get("changes_applied"),
                    m.get("applied_at") == null ? "(none yet)" : m.get("applied_at")));
            if (m.get("hand_off") != null) {
                sb.append("; hand-off from the load: ").append(m.get("hand_off"));
            }
            if (m.get("commit_lsn") != null) {
                sb.append("; at SQL Server commit LSN ").append(m.get("commit_lsn"));
            }
            if (m.get("lag_seconds") != null) {
                sb.append(String.format(Locale.ROOT, "; lag %d s (source time of the last change or heartbeat applied: %s)",
                        (Long) m.get("lag_seconds"), m.get("source_time")));
            }
            if (m.get("lag_bytes") != null && !m.containsKey("slot_active")) {
                // a MariaDB source: no slot to ask about
                sb.append(String.format(Locale.ROOT, ", %,d bytes of source binlog behind", (Long) m.get("lag_bytes")));
            } else if (m.get("lag_bytes") != null) {
                sb.append(String.format(Locale.ROOT, ", %,d bytes of source WAL behind; slot %s", (Long) m.get("lag_bytes"),
                        Boolean.TRUE.equals(m.get("slot_active")) ? "being read" : "not being read (no stream runs)"));
            }
            if (m.get("source_error") != null) {
                sb.append("; source not asked: ").append(m.get("source_error"));
            }
        }
        return sb.toString();
    }

    /** The latest load or sync: what status is about (verify runs have a section of their own). */
    private Optional<RunRecord> latestCopy() throws SQLException {
        Optional<RunRecord> load = ledger.latestRun("load");
        Optional<RunRecord> sync = ledger.latestRun("sync");
        return load.isEmpty() ? sync : sync.isEmpty() || load.get().id() > sync.get().id() ? load : sync;
    }

    /** When each table was last verified and what that found. */
    static Map<String, Object> verifyJson(List<VerifyTableRecord> verified) {
        Map<String, Object> perTable = new LinkedHashMap<>();
        for (VerifyTableRecord v : verified) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("verified_at", iso(v.finishedAt()));
            m.put("run_id", v.runId());
            m.put("outcome", v.status());
            m.put("ranges", v.rangesTotal());
            m.put("ranges_differing", v.rangesDiffering());
            m.put("source_rows", v.sourceRows());
            m.put("missing_rows", v.missingRows());
            m.put("extra_rows", v.extraRows());
            m.put("changed_rows", v.changedRows());
            m.put("repaired_rows", v.repairedRows());
            m.put("error", v.error());
            perTable.put(v.table(), m);
        }
        return perTable;
    }

    static String verifyText(List<VerifyTableRecord> verified) {
        if (verified.isEmpty()) {
            return "";
        }
        int width = Math.max(28, verified.stream().mapToInt(v -> v.table().length()).max().orElse(0));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n%nLast verify:%n"));
        sb.append(String.format(Locale.ROOT, "%-" + width + "s %-20s %6s %-10s %s%n", "Table", "Verified", "Run", "Outcome", "Ranges differing, rows"));
        for (VerifyTableRecord v : verified) {
            String detail = v.rangesDiffering() == 0 ? v.rangesTotal() + " ranges equal"
                    : String.format(Locale.ROOT, "%d of %d ranges: %,d missing, %,d extra, %,d changed%s", v.rangesDiffering(), v.rangesTotal(),
                    v.missingRows(), v.extraRows(), v.changedRows(),
                    v.repairedRows() > 0 ? String.format(Locale.ROOT, "; %,d rows copied again", v.repairedRows()) : "");
            sb.append(String.format(Locale.ROOT, "%-" + width + "s %-20s %6d %-10s %s%n", v.table(), toTheSecond(v.finishedAt()), v.runId(),
                    v.status(), v.error() != null ? v.error() : detail));
        }
        return sb.toString().stripTrailing();
    }

    static Map<String, Object> json(RunRecord run, Collection<TableRecord> tables) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run_id", run.id());
        root.put("command", run.command());
        root.put("status", run.status());
        root.put("session_start", iso(run.startedAt()));
        root.put("last_update", iso(run.updatedAt()));
        root.put("finished_at", iso(run.finishedAt()));
        root.put("summary", counts(tables));
        Map<String, Object> perTable = new LinkedHashMap<>();
        for (TableRecord t : tables) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", t.status());
            m.put("target_table", t.targetTable());
            m.put("start_time", iso(t.startedAt()));
            m.put("end_time", iso(t.finishedAt()));
            m.put("rows_synced", t.rowsCopied());
            m.put("estimated_rows", t.estimatedRows());
            m.put("chunks_total", t.chunksTotal());
            m.put("chunks_done", t.chunksDone());
            m.put("error", t.error());
            perTable.put(t.table(), m);
        }
        root.put("tables", perTable);
        return root;
    }

    /** Where each tracked table's next sync reads from, and when it last synced and last changed. */
    static Map<String, Object> syncJson(List<SyncState> states) {
        Map<String, Object> perTable = new LinkedHashMap<>();
        for (SyncState s : states) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("watermark_column", s.watermarkColumn());
            m.put("watermark", KeyValues.text(s.watermark()));
            m.put("source_rows", s.sourceRows() < 0 ? null : s.sourceRows());
            m.put("synced_at", iso(s.syncedAt()));
            m.put("changed_at", iso(s.changedAt()));
            m.put("rows_upserted", s.rowsUpserted());
            m.put("rows_deleted", s.rowsDeleted());
            perTable.put(s.table(), m);
        }
        return perTable;
    }

    static String syncText(List<SyncState> states) {
        if (states.isEmpty()) {
            return "";
        }
        int width = Math.max(28, states.stream().mapToInt(s -> s.table().length()).max().orElse(0));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n%nSync state (where the next sync reads from):%n"));
        sb.append(String.format(Locale.ROOT, "%-" + width + "s %-16s %-28s %-20s %s%n", "Table", "Watermark on", "Above", "Synced",
                "Last change"));
        for (SyncState s : states) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s %-16s %-28s %-20s %s%n", s.table(), s.watermarkColumn(),
                    s.watermark() == null ? "(every row)" : KeyValues.text(s.watermark()), toTheSecond(s.syncedAt()), toTheSecond(s.changedAt())));
        }
        return sb.toString().stripTrailing();
    }

    private static String toTheSecond(OffsetDateTime time) {
        return time == null ? "-" : time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static String iso(OffsetDateTime time) {
        return time == null ? null : time.toString();
    }

    static Map<String, Object> counts(Collection<TableRecord> tables) {
        long total = tables.size();
        long unchanged = tables.stream().filter(t -> TableRecord.UNCHANGED.equals(t.status())).count();
        // a table sync found unchanged is in step: complete as much as a copied one
        long completed = unchanged + tables.stream().filter(t -> TableRecord.DONE.equals(t.status())).count();
        long failed = tables.stream().filter(t -> TableRecord.FAILED.equals(t.status())).count();
        long running = tables.stream().filter(t -> TableRecord.RUNNING.equals(t.status())).count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", total);
        m.put("completed", completed);
        m.put("unchanged", unchanged);
        m.put("failed", failed);
        m.put("in_progress", running);
        m.put("remaining", total - completed - failed - running);
        m.put("percent", total == 0 ? 100.0 : Math.round(1000.0 * completed / total) / 10.0);
        m.put("rows_synced", tables.stream().mapToLong(TableRecord::rowsCopied).sum());
        return m;
    }

    static String text(RunRecord run, Collection<TableRecord> tables) {
        Map<String, Object> c = counts(tables);
        int width = Math.max(28, tables.stream().mapToInt(t -> t.table().length()).max().orElse(0));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Run %d (%s): %s, started %s, last update %s%n", run.id(), run.command(),
                run.status(), run.startedAt(), run.updatedAt()));
        sb.append(String.format(Locale.ROOT, "Tables: %d total, %d completed%s, %d failed, %d in progress, %d remaining (%.1f%% done), %s rows%n",
                c.get("total"), c.get("completed"), run.command().equals("sync") ? " (" + c.get("unchanged") + " unchanged)" : "",
                c.get("failed"), c.get("in_progress"), c.get("remaining"),
                (Double) c.get("percent"), RunReport.number((Long) c.get("rows_synced"))));
        sb.append(String.format(Locale.ROOT, "%-" + width + "s %14s %14s %9s  %s%n", "Table", "Rows", "Estimated", "Chunks", "Status"));
        for (TableRecord t : tables) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s %14s %14s %9s  %s%s%n", t.table(), RunReport.number(t.rowsCopied()),
                    t.estimatedRows() < 0 ? "?" : RunReport.number(t.estimatedRows()),
                    t.chunksDone() + "/" + t.chunksTotal(), t.status(), t.error() == null ? "" : ": " + t.error()));
        }
        if (!run.finished()) {
            sb.append(run.command().equals("sync") ? "Run sync again: its watermarks moved only for the tables it finished"
                    : "Resume with: java -jar target/camel-replicator.jar load --resume");
        }
        return sb.toString().stripTrailing();
    }
}

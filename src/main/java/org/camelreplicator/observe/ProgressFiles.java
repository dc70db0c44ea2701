package org.camelreplicator.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code schema_replication_progress.json} and {@code data_sync_progress.json} in
 * replicator.progress-dir, in the shape the teams' own tools already parse: a view of the running
 * load (the ledger stays the truth), replaced atomically at most once per progress-interval and
 * once more at the end. A table appears once it started: {@code in_progress}, {@code completed},
 * {@code failed} (with {@code error}) or {@code skipped} (with why).
 */
public final class ProgressFiles {

    public static final String SCHEMA_FILE = "schema_replication_progress.json";
    public static final String DATA_FILE = "data_sync_progress.json";

    private static final Logger LOG = LoggerFactory.getLogger(ProgressFiles.class);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path folder;
    private final ScheduledExecutorService scheduler;
    private final long intervalMillis;
    private ScheduledFuture<?> task;

    public ProgressFiles(Path folder, ScheduledExecutorService scheduler, long intervalMillis) {
        this.folder = folder;
        this.scheduler = scheduler;
        this.intervalMillis = intervalMillis;
    }

    /** Keeps the files of the run going on up to date until {@link #stop}. */
    public synchronized void start(Supplier<RunReport> current) {
        stop(null);
        task = scheduler.scheduleAtFixedRate(() -> write(current.get()), 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops the updates and writes the run's final state. */
    public synchronized void stop(RunReport last) {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        if (last != null) {
            write(last);
        }
    }

    /** Both files from a run's report: a table whose data started has its table in place. */
    public void write(RunReport report) {
        if (report == null) {
            return;
        }
        List<RunReport.TableState> states = report.tableStates();
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, Object> schema = new LinkedHashMap<>();
        for (RunReport.TableState t : states) {
            data.put(t.table(), Map.of("data", dataEntry(t)));
            if (t.outcome() != RunReport.Outcome.SKIPPED && t.startedAt() != null) {
                Map<String, Object> created = new LinkedHashMap<>();
                created.put("status", "completed");
                created.put("started_at", local(t.startedAt()));
                created.put("completed_at", local(t.startedAt()));
                created.put("error", null);
                schema.put(t.table(), Map.of("schema", created));
            }
        }
        writeFile(SCHEMA_FILE, report.startedAt(), schema);
        writeFile(DATA_FILE, report.startedAt(), data);
    }

    /** The schema command's file: each table's creation, as it went. */
    public void writeSchema(LocalDateTime sessionStart, Map<String, Map<String, Object>> tables) {
        Map<String, Object> schema = new LinkedHashMap<>();
        tables.forEach((table, state) -> schema.put(table, Map.of("schema", state)));
        writeFile(SCHEMA_FILE, sessionStart, schema);
    }

    /** A table's entry of the schema file. */
    public static Map<String, Object> schemaEntry(String status, LocalDateTime startedAt, LocalDateTime endedAt, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("started_at", local(startedAt));
        if (endedAt != null) {
            m.put(status.equals("failed") ? "failed_at" : "completed_at", local(endedAt));
        }
        m.put("error", error);
        return m;
    }

    private static Map<String, Object> dataEntry(RunReport.TableState t) {
        Map<String, Object> m = new LinkedHashMap<>();
        String status = switch (t.outcome()) {
            case DONE -> "completed";
            case FAILED -> "failed";
            case SKIPPED -> "skipped";
            default -> "in_progress";
        };
        m.put("status", status);
        m.put("started_at", t.startedAt() == null ? null : local(t.startedAt()));
        if (t.endedAt() != null && t.outcome() != RunReport.Outcome.RUNNING) {
            m.put(status.equals("failed") ? "failed_at" : "completed_at", local(t.endedAt()));
        }
        m.put("rows_synced", t.rows());
        m.put("error", t.error());
        return m;
    }

    private void writeFile(String name, LocalDateTime sessionStart, Map<String, Object> tables) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("session_start", local(sessionStart));
        root.put("last_updated", local(LocalDateTime.now()));
        root.put("tables", tables);
        try {
            Files.createDirectories(folder);
            Path temporary = Files.createTempFile(folder, name, ".tmp");
            Files.writeString(temporary, JSON.writeValueAsString(root), StandardCharsets.UTF_8);
            // readers see the old file or the new one, never half of one
            Files.move(temporary, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("Writing the progress file {} in {} failed: {}", name, folder, e.getMessage());
        }
    }

    private static String local(LocalDateTime time) {
        return time.format(LOCAL);
    }
}

package org.camelreplicator.observe;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.camelreplicator.config.ReplicatorSettings;

/**
 * Every run leaves a JSON report in {@code replicator.report-dir}: per table rows, bytes, seconds,
 * rows/s, chunks, retries and errors, the totals, and the settings used (which hold no password:
 * the source and target appear as URLs without secrets).
 */
public final class RunReportFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunReportFile() {
    }

    /** The report with the run's source, target and settings, as JSON text. */
    public static String json(RunReport report, ReplicatorSettings settings, String source, String target) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>(report.toMap());
        root.put("source", source);
        root.put("target", target);
        root.put("settings", settings(settings));
        return JSON.writeValueAsString(root);
    }

    /** Writes the report next to the earlier ones and answers its path. */
    public static Path write(String json, long runId, Path folder) throws IOException {
        Files.createDirectories(folder);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path file = folder.resolve("run-" + runId + "-" + stamp + ".json");
        Files.writeString(file, json);
        return file;
    }

    private static Map<String, Object> settings(ReplicatorSettings settings) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (RecordComponent c : ReplicatorSettings.class.getRecordComponents()) {
            try {
                Object value = c.getAccessor().invoke(settings);
                result.put(c.getName(), value == null || value instanceof Number || value instanceof Boolean ? value : value.toString());
            } catch (ReflectiveOperationException e) {
                result.put(c.getName(), "(unreadable: " + e.getMessage() + ")");
            }
        }
        return result;
    }
}

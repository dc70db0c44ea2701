package org.camelreplicator.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What a bench found: per mode the rows written, the seconds (inserts and commit), rows/s, and the
 * speed-up over the baseline: row by row with a commit each, or, when that mode was not run
 * (--skip-individual), the slowest mode that was. As a table (Markdown, so it can be pasted as it
 * is) and as JSON.
 *
 * @param target  the target database, as the logs describe it
 * @param table   the scratch table the rows went into (dropped at the end)
 * @param shape   the shape of the rows: the built-in sample or the --like table
 * @param columns the scratch table's columns and their target types
 * @param records rows per mode
 * @param results the modes run, in order
 * @param notes   modes left out and why
 */
public record BenchReport(String target, String table, String shape, Map<String, String> columns, long records,
                          List<Result> results, List<String> notes) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One mode's outcome.
     *
     * @param mode    the mode
     * @param detail  how it ran (rows per batch or statement), or empty
     * @param rows    rows the target table held after the mode (COUNT(*)), -1 when it failed
     * @param seconds from the first row sent to the commit
     * @param error   why it failed, or null
     */
    public record Result(InsertMode mode, String detail, long rows, double seconds, String error) {

        public boolean failed() {
            return error != null;
        }

        public double rowsPerSecond() {
            return failed() || seconds <= 0 ? 0 : rows / seconds;
        }

        String label() {
            return detail.isEmpty() ? mode.label() : mode.label() + " (" + detail + ")";
        }
    }

    /** The mode speed-ups are measured against, or null when none succeeded. */
    public Result baseline() {
        for (Result r : results) {
            if (r.mode() == InsertMode.ROW_COMMIT && !r.failed()) {
                return r;
            }
        }
        Result slowest = null;
        for (Result r : results) {
            if (!r.failed() && (slowest == null || r.rowsPerSecond() < slowest.rowsPerSecond())) {
                slowest = r;
            }
        }
        return slowest;
    }

    public boolean anyFailed() {
        return results.stream().anyMatch(Result::failed);
    }

    private Double speedUp(Result r) {
        Result base = baseline();
        return r.failed() || base == null || base.rowsPerSecond() <= 0 ? null : r.rowsPerSecond() / base.rowsPerSecond();
    }

    /** The table a user reads: one line per mode. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Insert bench: %,d rows per mode, shaped like %s, into %s (scratch table %s, dropped after)%n",
                records, shape, target, table));
        sb.append("| mode | rows | seconds | rows/s | speed-up |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Result r : results) {
            if (r.failed()) {
                sb.append("| ").append(r.label()).append(" | failed: ").append(r.error().replace('|', '/')).append(" | | | |\n");
            } else {
                Double up = speedUp(r);
                sb.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %s |%n", r.label(), r.rows(), r.seconds(),
                        r.rowsPerSecond(), up == null ? "" : String.format(Locale.ROOT, "%.1f×", up)));
            }
        }
        Result base = baseline();
        if (base != null) {
            sb.append("Speed-up is over ").append(base.mode().label())
                    .append(base.mode() == InsertMode.ROW_COMMIT ? "" : ", the slowest mode run").append(".\n");
        }
        for (String note : notes) {
            sb.append(note).append('\n');
        }
        return sb.toString();
    }

    /** The same as JSON: target, table, shape, columns, records, baseline, and per mode its figures or its error. */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("target", target);
        root.put("table", table);
        root.put("shape", shape);
        root.put("columns", columns);
        root.put("records", records);
        Result base = baseline();
        root.put("baseline", base == null ? null : base.mode().id());
        List<Map<String, Object>> modes = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", r.mode().id());
            m.put("label", r.label());
            if (r.failed()) {
                m.put("error", r.error());
            } else {
                m.put("rows", r.rows());
                m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
                m.put("rows_per_second", Math.round(r.rowsPerSecond()));
                Double up = speedUp(r);
                m.put("speed_up", up == null ? null : Math.round(up * 100) / 100.0);
            }
            modes.add(m);
        }
        root.put("modes", modes);
        root.put("notes", notes);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The bench's figures could not be written as JSON", e);
        }
    }
}

package org.camelreplicator.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code sync} needs: per table the watermark column that tells changed rows, the key rows are
 * upserted on, and how deletes are carried; plus the overlap that catches rows committed late.
 *
 * @param watermarks      {@code replicator.table.<table>.sync.watermark}: table -> column (or {@code xmin}), with the
 *                        table as the user wrote it (plan.TableSettings finds it in the catalog)
 * @param keys            {@code replicator.table.<table>.sync.key}: table -> key columns (default: the primary key)
 * @param deletes         {@code replicator.table.<table>.sync.deletes}: table -> how deletes are carried
 * @param defaultWatermark {@code replicator.sync.watermark}: a column used for every table that has it, or empty
 * @param defaultDeletes  {@code replicator.sync.deletes}: for tables without their own setting
 * @param overlapSeconds  {@code replicator.sync.overlap-seconds}: a timestamp watermark never advances past
 *                        the source's clock minus this, so a row committed up to this long after its
 *                        timestamp is still seen
 * @param overlapIds      {@code replicator.sync.overlap-ids}: an integer watermark is read again from this many
 *                        values below it, so ids committed out of order are still seen
 * @param window          {@code replicator.sync.window}: a timestamp or date watermark's changes are
 *                        upserted (and the watermark advanced) one window at a time, or null for all at once
 * @param windowIds       {@code replicator.sync.window-ids}: the same for integer watermarks (and xmin,
 *                        rowversion): this many values per window, or 0 for all at once
 */
public record SyncSettings(
        Map<String, String> watermarks,
        Map<String, List<String>> keys,
        Map<String, Deletes> deletes,
        String defaultWatermark,
        Deletes defaultDeletes,
        long overlapSeconds,
        long overlapIds,
        Window window,
        long windowIds) {

    /**
     * A window of a timestamp watermark: a calendar unit (windows begin at its boundaries, so
     * {@code month} is month by month) or a fixed duration counted from the first changed value.
     */
    public record Window(ChronoUnit unit, Duration every) {

        public static final String SETTING = "replicator.sync.window";

        /** {@code none}, {@code hour}, {@code day}, {@code month}, or an ISO-8601 duration such as PT6H or P7D; null for none. */
        static Window parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            switch (v) {
                case "", "none":
                    return null;
                case "hour":
                    return new Window(ChronoUnit.HOURS, null);
                case "day":
                    return new Window(ChronoUnit.DAYS, null);
                case "month":
                    return new Window(ChronoUnit.MONTHS, null);
                default:
                    break;
            }
            Duration every;
            try {
                every = Duration.parse(v);
            } catch (DateTimeParseException e) {
                throw new InvalidSettingException(SETTING, value, "is not none, hour, day, month or an ISO-8601 duration in days, hours"
                        + " or minutes (e.g. PT6H, P7D; for months use month)");
            }
            if (every.isZero() || every.isNegative()) {
                throw new InvalidSettingException(SETTING, value, "must be longer than zero (e.g. PT6H, P7D)");
            }
            return new Window(null, every);
        }

        @Override
        public String toString() {
            return unit != null ? unit.toString().toLowerCase(Locale.ROOT) : every.toString();
        }
    }

    /** How rows deleted on the source reach the target. */
    public enum Deletes {
        /** Not carried: the target keeps rows deleted on the source. */
        NONE,
        /** When the target has more rows than the source, the keys are compared range by range and extra rows deleted. */
        RECONCILE
    }

    static final String WATERMARK = ".sync.watermark";
    static final String KEY = ".sync.key";
    static final String DELETES = ".sync.deletes";

    /** Reads one {@code replicator.table.<table>.sync.*} setting into the maps; false when the key is not one. */
    static boolean read(String key, String value, String table, Map<String, String> watermarks,
                        Map<String, List<String>> keys, Map<String, Deletes> deletes) {
        String v = value.trim();
        if (key.endsWith(WATERMARK)) {
            if (v.isEmpty()) {
                throw new InvalidSettingException(key, value, "is empty; give the column that grows with every change (e.g. updated_at)");
            }
            watermarks.put(table, v);
        } else if (key.endsWith(KEY)) {
            List<String> columns = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (columns.isEmpty()) {
                throw new InvalidSettingException(key, value, "is empty; give the key columns, comma-separated (e.g. order_id,line_no)");
            }
            keys.put(table, columns);
        } else if (key.endsWith(DELETES)) {
            deletes.put(table, deletes(key, v));
        } else {
            return false;
        }
        return true;
    }

    static Deletes deletes(String key, String value) {
        try {
            return Deletes.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(key, value, "is not one of none, reconcile");
        }
    }
}

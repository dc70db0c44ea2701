package org.camelreplicator.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.camelreplicator.config.ReplicatorSettings.TABLE_PREFIX;

/**
 * After-actions: SQL run on the target after a load, and after a sync that changed rows
 * (routes/after-actions.camel.yaml). Each statement is the user's, run as written.
 *
 * @param tableAfterLoad      {@code replicator.table.<table>.after-load}: table (as the user wrote it) -> statements
 * @param tableAfterSync      {@code replicator.table.<table>.after-sync}: table -> statements
 * @param refreshViews        {@code replicator.table.<table>.refresh-views}: table -> materialized views, refreshed
 *                            after the table's load and after each sync that changed it
 * @param afterLoad           {@code replicator.after-load}: the run's statements, once every table of the load is complete
 * @param afterSync           {@code replicator.after-sync}: the run's statements, after a sync that changed a table
 * @param refreshConcurrently {@code replicator.refresh-concurrently}: REFRESH ... CONCURRENTLY where the view allows it
 */
public record AfterActionSettings(Map<String, List<String>> tableAfterLoad, Map<String, List<String>> tableAfterSync,
                                  Map<String, List<String>> refreshViews, List<String> afterLoad, List<String> afterSync,
                                  boolean refreshConcurrently) {

    public static final String AFTER_LOAD = ".after-load";
    public static final String AFTER_SYNC = ".after-sync";
    public static final String REFRESH_VIEWS = ".refresh-views";
    public static final String RUN_AFTER_LOAD = "replicator.after-load";
    public static final String RUN_AFTER_SYNC = "replicator.after-sync";
    public static final String REFRESH_CONCURRENTLY = "replicator.refresh-concurrently";

    public static final AfterActionSettings NONE = new AfterActionSettings(Map.of(), Map.of(), Map.of(), List.of(), List.of(), false);

    public AfterActionSettings {
        tableAfterLoad = Map.copyOf(tableAfterLoad);
        tableAfterSync = Map.copyOf(tableAfterSync);
        refreshViews = Map.copyOf(refreshViews);
        afterLoad = List.copyOf(afterLoad);
        afterSync = List.copyOf(afterSync);
    }

    /**
     * Reads one {@code replicator.table.<table>.after-load|after-sync|refresh-views} setting into the maps;
     * false when the key is none of them.
     */
    static boolean read(String key, String value, Map<String, List<String>> afterLoad, Map<String, List<String>> afterSync,
                        Map<String, List<String>> refreshViews) {
        String suffix = key.endsWith(AFTER_LOAD) ? AFTER_LOAD : key.endsWith(AFTER_SYNC) ? AFTER_SYNC
                : key.endsWith(REFRESH_VIEWS) ? REFRESH_VIEWS : null;
        if (!key.startsWith(TABLE_PREFIX) || suffix == null || key.length() <= TABLE_PREFIX.length() + suffix.length()) {
            return false;
        }
        String table = key.substring(TABLE_PREFIX.length(), key.length() - suffix.length());
        switch (suffix) {
            case AFTER_LOAD -> afterLoad.put(table, required(key, value));
            case AFTER_SYNC -> afterSync.put(table, required(key, value));
            default -> refreshViews.put(table, views(key, value));
        }
        return true;
    }

    /** The statements of an after-action setting, at least one. */
    private static List<String> required(String key, String value) {
        List<String> statements = statements(value);
        if (statements.isEmpty()) {
            throw new InvalidSettingException(key, value, "holds no SQL statement; give one or more statements separated by"
                    + " semicolons (e.g. ANALYZE orders; REFRESH MATERIALIZED VIEW order_totals), or remove the setting");
        }
        return statements;
    }

    /** Materialized view names, comma-separated, each as the target's SQL spells it (schema.view, "Quoted"). */
    private static List<String> views(String key, String value) {
        List<String> views = new ArrayList<>();
        for (String v : value.split(",")) {
            String view = v.trim();
            if (view.isEmpty()) {
                continue;
            }
            if (view.contains(";") || view.contains("--") || view.contains("/*") || view.chars().anyMatch(Character::isWhitespace)
                    && !view.startsWith("\"")) {
                throw new InvalidSettingException(key, value, "is not a list of materialized view names (e.g. order_totals,"
                        + " reports.daily_sales); write other SQL in replicator.table.<table>.after-load or .after-sync");
            }
            views.add(view);
        }
        if (views.isEmpty()) {
            throw new InvalidSettingException(key, value, "names no materialized view; give one or more, comma-separated, or remove the setting");
        }
        return views;
    }

    /**
     * Cuts SQL into statements at the semicolons that end them: one inside a string ('a;b'), a
     * quoted name, a dollar-quoted body ($$ ... $$, $fn$ ... $fn$) or a comment does not end one.
     * Empty statements are dropped; each is trimmed.
     */
    public static List<String> statements(String sql) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int end = i + 1;
            if (c == '\'' || c == '"') {
                end = closing(sql, i + 1, String.valueOf(c));
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                end = eol < 0 ? n : eol;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                end = close < 0 ? n : close + 2;
            } else if (c == '$') {
                int tagEnd = sql.indexOf('$', i + 1);
                if (tagEnd > 0 && sql.substring(i + 1, tagEnd).matches("[A-Za-z_]*")) {
                    String tag = sql.substring(i, tagEnd + 1);
                    int close = sql.indexOf(tag, tagEnd + 1);
                    end = close < 0 ? n : close + tag.length();
                }
            } else if (c == ';') {
                add(result, current);
                i++;
                continue;
            }
            current.append(sql, i, end);
            i = end;
        }
        add(result, current);
        return result;
    }

    /** The index after the quote that closes one opened before {@code from} (a doubled quote is part of the text). */
    private static int closing(String sql, int from, String quote) {
        int i = from;
        while (true) {
            int q = sql.indexOf(quote, i);
            if (q < 0) {
                return sql.length();
            }
            if (q + 1 < sql.length() && sql.startsWith(quote, q + 1)) {
                i = q + 2;
                continue;
            }
            return q + 1;
        }
    }

    private static void add(List<String> result, StringBuilder current) {
        String statement = current.toString().trim();
        if (!statement.isEmpty() && !onlyComments(statement)) {
            result.add(statement);
        }
        current.setLength(0);
    }

    private static boolean onlyComments(String statement) {
        return statement.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("--[^\\n]*", "").isBlank();
    }

    /** Every per-table after-action setting, in a map of its own kind, for the reader of ReplicatorSettings. */
    static final class Tables {
        final Map<String, List<String>> afterLoad = new LinkedHashMap<>();
        final Map<String, List<String>> afterSync = new LinkedHashMap<>();
        final Map<String, List<String>> refreshViews = new LinkedHashMap<>();

        boolean read(String key, String value) {
            return AfterActionSettings.read(key, value, afterLoad, afterSync, refreshViews);
        }
    }
}

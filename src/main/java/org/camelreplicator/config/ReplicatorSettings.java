package org.camelreplicator.config;

import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every {@code replicator.*} setting, read once at start-up and validated with messages that name
 * the property and say what to put there. The datasources themselves are HikariCP beans declared in
 * {@code application.properties}; this class holds what the pipeline needs to decide what to copy
 * and how.
 */
public record ReplicatorSettings(
        List<String> tables,
        List<String> exclude,
        String sourceSchema,
        String targetSchema,
        Naming naming,
        int workers,
        int batchRows,
        long chunkRows,
        int fetchSize,
        String ledgerSchema,
        int lockWaitSeconds,
        Path dataDir,
        int embeddedPort,
        int progressEvery,
        Map<String, String> splitBy,
        Map<String, String> partitionBy,
        Map<String, String> rowFilters,
        Map<String, String> softDeletes,
        YearMonth fromMonth,
        YearMonth toMonth,
        String startFromTable,
        int maxRetries,
        long retryInitialDelayMillis,
        long retryMaxDelayMillis,
        int retryMaxSeconds,
        int connectTimeoutSeconds,
        BadRows onBadRow,
        NulCharacters textNul,
        boolean dataOnly,
        boolean copyViews,
        List<String> skip,
        Path ddlOut,
        Path ddlIn,
        Map<String, String> castTypes,
        Map<String, String> castColumns,
        Map<String, String> targetNames,
        Map<String, Map<String, String>> columnTargetNames,
        Path reportDir,
        Path progressDir,
        Output output,
        String httpHost,
        int httpPort,
        int healthMaxFailedTables,
        long healthMaxBatchSeconds,
        long healthMaxSyncLagSeconds,
        long progressIntervalMillis,
        long batchBytes,
        int batchMinRows,
        long serveEvery,
        String serveCron,
        Path serveInbox,
        String serveCommand,
        SyncSettings sync,
        VerifySettings verify,
        AlertSettings alerts,
        AfterActionSettings afterActions,
        TransformSettings transforms) {

    /** What the console shows of a load. */
    public enum Output {
        /** A line per finished table, a progress summary every N tables, the summary table. */
        NORMAL,
        /** Only the final line (and errors). */
        QUIET,
        /** Only the run report as JSON, on standard output. */
        JSON
    }

    /** What a row the target refuses does to its table. */
    public enum BadRows {
        /** The table fails, naming the table, column and row key; nothing of its failed chunk is written. */
        FAIL,
        /** The row goes to the ledger's rejects table with the error; the rest of its chunk is written. */
        REJECT
    }

    /** Text holding NUL (U+0000), which PostgreSQL text cannot store. */
    public enum NulCharacters {
        /** The row is refused (then the bad-row rule applies), naming table, column and key. */
        FAIL,
        /** NUL characters are removed from the text; the number removed is logged per chunk. */
        STRIP
    }

    /** replicator.batch-min-rows when not set: it gives way to a smaller replicator.batch-rows. */
    private static final int DEFAULT_BATCH_MIN_ROWS = 100;

    /** Per-table settings: {@code replicator.table.<table>.<option>}. */
    public static final String TABLE_PREFIX = "replicator.table.";
    /** Type overrides: {@code replicator.cast.type.<source type>} and {@code replicator.cast.column.<table>.<column>}. */
    public static final String CAST_PREFIX = "replicator.cast.";
    private static final String CAST_TYPE = CAST_PREFIX + "type.";
    private static final String CAST_COLUMN = CAST_PREFIX + "column.";
    private static final String SPLIT_BY = ".split-by";
    /** {@code replicator.table.<table>.partition-by=<column>:month}: a PostgreSQL target table partitioned by month. */
    public static final String PARTITION_BY = ".partition-by";
    private static final String WHERE = ".where";
    private static final String SOFT_DELETE = ".soft-delete";
    private static final String TARGET_NAME = ".target-name";
    private static final String COLUMN = ".column.";

    /** How source names become target names. */
    public enum Naming {
        /** {@code AlbumId} becomes {@code album_id}, {@code ORDER_LINES} becomes {@code order_lines}. */
        SNAKE,
        /** Names are kept exactly, quoted on the target where needed. */
        PRESERVE,
        /** Names are lower-cased, nothing else. */
        LOWER
    }

    /**
     * Reads and validates the settings.
     *
     * @param lookup         resolves a property name to its value (Camel's properties component, which
     *                       already applied command-line overrides and environment variables)
     * @param listed         every {@code replicator.table.*} and {@code replicator.cast.*} property
     * @throws InvalidSettingException naming the first property whose value cannot be used
     */
    public static ReplicatorSettings from(Function<String, Optional<String>> lookup, Map<String, String> listed) {
        return from(lookup, listed, new LinkedHashMap<>());
    }

    /**
     * The same, telling each name it read with the value it falls back to when nothing sets it.
     *
     * @param fallbacks filled with name -> the code's fallback (what {@code settings} shows as "default")
     */
    public static ReplicatorSettings from(Function<String, Optional<String>> lookup, Map<String, String> listed, Map<String, String> fallbacks) {
        Reader r = new Reader(lookup, fallbacks);
        Map<String, String> splitBy = new LinkedHashMap<>();
        Map<String, String> partitionBy = new LinkedHashMap<>();
        Map<String, String> rowFilters = new LinkedHashMap<>();
        Map<String, String> softDeletes = new LinkedHashMap<>();
        Map<String, String> castTypes = new LinkedHashMap<>();
        Map<String, String> castColumns = new LinkedHashMap<>();
        Map<String, String> targetNames = new LinkedHashMap<>();
        Map<String, Map<String, String>> columnTargetNames = new LinkedHashMap<>();
        Map<String, String> watermarks = new LinkedHashMap<>();
        Map<String, List<String>> syncKeys = new LinkedHashMap<>();
        Map<String, SyncSettings.Deletes> syncDeletes = new LinkedHashMap<>();
        AfterActionSettings.Tables afterActions = new AfterActionSettings.Tables();
        Map<String, String> transforms = new LinkedHashMap<>();
        listed.forEach((key, value) -> {
            if (key.startsWith(CAST_PREFIX)) {
                String type = value.trim();
                if (type.isEmpty() || type.contains(";") || type.contains("--") || type.contains("/*")) {
                    throw new InvalidSettingException(key, value, "is not a type name (e.g. text, numeric(20,4), timestamptz)");
                }
                if (key.startsWith(CAST_TYPE) && key.length() > CAST_TYPE.length()) {
                    castTypes.put(key.substring(CAST_TYPE.length()).toLowerCase(Locale.ROOT), type);
                } else if (key.startsWith(CAST_COLUMN) && key.lastIndexOf('.') > CAST_COLUMN.length()) {
                    castColumns.put(key.substring(CAST_COLUMN.length()), type);
                } else {
                    throw new InvalidSettingException(key, "Unknown cast setting " + key + ". Casts are"
                            + " replicator.cast.type.<source type>=<target type> or replicator.cast.column.<table>.<column>=<target type>");
                }
                return;
            }
            String syncTable = key.startsWith(TABLE_PREFIX) && key.lastIndexOf(".sync.") > TABLE_PREFIX.length()
                    ? key.substring(TABLE_PREFIX.length(), key.lastIndexOf(".sync.")) : null;
            if (syncTable != null && SyncSettings.read(key, value, syncTable, watermarks, syncKeys, syncDeletes)) {
                return;
            }
            if (key.startsWith(TABLE_PREFIX) && key.endsWith(TARGET_NAME) && key.length() > TABLE_PREFIX.length() + TARGET_NAME.length()) {
                readTargetName(key, value, targetNames, columnTargetNames);
                return;
            }
            if (readRowFilter(key, value, rowFilters, softDeletes) || afterActions.read(key, value)
                    || TransformSettings.read(key, value, transforms)) {
                return;
            }
            if (key.startsWith(TABLE_PREFIX) && key.endsWith(PARTITION_BY) && key.length() > TABLE_PREFIX.length() + PARTITION_BY.length()) {
                if (!value.trim().matches("[^:]+:month")) {
                    throw new InvalidSettingException(key, value, "is not <column>:month (e.g. created_at:month): the target table is"
                            + " partitioned by calendar month of that date or timestamp column");
                }
                partitionBy.put(key.substring(TABLE_PREFIX.length(), key.length() - PARTITION_BY.length()), value.trim());
                return;
            }
            if (!key.startsWith(TABLE_PREFIX) || !key.endsWith(SPLIT_BY) || key.length() <= TABLE_PREFIX.length() + SPLIT_BY.length()) {
                throw new InvalidSettingException(key, "Unknown per-table setting " + key
                        + ". Per-table settings are replicator.table.<table>.split-by=<column>:month, .partition-by=<column>:month,"
                        + " replicator.table.<table>.target-name=<name>, replicator.table.<table>.column.<column>.target-name=<name>,"
                        + " replicator.table.<table>.where=<source SQL condition>, replicator.table.<table>.soft-delete=<column>[=<value>],"
                        + " replicator.table.<table>.sync.watermark=<column>, .sync.key=<columns>, .sync.deletes=none|reconcile,"
                        + " replicator.table.<table>.after-load=<SQL>[;<SQL>...], .after-sync=<SQL>[;<SQL>...], .refresh-views=<view>[,<view>...],"
                        + " replicator.table.<table>.transform=<route id or route file>");
            }
            String table = key.substring(TABLE_PREFIX.length(), key.length() - SPLIT_BY.length());
            if (!value.trim().matches("[^:]+:month")) {
                throw new InvalidSettingException(key, value, "is not <column>:month (e.g. created_at:month)");
            }
            splitBy.put(table, value.trim());
        });
        columnTargetNames.replaceAll((table, names) -> Map.copyOf(names));
        YearMonth from = r.month("replicator.from");
        YearMonth to = r.month("replicator.to");
        if (from != null && to != null && to.isBefore(from)) {
            throw new InvalidSettingException("replicator.to", "replicator.to=" + to + " is before replicator.from=" + from
                    + ". Give the first and the last month to copy, e.g. --from=2024-01 --to=2024-08.");
        }
        int batchRows = r.positiveInt("replicator.batch-rows", 5_000, 1_000_000);
        int batchMinRows = r.positiveInt("replicator.batch-min-rows", DEFAULT_BATCH_MIN_ROWS, 1_000_000);
        if (batchMinRows > batchRows) {
            if (batchMinRows != DEFAULT_BATCH_MIN_ROWS) {
                throw new InvalidSettingException("replicator.batch-min-rows", "replicator.batch-min-rows=" + batchMinRows
                        + " is above replicator.batch-rows=" + batchRows + ": a batch holds at least batch-min-rows and at most"
                        + " batch-rows rows. Lower replicator.batch-min-rows or raise replicator.batch-rows.");
            }
            // the default minimum gives way to a smaller maximum the user chose
            batchMinRows = batchRows;
        }
        ReplicatorSettings settings = new ReplicatorSettings(
                r.list("replicator.tables"),
                r.list("replicator.exclude"),
                r.text("replicator.source-schema", ""),
                r.text("replicator.target-schema", "public"),
                r.choice("replicator.naming", Naming.class, Naming.SNAKE),
                r.positiveInt("replicator.workers", 4, 256),
                batchRows,
                r.positiveLong("replicator.chunk-rows", 5_000_000),
                r.positiveInt("replicator.fetch-size", 5_000, 1_000_000),
                r.identifier("replicator.ledger-schema", "replicator"),
                r.count("replicator.lock-wait-seconds", 10, 86_400),
                Path.of(r.text("replicator.data-dir", "replicator-data")),
                r.positiveInt("replicator.embedded.port", 54329, 65535),
                r.positiveInt("replicator.progress-every-tables", 10, 100_000),
                Map.copyOf(splitBy),
                Map.copyOf(partitionBy),
                Map.copyOf(rowFilters),
                Map.copyOf(softDeletes),
                from,
                to,
                r.text("replicator.start-from-table", ""),
                r.count("replicator.retry.max-retries", 0, 1_000_000),
                r.positiveLong("replicator.retry.initial-delay", 500),
                r.positiveLong("replicator.retry.max-delay", 30_000),
                r.positiveInt("replicator.retry.max-seconds", 180, 86_400),
                r.positiveInt("replicator.connect-timeout", 30, 3600),
                r.choice("replicator.on-bad-row", BadRows.class, BadRows.FAIL),
                r.choice("replicator.text.nul", NulCharacters.class, NulCharacters.FAIL),
                r.flag("replicator.data-only"),
                r.flag("replicator.copy-views"),
                r.list("replicator.skip"),
                r.path("replicator.ddl-out"),
                r.existingFile("replicator.ddl-in"),
                Map.copyOf(castTypes),
                Map.copyOf(castColumns),
                Map.copyOf(targetNames),
                Map.copyOf(columnTargetNames),
                Path.of(r.text("replicator.report-dir", Path.of(r.text("replicator.data-dir", "replicator-data"), "reports").toString())),
                Path.of(r.text("replicator.progress-dir", r.text("replicator.data-dir", "replicator-data"))),
                r.choice("replicator.output", Output.class, Output.NORMAL),
                r.text("replicator.http.host", "127.0.0.1"),
                r.count("replicator.http.port", 0, 65535),
                r.count("replicator.health.max-failed-tables", 0, 1_000_000),
                r.positiveLong("replicator.health.max-batch-seconds", 30),
                r.count("replicator.health.max-sync-lag-seconds", 0, Integer.MAX_VALUE),
                r.positiveLong("replicator.progress-interval", 10_000),
                r.positiveLong("replicator.batch-bytes", 8L * 1024 * 1024),
                batchMinRows,
                r.count("replicator.serve.every", 0, Integer.MAX_VALUE),
                cron(r.text("replicator.serve.cron", "")),
                r.path("replicator.serve.inbox"),
                serveCommand(r),
                new SyncSettings(Map.copyOf(watermarks), Map.copyOf(syncKeys), Map.copyOf(syncDeletes),
                        r.text("replicator.sync.watermark", ""),
                        SyncSettings.deletes("replicator.sync.deletes", r.text("replicator.sync.deletes", "none")),
                        r.count("replicator.sync.overlap-seconds", 300, Integer.MAX_VALUE),
                        r.count("replicator.sync.overlap-ids", 1000, Integer.MAX_VALUE),
                        SyncSettings.Window.parse(r.text(SyncSettings.Window.SETTING, "none")),
                        r.count("replicator.sync.window-ids", 0, Integer.MAX_VALUE)),
                verify(r),
                new AlertSettings(r.text("replicator.alerts.uri", "log:replicator.alerts?level=WARN&showExchangePattern=false&showBodyType=false"),
                        r.positiveLong("replicator.alerts.check-interval", 10_000), r.positiveLong("replicator.alerts.remind-minutes", 60),
                        r.count("replicator.health.max-heap-percent", 0, 100), r.count("replicator.health.max-cpu-percent", 0, 100),
                        r.count("replicator.health.max-pool-pending", 0, 1_000_000),
                        r.count("replicator.health.max-run-seconds", 0, Integer.MAX_VALUE),
                        r.count("replicator.health.min-rows-per-second", 0, Integer.MAX_VALUE),
                        r.positiveLong("replicator.health.min-rows-minutes", 5),
                        r.count("replicator.health.max-stream-lag-seconds", 0, Integer.MAX_VALUE)),
                new AfterActionSettings(afterActions.afterLoad, afterActions.afterSync, afterActions.refreshViews,
                        AfterActionSettings.statements(r.text(AfterActionSettings.RUN_AFTER_LOAD, "")),
                        AfterActionSettings.statements(r.text(AfterActionSettings.RUN_AFTER_SYNC, "")),
                        r.flag(AfterActionSettings.REFRESH_CONCURRENTLY)),
                new TransformSettings(transforms, r.positiveLong(TransformSettings.LOOKUP_TTL, 3600),
                        r.positiveLong(TransformSettings.LOOKUP_MAX_ENTRIES, 10_000), r.text(TransformSettings.MASK_SALT, "")));
        checkTogether(settings);
        return settings;
    }

    /** Settings that bound one another: each alone may be valid and the pair still not work as meant. */
    private static void checkTogether(ReplicatorSettings s) {
        if (s.retryInitialDelayMillis() > s.retryMaxDelayMillis()) {
            throw new InvalidSettingException("replicator.retry.initial-delay", "replicator.retry.initial-delay=" + s.retryInitialDelayMillis()
                    + " is above replicator.retry.max-delay=" + s.retryMaxDelayMillis() + ": the delay between retries starts at"
                    + " initial-delay and doubles up to max-delay. Lower replicator.retry.initial-delay or raise replicator.retry.max-delay.");
        }
    }

    /** The stream command's settings ({@link StreamSettings}); read only when it runs. */
    static StreamSettings stream(Function<String, Optional<String>> lookup) {
        Reader r = new Reader(lookup, new LinkedHashMap<>());
        String slot = r.text("replicator.stream.slot", "").strip();
        if (!slot.isEmpty() && !slot.matches("[a-z0-9_]{1,63}")) {
            throw new InvalidSettingException("replicator.stream.slot", "replicator.stream.slot=" + slot
                    + ": a replication slot's name has only lower-case letters, digits and underscores, at most 63 of them"
                    + " (e.g. camel_replicator_shop), or leave it empty for camel_replicator_<target database>.");
        }
        long heartbeatMs = r.positiveLong("replicator.stream.heartbeat-ms", 10_000);
        long maxLagSeconds = r.count("replicator.health.max-stream-lag-seconds", 0, Integer.MAX_VALUE);
        if (maxLagSeconds > 0 && maxLagSeconds * 1000 <= heartbeatMs) {
            // on an idle source the applied position moves only with each heartbeat
            throw new InvalidSettingException("replicator.health.max-stream-lag-seconds", "replicator.health.max-stream-lag-seconds="
                    + maxLagSeconds + " is not above replicator.stream.heartbeat-ms=" + heartbeatMs + ": while the source is idle the"
                    + " stream is only as fresh as its last heartbeat, so health would go DOWN in every quiet spell. Raise"
                    + " replicator.health.max-stream-lag-seconds above " + heartbeatMs / 1000 + " or lower replicator.stream.heartbeat-ms.");
        }
        return new StreamSettings(r.positiveInt("replicator.stream.batch-rows", 5000, 1_000_000),
                r.positiveLong("replicator.stream.max-latency-ms", 1000), slot, heartbeatMs,
                r.count("replicator.stream.max-slot-wal-mb", 0, Integer.MAX_VALUE));
    }

    private static VerifySettings verify(Reader r) {
        Long[] keys = VerifySettings.keys(r.text(VerifySettings.KEYS, ""));
        return new VerifySettings(r.flag("replicator.verify.repair"), r.positiveInt("replicator.verify.max-keys", 100, 1_000_000),
                r.positiveLong("replicator.verify.leaf-rows", 10_000), keys[0], keys[1],
                r.count("replicator.health.max-differing-tables", 0, 1_000_000));
    }

    /**
     * {@code replicator.table.<table>.where=<condition>} and {@code replicator.table.<table>.soft-delete=<column>[=<value>]}:
     * which source rows the table's copy holds (plan.RowFilter); the condition is the user's SQL, checked
     * against the source when the tables are planned. False when the key is neither.
     */
    private static boolean readRowFilter(String key, String value, Map<String, String> rowFilters, Map<String, String> softDeletes) {
        String suffix = key.endsWith(WHERE) ? WHERE : key.endsWith(SOFT_DELETE) ? SOFT_DELETE : null;
        if (!key.startsWith(TABLE_PREFIX) || suffix == null || key.length() <= TABLE_PREFIX.length() + suffix.length()) {
            return false;
        }
        String table = key.substring(TABLE_PREFIX.length(), key.length() - suffix.length());
        if (value.isBlank()) {
            throw new InvalidSettingException(key, value, suffix.equals(WHERE)
                    ? "is empty; give a condition in the source's SQL (e.g. created_at >= '2023-01-01'), or remove the setting"
                    : "is empty; give the column that marks a deleted row (e.g. is_deleted, or status=deleted), or remove the setting");
        }
        (suffix.equals(WHERE) ? rowFilters : softDeletes).put(table, value.trim());
        return true;
    }

    /**
     * {@code replicator.table.<table>.target-name} and {@code replicator.table.<table>.column.<column>.target-name}:
     * the name a table or column gets on the target instead of the one replicator.naming makes.
     */
    private static void readTargetName(String key, String value, Map<String, String> tables, Map<String, Map<String, String>> columns) {
        String name = value.trim();
        String path = key.substring(TABLE_PREFIX.length(), key.length() - TARGET_NAME.length());
        int column = path.lastIndexOf(COLUMN);
        if (name.isEmpty()) {
            throw new InvalidSettingException(key, value, "is empty; give the name the " + (column > 0 ? "column" : "table")
                    + " gets on the target");
        }
        if (column > 0 && column + COLUMN.length() < path.length()) {
            columns.computeIfAbsent(path.substring(0, column), t -> new LinkedHashMap<>()).put(path.substring(column + COLUMN.length()), name);
        } else {
            tables.put(path, name);
        }
    }

    /**
     * What serve runs: load, sync or verify on each timer or cron tick, or stream, run continuously from serve's start,
     * which a tick has nothing to add to.
     */
    private static String serveCommand(Reader r) {
        String command = r.oneOf("replicator.serve.command", "load", List.of("load", "sync", "verify", "stream"));
        if (command.equals("stream")) {
            for (String tick : List.of("replicator.serve.every", "replicator.serve.cron")) {
                String value = r.text(tick, "").strip();
                if (!value.isEmpty() && !value.equals("0")) {
                    throw new InvalidSettingException(tick, tick + "=" + value + " with replicator.serve.command=stream: serve runs the"
                            + " stream continuously from its start, so there is nothing for a tick to run. Leave " + tick + " empty (0),"
                            + " or run load, sync or verify on it from another serve.");
                }
            }
        }
        return command;
    }

    /** A Quartz cron expression, checked here so a typo is named before serve starts. */
    private static String cron(String expression) {
        if (!expression.isEmpty()) {
            try {
                new org.quartz.CronExpression(expression);
            } catch (java.text.ParseException e) {
                throw new InvalidSettingException("replicator.serve.cron", expression, "is not a Quartz cron expression ("
                        + e.getMessage() + "). It has six or seven fields: seconds minutes hours day-of-month month day-of-week"
                        + " [year], with ? in one of the day fields; e.g. 0 0 2 * * ? for 02:00 every day");
            }
        }
        return expression;
    }

    /** Reads settings that have no per-table part, for tests and tools. */
    public static ReplicatorSettings from(Function<String, Optional<String>> lookup) {
        return from(lookup, Map.of());
    }

    /** Reads typed values and turns bad ones into {@link InvalidSettingException}s. */
    private static final class Reader {
        private final Function<String, Optional<String>> lookup;
        private final Map<String, String> fallbacks;

        Reader(Function<String, Optional<String>> lookup, Map<String, String> fallbacks) {
            this.lookup = lookup;
            this.fallbacks = fallbacks;
        }

        String text(String key, String fallback) {
            fallbacks.putIfAbsent(key, fallback);
            return lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(fallback);
        }

        List<String> list(String key) {
            String value = text(key, "");
            if (value.isEmpty() || value.equals("*")) {
                return List.of();
            }
            List<String> items = new ArrayList<>();
            Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
            return List.copyOf(items);
        }

        int positiveInt(String key, int fallback, int max) {
            long v = positiveLong(key, fallback);
            if (v > max) {
                throw new InvalidSettingException(key, String.valueOf(v), "is larger than the allowed maximum " + max);
            }
            return (int) v;
        }

        /** A whole number that may be 0. */
        int count(String key, int fallback, int max) {
            String raw = text(key, String.valueOf(fallback));
            int v;
            try {
                v = Integer.parseInt(raw.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(key, raw, "is not a whole number");
            }
            if (v < 0 || v > max) {
                throw new InvalidSettingException(key, raw, "must be between 0 and " + max);
            }
            return v;
        }

        long positiveLong(String key, long fallback) {
            String raw = text(key, String.valueOf(fallback));
            long v;
            try {
                v = Long.parseLong(raw.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(key, raw, "is not a whole number");
            }
            if (v < 1) {
                throw new InvalidSettingException(key, raw, "must be at least 1");
            }
            return v;
        }

        <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
            String raw = text(key, fallback.name());
            try {
                return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                List<String> allowed = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
                throw new InvalidSettingException(key, raw, "is not one of " + String.join(", ", allowed));
            }
        }

        String oneOf(String key, String fallback, List<String> allowed) {
            String raw = text(key, fallback).toLowerCase(Locale.ROOT);
            if (!allowed.contains(raw)) {
                throw new InvalidSettingException(key, raw, "is not one of " + String.join(", ", allowed));
            }
            return raw;
        }

        boolean flag(String key) {
            String raw = text(key, "false");
            if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(raw);
            }
            throw new InvalidSettingException(key, raw, "is not true or false");
        }

        Path path(String key) {
            String raw = text(key, "");
            return raw.isEmpty() ? null : Path.of(raw);
        }

        Path existingFile(String key) {
            Path p = path(key);
            if (p != null && !java.nio.file.Files.isRegularFile(p)) {
                throw new InvalidSettingException(key, p.toString(), "is not a file that exists (give the path of a DDL file)");
            }
            return p;
        }

        YearMonth month(String key) {
            String raw = text(key, "");
            if (raw.isEmpty()) {
                return null;
            }
            try {
                return YearMonth.parse(raw);
            } catch (DateTimeParseException e) {
                throw new InvalidSettingException(key, raw, "is not a month in the form YYYY-MM (e.g. 2024-01)");
            }
        }

        String identifier(String key, String fallback) {
            String raw = text(key, fallback);
            if (!raw.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new InvalidSettingException(key, raw, "must be a plain identifier (letters, digits, underscore)");
            }
            return raw;
        }
    }
}

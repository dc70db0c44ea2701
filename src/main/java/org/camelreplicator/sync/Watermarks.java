package org.camelreplicator.sync;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.SyncSettings;
import org.camelreplicator.config.SyncSettings.Deletes;
import org.camelreplicator.dialect.SourceDialect;
import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.plan.KeyValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe that decides whether a table changed since sync last saw it, with one small query, and
 * the watermark the sync may advance to. Which query ({@link ProbeKind}) is decided per table by
 * {@link #choose}: {@code MAX(watermark)} alone where that is exact, else {@code MAX(watermark),
 * COUNT(*)}.
 *
 * <p>A watermark only advances to a value below which no transaction can still commit: for a
 * timestamp, the source's clock minus {@code replicator.sync.overlap-seconds} (a row committed up to
 * that long after its timestamp is still seen); for PostgreSQL's xmin or a SQL Server rowversion,
 * the engine's own bound of open transactions. An integer watermark has no clock: each sync reads
 * again from {@code replicator.sync.overlap-ids} values below it. The new watermark is taken from
 * the probe, before the rows are read, so anything committed after the probe is above it.
 */
public final class Watermarks {

    private static final Logger LOG = LoggerFactory.getLogger(Watermarks.class);

    private final Databases databases;
    private final SyncSettings settings;

    public Watermarks(Databases databases, SyncSettings settings) {
        this.databases = databases;
        this.settings = settings;
    }

    /**
     * What a probe found.
     *
     * @param changed    whether rows must be read: the watermark moved, the row count changed (count probe), or sync has no state yet
     * @param readAfter  read the rows whose watermark is above this (a KeyValues string), or null for every row
     * @param watermark  the watermark to record once the rows are written (when unchanged, the recorded one)
     * @param sourceRows the source's row count at the probe, or -1 when the probe did not count
     * @param choice     which probe it was, and why
     */
    public record Probe(boolean changed, String readAfter, String watermark, long sourceRows, ProbeChoice choice) {
    }

    /**
     * How a table's probe asks the source whether anything changed.
     *
     * <p>{@code MAX}: the watermark's maximum alone, one index lookup when the column leads an index.
     * It is exact wherever the row count adds nothing sync would carry: every insert and update
     * sets a watermark above the one recorded (that is what a watermark is), and the recorded one is
     * held back from the maximum (by overlap-seconds for a timestamp, to the engine's bound of open
     * transactions for xmin and rowversion), so a row that commits late within that bound still
     * finds the maximum above the recorded watermark and is read; a row that commits later than
     * that is below where any read starts, counted or not. What the maximum cannot see is a delete,
     * and an integer watermark's row committed below the maximum (integer watermarks have no
     * hold-back: the next read looks back overlap-ids instead, and only a changed row count makes
     * that read happen while the maximum stands). So:
     *
     * <p>{@code COUNT}: {@code MAX(watermark), COUNT(*)}, which reads the table (or an index of it),
     * for tables with {@code deletes=reconcile} (a delete shows only in the count), integer
     * watermarks, and tables without a recorded watermark.
     *
     * <p>The engines' own change statistics are not used to skip either query, because none of
     * them is exact at the moment of the probe. PostgreSQL's {@code pg_stat_user_tables} counters
     * lag what has committed: each session sends its counts as it goes idle, at most once a second,
     * else later (before PostgreSQL 15 to a collector over UDP, which may drop them), so a delete
     * committed just before the probe can be missing (measured: 4 s on PostgreSQL 15); they count
     * nothing on a standby, and not TRUNCATE. MySQL/MariaDB's {@code information_schema.TABLES} has
     * an estimate for InnoDB's TABLE_ROWS and an UPDATE_TIME kept in memory only (NULL after a
     * restart), both cached by MySQL 8 for information_schema_stats_expiry (a day by default). SQL
     * Server's change tracking is not used: it must be enabled per database and table, and no SQL
     * Server can run where this is tested; its rowversion watermark gets the {@code MAX} probe.
     */
    public enum ProbeKind {
        MAX, COUNT
    }

    /**
     * The probe a table gets in this sync and why, as {@code sync --dry-run} prints it.
     *
     * @param kind  the query
     * @param index the index MAX reads (its name), or null when none leads with the watermark
     * @param why   why COUNT is needed, or null for MAX
     */
    public record ProbeChoice(ProbeKind kind, String index, String why) {

        /** One line: the query, then where it reads or why it must count. */
        public String describe(SyncTable table) {
            String max = "MAX(" + table.watermark() + ")";
            if (kind == ProbeKind.COUNT) {
                return "count: " + max + " and COUNT(*), which reads the table, because " + why;
            }
            if (index != null) {
                return "max: " + max + " alone, from index " + index + "; the table is not read";
            }
            return "max: " + max + " alone; no index leads with " + table.watermark() + ", so the engine reads the table for it"
                    + (table.system() == null ? " (an index on " + table.watermark() + " makes it one lookup)" : "");
        }
    }

    /**
     * Which probe a table gets, from its settings and its recorded sync state alone (see {@link ProbeKind}).
     */
    public ProbeChoice choose(SyncTable table, Optional<SyncState> previous) {
        Object before = previous.isEmpty() || previous.get().watermark() == null
                || !previous.get().watermarkColumn().equalsIgnoreCase(table.watermark()) ? null : KeyValues.decode(previous.get().watermark());
        if (before == null) {
            return new ProbeChoice(ProbeKind.COUNT, null, "no watermark is recorded yet");
        }
        if (table.deletes() == Deletes.RECONCILE) {
            return new ProbeChoice(ProbeKind.COUNT, null, "deletes=reconcile: a deleted row shows only in the row count");
        }
        if (table.system() == null && (before instanceof Long || before instanceof BigDecimal)) {
            return new ProbeChoice(ProbeKind.COUNT, null, "the watermark is an integer: a row committed below its maximum"
                    + " (a late commit) shows only in the row count");
        }
        return new ProbeChoice(ProbeKind.MAX, table.system() != null ? null : watermarkIndex(table), null);
    }

    /** An index (or the primary key) whose first column is the watermark column, or null. */
    private static String watermarkIndex(SyncTable table) {
        TableSpec source = table.plan().source();
        String column = table.column().name();
        if (!source.primaryKey().isEmpty() && source.primaryKey().get(0).equals(column)) {
            return "primary key";
        }
        return source.indexes().stream()
                .filter(i -> i.kind() == IndexSpec.Kind.PLAIN && !i.columns().isEmpty() && i.columns().get(0).equals(column)
                        && i.prefixLengths().get(0) == 0)
                .map(IndexSpec::name).findFirst().orElse(null);
    }

    public Probe probe(SyncTable table, Optional<SyncState> previous) throws SQLException {
        SourceDialect dialect = databases.sourceDialect();
        ProbeChoice choice = choose(table, previous);
        boolean counted = choice.kind() == ProbeKind.COUNT;
        String expression = table.system() != null ? table.system().expression() : dialect.quote(table.column().name());
        // over the rows the table's filter keeps: a row that leaves it (a soft delete) lowers the count, so the table changed
        String filter = table.plan().sourceFilter(dialect);
        String sql = "SELECT MAX(" + expression + ")" + (counted ? ", COUNT(*)" : "") + " FROM "
                + dialect.qualified(table.plan().source().schema(), table.plan().source().name())
                + (filter.isEmpty() ? "" : " WHERE " + filter);
        try (Connection c = databases.source().getConnection()) {
            Object max;
            long rows;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                max = normalize(table.system() != null ? rs.getObject(1) : dialect.watermarkReader(table.column()).read(rs, 1), table);
                rows = counted ? rs.getLong(2) : -1;
            }
            Object before = previousWatermark(table, previous);
            if (before != null && max != null && before.getClass() != max.getClass()) {
                // the column's type changed since the watermark was recorded
                LOG.warn("{}: the recorded watermark {} is not of the column's type now; this sync reads every row", table.id(), before);
                before = null;
            }
            // without a count, a table without a usable recorded watermark is read whole: there is no
            // row count to tell an empty table from one whose watermarks are all NULL
            boolean changed = previous.isEmpty() || (before == null && (!counted || rows > 0))
                    || (counted && rows != previous.get().sourceRows())
                    || (max != null && before != null && compare(max, before) > 0);
            // the bound of open transactions is one more query: only a changed table advances
            Object next = max == null || !changed ? before : min(max, limit(c, table, max));
            Object readAfter = before == null || table.system() != null ? before : lookBack(before);
            return new Probe(changed, readAfter == null ? null : KeyValues.encode(readAfter),
                    next == null ? null : KeyValues.encode(next), rows, choice);
        }
    }

    /** The recorded watermark, when it was taken on the same column; else null (every row is read). */
    private static Object previousWatermark(SyncTable table, Optional<SyncState> previous) {
        if (previous.isEmpty() || previous.get().watermark() == null) {
            return null;
        }
        if (!previous.get().watermarkColumn().equalsIgnoreCase(table.watermark())) {
            LOG.warn("{}: the watermark was {} and is now {}; this sync reads every row", table.id(),
                    previous.get().watermarkColumn(), table.watermark());
            return null;
        }
        return KeyValues.decode(previous.get().watermark());
    }

    /** The highest watermark no open transaction can still write below, or null when there is no such bound. */
    private Object limit(Connection c, SyncTable table, Object sample) throws SQLException {
        if (table.system() != null) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(table.system().committedBelow())) {
                rs.next();
                return rs.getLong(1) - 1;
            }
        }
        long overlap = settings.overlapSeconds();
        if (sample instanceof LocalDateTime) {
            return databases.sourceDialect().localNow(c).minusSeconds(overlap);
        }
        if (sample instanceof OffsetDateTime) {
            return OffsetDateTime.now().minusSeconds(overlap);
        }
        if (sample instanceof LocalDate) {
            // a date is coarse: hold back a whole day more, so a row written late on the same day is seen
            return databases.sourceDialect().localNow(c).minusSeconds(overlap).toLocalDate().minusDays(1);
        }
        if (sample instanceof String) {
            return formatText(databases.sourceDialect().localNow(c).minusSeconds(overlap), (String) sample);
        }
        return null;
    }

    /** Where the next read starts: an integer column is read again from overlap-ids values below its watermark. */
    private Object lookBack(Object watermark) {
        if (watermark instanceof Long l) {
            return l - settings.overlapIds();
        }
        if (watermark instanceof BigDecimal d) {
            return d.subtract(BigDecimal.valueOf(settings.overlapIds()));
        }
        return watermark;
    }

    /** One Java type per kind of watermark, so values compare and encode the same way every time. */
    static Object normalize(Object value, SyncTable table) {
        if (value == null || value instanceof Long || value instanceof LocalDateTime || value instanceof OffsetDateTime
                || value instanceof LocalDate) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (value instanceof BigDecimal d && d.scale() <= 0) {
            return d;
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof String s && isTimestampText(s)) {
            return s;
        }
        throw new InvalidSettingException("replicator.table." + table.id() + ".sync.watermark", "The watermark " + table.watermark()
                + " of table " + table.id() + " holds " + value.getClass().getSimpleName() + " values (e.g. " + value + "): a watermark"
                + " must be a timestamp, a date or an integer that grows with every change. Choose another column (e.g. updated_at).");
    }

    private static boolean isTimestampText(String s) {
        try {
            parseText(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** A timestamp kept as text (SQLite): {@code yyyy-MM-dd}, with {@code ' 'HH:mm:ss[.f]} or {@code 'T'HH:mm:ss[.f]}. */
    static LocalDateTime parseText(String s) {
        return LocalDateTime.parse(s.length() > 10 ? s.replace(' ', 'T') : s + "T00:00");
    }

    /**
     * A time as text that compares with a column's text values as the times do: in the same layout
     * as a value of the column (a space or a T between date and time), to the second.
     */
    static String formatText(LocalDateTime time, String like) {
        return time.format(DateTimeFormatter.ofPattern(like.length() > 10 && like.charAt(10) == 'T' ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd HH:mm:ss"));
    }

    private static Object min(Object value, Object limit) {
        return limit == null || compare(value, limit) <= 0 ? value : limit;
    }

    /** Watermarks of one kind are of one Java type (see normalize), all Comparable with themselves. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }
}

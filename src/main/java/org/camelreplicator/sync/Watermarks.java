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

import org.camelreplicator.config.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.SyncSettings;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.plan.KeyValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe that decides whether a table changed since sync last saw it, with one small query
 * ({@code MAX(watermark), COUNT(*)}), and the watermark the sync may advance to.
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
     * @param changed    whether rows must be read: the watermark moved, the row count changed, or sync has no state yet
     * @param readAfter  read the rows whose watermark is above this (a KeyValues string), or null for every row
     * @param watermark  the watermark to record once the rows are written (when unchanged, the recorded one)
     * @param sourceRows the source's row count at the probe
     */
    public record Probe(boolean changed, String readAfter, String watermark, long sourceRows) {
    }

    public Probe probe(SyncTable table, Optional<SyncState> previous) throws SQLException {
        Dialect dialect = databases.sourceDialect();
        String expression = table.system() != null ? table.system().expression() : dialect.quote(table.column().name());
        // over the rows the table's filter keeps: a row that leaves it (a soft delete) lowers the count, so the table changed
        String filter = table.plan().sourceFilter(dialect);
        String sql = "SELECT MAX(" + expression + "), COUNT(*) FROM " + dialect.qualified(table.plan().source().schema(), table.plan().source().name())
                + (filter.isEmpty() ? "" : " WHERE " + filter);
        try (Connection c = databases.source().getConnection()) {
            Object max;
            long rows;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                max = normalize(table.system() != null ? rs.getObject(1) : dialect.watermarkReader(table.column()).read(rs, 1), table);
                rows = rs.getLong(2);
            }
            Object before = previousWatermark(table, previous);
            if (before != null && max != null && before.getClass() != max.getClass()) {
                // the column's type changed since the watermark was recorded
                LOG.warn("{}: the recorded watermark {} is not of the column's type now; this sync reads every row", table.id(), before);
                before = null;
            }
            boolean changed = previous.isEmpty() || (before == null && rows > 0) || rows != previous.get().sourceRows()
                    || (max != null && before != null && compare(max, before) > 0);
            // the bound of open transactions is one more query: only a changed table advances
            Object next = max == null || !changed ? before : min(max, limit(c, table, max));
            Object readAfter = before == null || table.system() != null ? before : lookBack(before);
            return new Probe(changed, readAfter == null ? null : KeyValues.encode(readAfter),
                    next == null ? null : KeyValues.encode(next), rows);
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

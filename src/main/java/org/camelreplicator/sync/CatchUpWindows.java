package org.camelreplicator.sync;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.SyncSettings;
import org.camelreplicator.dialect.SourceDialect;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.KeyValues;
import org.camelreplicator.plan.RowFilter;

/**
 * Cuts a table's changes into windows of its watermark ({@code replicator.sync.window} for
 * timestamps and dates, {@code replicator.sync.window-ids} for integers), so a long catch-up is
 * upserted window by window, each window's transaction advancing the watermark to the window's end:
 * a sync stopped half-way keeps the windows it committed. Windows begin at the first changed value
 * (one {@code MIN} query on the source), so the quiet time before it costs nothing.
 */
public final class CatchUpWindows {

    /** More windows than this is a window far too small for the changes: refused with what to set. */
    static final int MAX_WINDOWS = 10_000;

    private final Databases databases;
    private final SyncSettings settings;

    public CatchUpWindows(Databases databases, SyncSettings settings) {
        this.databases = databases;
        this.settings = settings;
    }

    /** The reads of a changed table, in watermark order: one per window, the last without an upper bound. */
    public List<KeyRange.Changed> ranges(SyncTable table, Watermarks.Probe probe) throws SQLException {
        String expression = table.system() == null ? null : table.system().expression();
        KeyRange.Changed all = new KeyRange.Changed(table.watermark(), expression, probe.readAfter(), null);
        if (probe.readAfter() == null || probe.watermark() == null) {
            return List.of(all);
        }
        Object after = KeyValues.decode(probe.readAfter());
        Object last = KeyValues.decode(probe.watermark());
        UnaryOperator<Object> step = step(after);
        if (step == null) {
            return List.of(all);
        }
        Object first = firstChanged(table, after);
        if (first == null || Watermarks.compare(first, last) >= 0) {
            return List.of(all);
        }
        List<KeyRange.Changed> windows = new ArrayList<>();
        Object from = after;
        for (Object end = firstEnd(first); Watermarks.compare(end, last) < 0; end = step.apply(end)) {
            if (windows.size() == MAX_WINDOWS) {
                throw new InvalidSettingException(setting(after), "Table " + table.id() + " changed from " + first + " to " + last
                        + ", more than " + MAX_WINDOWS + " windows of " + windowName(after) + ". Choose a larger window.");
            }
            windows.add(new KeyRange.Changed(table.watermark(), expression, KeyValues.encode(from), KeyValues.encode(end)));
            from = end;
        }
        windows.add(new KeyRange.Changed(table.watermark(), expression, KeyValues.encode(from), null));
        return windows;
    }

    /** From one window's end to the next's, for this kind of watermark; null when it is read all at once. */
    private UnaryOperator<Object> step(Object sample) {
        SyncSettings.Window window = settings.window();
        if (sample instanceof Long || sample instanceof BigDecimal) {
            long ids = settings.windowIds();
            if (ids == 0) {
                return null;
            }
            return v -> v instanceof Long l ? (Object) (l + ids) : ((BigDecimal) v).add(BigDecimal.valueOf(ids));
        }
        if (window == null) {
            return null;
        }
        if (sample instanceof String text) {
            return v -> Watermarks.formatText(advance(Watermarks.parseText((String) v), window), text);
        }
        return v -> advance((Temporal) v, window);
    }

    /** The end of the first window: the first changed value's window boundary (a calendar unit) or the value plus the window. */
    private Object firstEnd(Object first) {
        if (first instanceof Long l) {
            return l + settings.windowIds() - 1;
        }
        if (first instanceof BigDecimal d) {
            return d.add(BigDecimal.valueOf(settings.windowIds() - 1));
        }
        SyncSettings.Window window = settings.window();
        if (first instanceof String text) {
            LocalDateTime time = Watermarks.parseText(text);
            return Watermarks.formatText(window.unit() == null ? advance(time, window) : (LocalDateTime) ceil(time, window.unit()), text);
        }
        return window.unit() == null ? advance((Temporal) first, window) : ceil((Temporal) first, window.unit());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Temporal> T advance(T time, SyncSettings.Window window) {
        if (time instanceof LocalDate date) {
            long days = window.unit() == null ? Math.max(1, window.every().toDays()) : window.unit() == ChronoUnit.MONTHS ? 0 : 1;
            return (T) (days == 0 ? date.plusMonths(1) : date.plusDays(days));
        }
        return (T) (window.unit() == null ? time.plus(window.every()) : time.plus(1, window.unit()));
    }

    /** The first boundary of the unit at or after the time (a date's hour is its day). */
    private static Temporal ceil(Temporal time, ChronoUnit unit) {
        Temporal start;
        if (time instanceof LocalDate date) {
            start = unit == ChronoUnit.MONTHS ? date.withDayOfMonth(1) : date;
            return start.equals(date) ? date : start.plus(1, ChronoUnit.MONTHS);
        }
        if (time instanceof LocalDateTime t) {
            start = unit == ChronoUnit.MONTHS ? t.toLocalDate().withDayOfMonth(1).atStartOfDay() : t.truncatedTo(unit);
        } else {
            OffsetDateTime t = (OffsetDateTime) time;
            start = unit == ChronoUnit.MONTHS ? t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1) : t.truncatedTo(unit);
        }
        return start.equals(time) ? time : start.plus(1, unit);
    }

    /** The lowest watermark above where this sync reads from, or null when no row is there. */
    private Object firstChanged(SyncTable table, Object after) throws SQLException {
        SourceDialect dialect = databases.sourceDialect();
        String watermark = table.system() != null ? table.system().expression() : dialect.quote(table.column().name());
        String sql = "SELECT MIN(" + watermark + ") FROM " + dialect.qualified(table.plan().source().schema(), table.plan().source().name())
                + " WHERE " + RowFilter.and(table.plan().sourceFilter(dialect), watermark + " > ?");
        try (Connection c = databases.source().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, dialect.bindable(after));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Watermarks.normalize(table.system() != null ? rs.getObject(1) : dialect.watermarkReader(table.column()).read(rs, 1), table);
            }
        }
    }

    private static String setting(Object sample) {
        return sample instanceof Long || sample instanceof BigDecimal ? "replicator.sync.window-ids" : SyncSettings.Window.SETTING;
    }

    private String windowName(Object sample) {
        return sample instanceof Long || sample instanceof BigDecimal ? settings.windowIds() + " ids" : settings.window().toString();
    }
}

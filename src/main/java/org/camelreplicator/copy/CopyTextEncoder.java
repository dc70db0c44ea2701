package org.camelreplicator.copy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Encodes rows in PostgreSQL's COPY text format, straight into UTF-8 bytes: tab between columns,
 * newline after each row, {@code \N} for NULL, and backslash escapes for backslash, tab, newline
 * and carriage return. Writing bytes directly avoids a String per value on the hottest path.
 */
final class CopyTextEncoder {

    private static final byte[] NULL = {'\\', 'N'};
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final boolean stripNul;
    private byte[] buf;
    private int len;
    private String problem;
    private long strippedNuls;

    /**
     * @param stripNul remove NUL characters from text instead of refusing the row
     *                 ({@code replicator.text.nul=strip}); they are counted in {@link #strippedNuls()}
     */
    CopyTextEncoder(int initialCapacity, boolean stripNul) {
        this.stripNul = stripNul;
        buf = new byte[initialCapacity];
    }

    /** NUL characters removed so far. */
    long strippedNuls() {
        return strippedNuls;
    }

    byte[] buffer() {
        return buf;
    }

    int length() {
        return len;
    }

    void reset() {
        len = 0;
    }

    /**
     * Appends one row.
     *
     * @return -1, or the index of the column whose value cannot be written (the row is then not appended)
     */
    int row(Object[] values) {
        int start = len;
        for (int i = 0; i < values.length; i++) {
            if (!field(i, values[i])) {
                len = start;
                return i;
            }
        }
        endRow();
        return -1;
    }

    /**
     * Appends column {@code i} of the row being written, straight from the reader: no row array.
     *
     * @return false when the value cannot be written ({@link #problem()} says why); the caller then
     *         drops the row with {@link #truncate}
     */
    boolean field(int i, Object value) {
        if (i > 0) {
            put((byte) '\t');
        }
        try {
            value(value);
            return true;
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
            return false;
        }
    }

    void endRow() {
        put((byte) '\n');
    }

    /** Drops what was written after {@code length} (a row that cannot be written). */
    void truncate(int length) {
        len = length;
    }

    /** Why the last rejected value could not be written. */
    String problem() {
        return problem;
    }

    private void value(Object v) {
        if (v == null) {
            ensure(2);
            buf[len++] = NULL[0];
            buf[len++] = NULL[1];
        } else if (v instanceof String s) {
            text(s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            ascii(v.toString());
        } else if (v instanceof BigDecimal d) {
            ascii(d.toPlainString());
        } else if (v instanceof Double || v instanceof Float) {
            ascii(v.toString());
        } else if (v instanceof Boolean b) {
            put((byte) (b ? 't' : 'f'));
        } else if (v instanceof byte[] bytes) {
            bytea(bytes);
        } else if (v instanceof LocalDateTime t) {
            timestamp(t, null);
        } else if (v instanceof LocalDate d) {
            date(d);
        } else if (v instanceof OffsetDateTime t) {
            timestamp(t.toLocalDateTime(), t.getOffset());
        } else if (v instanceof LocalTime t) {
            time(t);
        } else if (v instanceof OffsetTime t) {
            time(t.toLocalTime());
            offset(t.getOffset());
        } else {
            text(v.toString());
        }
    }

    /**
     * Dates in PostgreSQL's own input form, which ISO formatting does not give at the edges: years
     * before 1 as "0001-12-31 BC" (ISO writes 0000 or a minus sign), years after 9999 without ISO's
     * plus sign, and pgjdbc's stand-ins for infinity (LocalDate.MAX and MIN) as infinity.
     */
    private void date(LocalDate d) {
        if (d.equals(LocalDate.MAX) || d.equals(LocalDate.MIN)) {
            ascii(d.equals(LocalDate.MAX) ? "infinity" : "-infinity");
            return;
        }
        ymd(d);
        if (d.getYear() <= 0) {
            ascii(" BC");
        }
    }

    private void timestamp(LocalDateTime t, ZoneOffset offset) {
        // pgjdbc reads timestamp and timestamptz infinity as LocalDateTime/OffsetDateTime MAX and MIN
        if (t.equals(LocalDateTime.MAX) || t.equals(LocalDateTime.MIN)) {
            ascii(t.equals(LocalDateTime.MAX) ? "infinity" : "-infinity");
            return;
        }
        ymd(t.toLocalDate());
        put((byte) ' ');
        time(t.toLocalTime());
        if (offset != null) {
            offset(offset);
        }
        if (t.getYear() <= 0) {
            ascii(" BC");
        }
    }

    private void ymd(LocalDate d) {
        int year = d.getYear() <= 0 ? 1 - d.getYear() : d.getYear();
        digits(year, 4);
        put((byte) '-');
        digits(d.getMonthValue(), 2);
        put((byte) '-');
        digits(d.getDayOfMonth(), 2);
    }

    /** HH:mm:ss, then the fraction to the nanosecond without trailing zeros. */
    private void time(LocalTime t) {
        digits(t.getHour(), 2);
        put((byte) ':');
        digits(t.getMinute(), 2);
        put((byte) ':');
        digits(t.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos > 0) {
            int width = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                width--;
            }
            put((byte) '.');
            digits(nanos, width);
        }
    }

    private void offset(ZoneOffset offset) {
        int seconds = offset.getTotalSeconds();
        put((byte) (seconds < 0 ? '-' : '+'));
        seconds = Math.abs(seconds);
        digits(seconds / 3600, 2);
        put((byte) ':');
        digits(seconds / 60 % 60, 2);
        if (seconds % 60 != 0) {
            put((byte) ':');
            digits(seconds % 60, 2);
        }
    }

    /** A non-negative number, zero-padded to at least {@code width} digits. */
    private void digits(long value, int width) {
        String s = Long.toString(value);
        for (int i = s.length(); i < width; i++) {
            put((byte) '0');
        }
        ascii(s);
    }

    /** bytea in hex form; the backslash of {@code \x} is itself escaped for COPY text. */
    private void bytea(byte[] bytes) {
        ensure(3 + bytes.length * 2);
        buf[len++] = '\\';
        buf[len++] = '\\';
        buf[len++] = 'x';
        for (byte b : bytes) {
            buf[len++] = (byte) HEX[(b >> 4) & 0xF];
            buf[len++] = (byte) HEX[b & 0xF];
        }
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void text(String s) {
        int n = s.length();
        ensure(n * 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> {
                        buf[len++] = '\\';
                        buf[len++] = '\\';
                    }
                    case '\t' -> {
                        buf[len++] = '\\';
                        buf[len++] = 't';
                    }
                    case '\n' -> {
                        buf[len++] = '\\';
                        buf[len++] = 'n';
                    }
                    case '\r' -> {
                        buf[len++] = '\\';
                        buf[len++] = 'r';
                    }
                    case '\0' -> {
                        if (!stripNul) {
                            throw new IllegalArgumentException("text holds a NUL character at position " + i
                                    + ", which PostgreSQL text cannot store (replicator.text.nul=strip removes them)");
                        }
                        strippedNuls++;
                    }
                    default -> buf[len++] = (byte) c;
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4 + (n - i) * 3);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("text holds an unpaired UTF-16 surrogate at position " + i
                        + ", which has no UTF-8 form");
            } else {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}

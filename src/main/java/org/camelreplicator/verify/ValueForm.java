package org.camelreplicator.verify;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.dialect.ValueReaders;

/**
 * How the values of one target column are compared: each value, read from the source by its
 * dialect or from the target, becomes one canonical text, the one the target column holds for it
 * by the documented type rules (docs/TYPES*.md) and PostgreSQL's own input rules. Numbers by value
 * (at the column's scale), floats as the float the column stores, timestamps at the column's
 * precision rounded as PostgreSQL rounds them, time zones as the instant, booleans as t/f, binary
 * as hex, char(n) without its padding, json by content; NULL stays null, distinct from empty text.
 *
 * @param kind   what the column holds
 * @param digits fraction digits a time column keeps (0 to 6)
 * @param scale  the scale of a numeric column, or -1 when it has none
 */
record ValueForm(Kind kind, int digits, int scale) {

    enum Kind { INTEGER, NUMBER, FLOAT4, FLOAT8, BOOLEAN, BYTES, DATE, TIMESTAMP, TIMESTAMPTZ, TIME, TIMETZ, UUID, JSON, CHAR, TEXT }

    private static final Pattern PRECISION = Pattern.compile("\\((\\d+)\\)");
    private static final Pattern NUMERIC_SCALE = Pattern.compile("\\(\\s*\\d+\\s*,\\s*(-?\\d+)\\s*\\)");
    /** Dates and timestamps as PostgreSQL, SQLite and the drivers write them: ISO date, optional time, fraction, offset, era. */
    private static final Pattern DATE_TIME = Pattern.compile("(-?\\d{4,})-(\\d{1,2})-(\\d{1,2})"
            + "(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?)?\\s*(Z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?)?( BC)?");
    private static final Pattern TIME_OF_DAY = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?\\s*(Z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?)?");
    /** PostgreSQL counts timestamps in microseconds from this moment, and rounds them relative to it. */
    private static final LocalDateTime PG_EPOCH = LocalDateTime.of(2000, 1, 1, 0, 0);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final HexFormat HEX = HexFormat.of();
    /** Braces and hyphens, which PostgreSQL's uuid input allows anywhere and its output places itself. */
    private static final Pattern UUID_DECORATION = Pattern.compile("[{}-]");

    /** The form of a target column, from the type its catalog reports (PostgreSQL: format_type's names). */
    static ValueForm of(ColumnSpec target) {
        String type = target.typeName() == null ? "" : target.typeName().toLowerCase(Locale.ROOT).strip();
        int jdbc = target.jdbcType();
        if (type.endsWith("[]") || jdbc == Types.ARRAY) {
            return new ValueForm(Kind.TEXT, 0, -1);
        }
        if (type.equals("boolean") || type.equals("bool") || jdbc == Types.BOOLEAN || (jdbc == Types.BIT && !type.startsWith("bit"))) {
            return new ValueForm(Kind.BOOLEAN, 0, -1);
        }
        if (type.startsWith("timestamp") || type.startsWith("time") || jdbc == Types.TIMESTAMP || jdbc == Types.TIMESTAMP_WITH_TIMEZONE
                || jdbc == Types.TIME || jdbc == Types.TIME_WITH_TIMEZONE) {
            boolean zoned = type.contains("with time zone") || type.startsWith("timestamptz") || type.startsWith("timetz")
                    || jdbc == Types.TIMESTAMP_WITH_TIMEZONE || jdbc == Types.TIME_WITH_TIMEZONE;
            boolean timestamp = type.startsWith("timestamp") || jdbc == Types.TIMESTAMP || jdbc == Types.TIMESTAMP_WITH_TIMEZONE;
            Matcher p = PRECISION.matcher(type);
            int digits = p.find() ? Integer.parseInt(p.group(1)) : target.scale() > 0 && target.scale() < 6 ? target.scale() : 6;
            Kind kind = timestamp ? (zoned ? Kind.TIMESTAMPTZ : Kind.TIMESTAMP) : (zoned ? Kind.TIMETZ : Kind.TIME);
            return new ValueForm(kind, Math.min(6, digits), -1);
        }
        return switch (type) {
            case "smallint", "integer", "bigint", "int2", "int4", "int8" -> new ValueForm(Kind.INTEGER, 0, -1);
            case "real", "float4" -> new ValueForm(Kind.FLOAT4, 0, -1);
            case "double precision", "float8" -> new ValueForm(Kind.FLOAT8, 0, -1);
            case "bytea" -> new ValueForm(Kind.BYTES, 0, -1);
            case "date" -> new ValueForm(Kind.DATE, 0, -1);
            case "uuid" -> new ValueForm(Kind.UUID, 0, -1);
            case "json", "jsonb" -> new ValueForm(Kind.JSON, 0, -1);
            default -> byJdbcType(type, target);
        };
    }

    private static ValueForm byJdbcType(String type, ColumnSpec target) {
        if (type.startsWith("numeric") || type.startsWith("decimal")) {
            Matcher m = NUMERIC_SCALE.matcher(type);
            return new ValueForm(Kind.NUMBER, 0, m.find() ? Integer.parseInt(m.group(1)) : type.contains("(") ? 0 : -1);
        }
        if (type.startsWith("character(") || type.equals("character") || type.startsWith("bpchar")) {
            return new ValueForm(Kind.CHAR, 0, -1);
        }
        return switch (target.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> new ValueForm(Kind.INTEGER, 0, -1);
            case Types.NUMERIC, Types.DECIMAL -> new ValueForm(Kind.NUMBER, 0, target.size() > 0 ? target.scale() : -1);
            case Types.REAL -> new ValueForm(Kind.FLOAT4, 0, -1);
            case Types.FLOAT, Types.DOUBLE -> new ValueForm(Kind.FLOAT8, 0, -1);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> new ValueForm(Kind.BYTES, 0, -1);
            case Types.DATE -> new ValueForm(Kind.DATE, 0, -1);
            case Types.CHAR, Types.NCHAR -> new ValueForm(Kind.CHAR, 0, -1);
            default -> new ValueForm(type.equals("json") ? Kind.JSON : Kind.TEXT, 0, -1);
        };
    }

    /** How the target column is read: java.time for times (which the driver decodes exactly), bytes for binary, text otherwise. */
    ValueReader reader() {
        return switch (kind) {
            case BYTES -> ValueReaders.BYTES;
            case DATE -> ValueReaders.DATE;
            case TIMESTAMP -> ValueReaders.TIMESTAMP;
            case TIMESTAMPTZ -> ValueReaders.TIMESTAMP_TZ;
            case TIME -> ValueReaders.TIME;
            case TIMETZ -> ValueReaders.TIME_TZ;
            default -> ValueReaders.STRING;
        };
    }

    /** Whether keys of this form sort as numbers; other keys sort by the code points of their canonical text. */
    boolean numeric() {
        return kind == Kind.INTEGER || kind == Kind.NUMBER;
    }

    /** Whether keys of this form are text, which engines sort by their collations unless told to sort by code point. */
    boolean text() {
        return kind == Kind.TEXT || kind == Kind.CHAR;
    }

    /** The canonical text of a value read from either side; null for NULL. */
    String canonical(Object value) {
        if (value == null) {
            return null;
        }
        return switch (kind) {
            case INTEGER, NUMBER -> number(value);
            case FLOAT4 -> floatText(value, true);
            case FLOAT8 -> floatText(value, false);
            case BOOLEAN -> bool(value);
            case BYTES -> bytes(value);
            case DATE -> date(value);
            case TIMESTAMP -> timestamp(value);
            case TIMESTAMPTZ -> timestampTz(value);
            case TIME, TIMETZ -> time(value);
            case UUID -> value instanceof byte[] b ? HEX.formatHex(b) : UUID_DECORATION.matcher(String.valueOf(value).strip()).replaceAll("")
                    .toLowerCase(Locale.ROOT);
            case JSON -> json(String.valueOf(value));
            case CHAR -> text(value).stripTrailing();
            case TEXT -> text(value);
        };
    }

    /** A number as the load writes it into COPY text: what the target column then reads. */
    private static String numberText(Object v) {
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Boolean b) {
            return b ? "1" : "0";
        }
        return String.valueOf(v).strip();
    }

    private String number(Object value) {
        if ((value instanceof Long || value instanceof Integer || value instanceof Short) && scale <= 0) {
            return value.toString();
        }
        BigDecimal d;
        if (value instanceof BigDecimal b) {
            d = b;
        } else {
            String text = numberText(value);
            try {
                d = new BigDecimal(text);
            } catch (NumberFormatException notANumber) {
                // NaN and infinity: the target keeps their names
                return text.toLowerCase(Locale.ROOT);
            }
        }
        if (scale >= 0 && d.scale() > scale) {
            // numeric(p,s) rounds half away from zero on input
            d = d.setScale(scale, RoundingMode.HALF_UP);
        }
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static String floatText(Object value, boolean single) {
        if (value instanceof Double d && !single) {
            return Double.toString(d);
        }
        if (value instanceof Float f && single) {
            return Float.toString(f);
        }
        String text = numberText(value);
        try {
            return single ? Float.toString(Float.parseFloat(text)) : Double.toString(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return text;
        }
    }

    private static String bool(Object value) {
        if (value instanceof Boolean b) {
            return b ? "t" : "f";
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0 ? "t" : "f";
        }
        String s = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "t", "true", "y", "yes", "on", "1" -> "t";
            case "f", "false", "n", "no", "off", "0" -> "f";
            default -> s;
        };
    }

    private static String bytes(Object value) {
        if (value instanceof byte[] b) {
            return HEX.formatHex(b);
        }
        String s = String.valueOf(value);
        return s.startsWith("\\x") ? s.substring(2).toLowerCase(Locale.ROOT) : HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Text as stored; other values as the text the load writes for them. */
    private static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof byte[] b) {
            return "\\x" + HEX.formatHex(b);
        }
        if (value instanceof Boolean b) {
            return b ? "t" : "f";
        }
        if (value instanceof Number) {
            return numberText(value);
        }
        return String.valueOf(value).replace('T', ' ');
    }

    private String date(Object value) {
        Object t = temporal(value);
        if (t instanceof LocalDate d) {
            return infinity(d.equals(LocalDate.MAX), d.equals(LocalDate.MIN), d);
        }
        if (t instanceof LocalDateTime d) {
            return infinity(d.equals(LocalDateTime.MAX), d.equals(LocalDateTime.MIN), d.toLocalDate());
        }
        if (t instanceof OffsetDateTime d) {
            return d.toLocalDate().toString();
        }
        return String.valueOf(t);
    }

    private String timestamp(Object value) {
        Object t = temporal(value);
        if (t instanceof OffsetDateTime d) {
            // a timestamp without time zone takes the written local time and ignores the offset
            t = d.toLocalDateTime();
        } else if (t instanceof LocalDate d) {
            t = d.atStartOfDay();
        }
        if (t instanceof LocalDateTime d) {
            return infinity(d.equals(LocalDateTime.MAX), d.equals(LocalDateTime.MIN), () -> round(d).toString());
        }
        return String.valueOf(t);
    }

    private String timestampTz(Object value) {
        Object t = temporal(value);
        if (t instanceof LocalDate d) {
            t = d.atStartOfDay();
        }
        if (t instanceof LocalDateTime d) {
            if (d.equals(LocalDateTime.MAX) || d.equals(LocalDateTime.MIN)) {
                return d.equals(LocalDateTime.MAX) ? "infinity" : "-infinity";
            }
            // written without an offset: the target reads it in its session's zone, which the driver sets to this JVM's
            t = d.atZone(ZoneId.systemDefault()).toOffsetDateTime();
        }
        if (t instanceof OffsetDateTime d) {
            if (d.equals(OffsetDateTime.MAX) || d.equals(OffsetDateTime.MIN)) {
                return d.equals(OffsetDateTime.MAX) ? "infinity" : "-infinity";
            }
            LocalDateTime utc = d.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            return round(utc).toInstant(ZoneOffset.UTC).toString();
        }
        return String.valueOf(t);
    }

    private String time(Object value) {
        Object t = value;
        if (value instanceof String s) {
            t = parseTime(s);
        } else if (value instanceof java.sql.Time st) {
            t = st.toLocalTime();
        } else if (value instanceof LocalDateTime d) {
            t = d.toLocalTime();
        }
        if (t instanceof LocalTime lt) {
            return roundTime(lt).toString();
        }
        if (t instanceof OffsetTime ot) {
            return kind == Kind.TIMETZ ? OffsetTime.of(roundTime(ot.toLocalTime()), ot.getOffset()).toString()
                    : roundTime(ot.toLocalTime()).toString();
        }
        return String.valueOf(t);
    }

    private static String infinity(boolean max, boolean min, LocalDate date) {
        return infinity(max, min, date::toString);
    }

    private static String infinity(boolean max, boolean min, java.util.function.Supplier<String> value) {
        return max ? "infinity" : min ? "-infinity" : value.get();
    }

    /** Timestamps of any driver or text form as java.time values; text that is no date stays text. */
    private static Object temporal(Object value) {
        if (value instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof String s) {
            return parseDateTime(s);
        }
        return value;
    }

    /**
     * A date or timestamp in text: ISO with a space or T, an optional fraction, offset and era
     * (PostgreSQL's "0044-03-15 BC"), or infinity. A date alone is a LocalDate; with an offset an
     * OffsetDateTime. Anything else is answered as it is, and compares as text.
     */
    static Object parseDateTime(String text) {
        String s = text.strip();
        if (s.equalsIgnoreCase("infinity")) {
            return LocalDateTime.MAX;
        }
        if (s.equalsIgnoreCase("-infinity")) {
            return LocalDateTime.MIN;
        }
        Matcher m = DATE_TIME.matcher(s);
        if (!m.matches()) {
            return text;
        }
        try {
            int year = Integer.parseInt(m.group(1));
            if (m.group(9) != null) {
                year = 1 - year;
            }
            LocalDate date = LocalDate.of(year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                return m.group(8) == null ? date : date.atStartOfDay().atOffset(offset(m.group(8)));
            }
            LocalDateTime t = date.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6))).plusNanos(nanos(m.group(7)));
            return m.group(8) == null ? t : t.atOffset(offset(m.group(8)));
        } catch (java.time.DateTimeException e) {
            return text;
        }
    }

    private static Object parseTime(String text) {
        Matcher m = TIME_OF_DAY.matcher(text.strip());
        if (!m.matches()) {
            return text;
        }
        try {
            LocalTime t = LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3))).plusNanos(nanos(m.group(4)));
            return m.group(5) == null ? t : OffsetTime.of(t, offset(m.group(5)));
        } catch (java.time.DateTimeException e) {
            return text;
        }
    }

    private static ZoneOffset offset(String text) {
        if (text.equals("Z")) {
            return ZoneOffset.UTC;
        }
        String digits = text.substring(1).replace(":", "");
        int h = Integer.parseInt(digits.substring(0, 2));
        int min = digits.length() >= 4 ? Integer.parseInt(digits.substring(2, 4)) : 0;
        int sec = digits.length() >= 6 ? Integer.parseInt(digits.substring(4, 6)) : 0;
        int sign = text.charAt(0) == '-' ? -1 : 1;
        return ZoneOffset.ofHoursMinutesSeconds(sign * h, sign * min, sign * sec);
    }

    /** Fraction digits as nanoseconds; digits past the ninth are cut. */
    private static long nanos(String fraction) {
        return fraction == null ? 0 : Long.parseLong((fraction + "000000000").substring(0, 9));
    }

    /**
     * PostgreSQL's rounding of a written fraction: to microseconds with rint() of the parsed
     * double (half to even), then to the column's precision half away from zero, counted from
     * 2000-01-01 as the server counts.
     */
    private LocalDateTime round(LocalDateTime t) {
        LocalDateTime micros = t.withNano(0).plusNanos(micros(t.getNano()) * 1000);
        if (digits >= 6) {
            return micros;
        }
        long us = ChronoUnit.MICROS.between(PG_EPOCH, micros);
        long scaleUs = (long) Math.pow(10, 6 - digits);
        long rounded = us >= 0 ? (us + scaleUs / 2) / scaleUs * scaleUs : -(((-us) + scaleUs / 2) / scaleUs * scaleUs);
        return PG_EPOCH.plus(rounded, ChronoUnit.MICROS);
    }

    private LocalTime roundTime(LocalTime t) {
        long us = t.withNano(0).toNanoOfDay() / 1000 + micros(t.getNano());
        if (digits < 6) {
            long scaleUs = (long) Math.pow(10, 6 - digits);
            us = (us + scaleUs / 2) / scaleUs * scaleUs;
        }
        // 24:00:00 is a time PostgreSQL keeps; LocalTime has none, so it stays the end of the day
        return us >= 86_400_000_000L ? LocalTime.MAX : LocalTime.ofNanoOfDay(us * 1000);
    }

    /** Nanoseconds as the microseconds PostgreSQL makes of their text: rint(fraction * 1e6). */
    private static long micros(int nanos) {
        if (nanos % 1000 == 0) {
            return nanos / 1000;
        }
        String digits = String.format(Locale.ROOT, "%09d", nanos);
        return (long) Math.rint(Double.parseDouble("0." + digits) * 1e6);
    }

    /** JSON by content: keys sorted, numbers by value, whitespace gone; text that is no JSON stays as it is. */
    private static String json(String text) {
        try {
            StringBuilder sb = new StringBuilder(text.length());
            canonicalJson(JSON.readTree(text), sb);
            return sb.toString();
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static void canonicalJson(JsonNode node, StringBuilder sb) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), e.getValue());
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                sb.append(first ? "" : ",");
                jsonString(e.getKey(), sb);
                sb.append(':');
                canonicalJson(e.getValue(), sb);
                first = false;
            }
            sb.append('}');
        } else if (node.isArray()) {
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                sb.append(i > 0 ? "," : "");
                canonicalJson(node.get(i), sb);
            }
            sb.append(']');
        } else if (node.isNumber()) {
            BigDecimal d = node.decimalValue();
            sb.append(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
        } else if (node.isTextual()) {
            jsonString(node.textValue(), sb);
        } else {
            sb.append(node.asText());
        }
    }

    /** A JSON string, quoted and escaped one way (Jackson's writer costs more than the rest of the value). */
    private static void jsonString(String text, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}

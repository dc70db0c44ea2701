package org.camelreplicator.copy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Encodes rows of Java values into PostgreSQL's binary COPY format ({@code COPY ... FROM STDIN
 * (FORMAT binary)}), by the target column's type: the server then parses no text. The first batch
 * of a COPY starts with the format's header ({@link #header}); {@link PgCopyWriter} adds the
 * trailer when the COPY ends. Only the types of {@link #TYPES} are encoded; {@link #supports}
 * says whether a table's columns all are. Used by the insert bench ({@code bench}); a load from a
 * PostgreSQL source passes the source's own binary rows instead ({@link CopyBinaryBatch}).
 */
public final class CopyBinaryEncoder {

    /** Base type names (as format_type writes them, without modifiers) this encoder writes. */
    public static final Set<String> TYPES = Set.of("smallint", "integer", "bigint", "real", "double precision", "numeric",
            "boolean", "text", "character varying", "character", "date", "timestamp without time zone",
            "timestamp with time zone", "time without time zone", "uuid", "bytea");

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final LocalDateTime EPOCH = LocalDateTime.of(2000, 1, 1, 0, 0);
    private static final LocalDate EPOCH_DATE = LocalDate.of(2000, 1, 1);
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

    private final String[] types;
    private byte[] buf = new byte[64 * 1024];
    private int len;
    private int rows;

    /** @param postgresTypes the target columns' types, as {@link #baseType} reads them */
    public CopyBinaryEncoder(List<String> postgresTypes) {
        this.types = postgresTypes.stream().map(CopyBinaryEncoder::baseType).toArray(String[]::new);
        for (int i = 0; i < types.length; i++) {
            if (!TYPES.contains(types[i])) {
                throw new IllegalArgumentException("no binary COPY encoding for type " + postgresTypes.get(i));
            }
        }
    }

    /** Whether every one of these types can be encoded. */
    public static boolean supports(List<String> postgresTypes) {
        return postgresTypes.stream().map(CopyBinaryEncoder::baseType).allMatch(TYPES::contains);
    }

    /** A type's name without modifiers, in format_type's spelling: {@code varchar(20)} is {@code character varying}. */
    public static String baseType(String postgresType) {
        String t = postgresType.toLowerCase(Locale.ROOT).replaceAll("\\(.*?\\)", "").replaceAll("\\s+", " ").strip();
        return switch (t) {
            case "int2" -> "smallint";
            case "int", "int4" -> "integer";
            case "int8" -> "bigint";
            case "float4" -> "real";
            case "float8", "double", "float" -> "double precision";
            case "decimal" -> "numeric";
            case "bool" -> "boolean";
            case "varchar" -> "character varying";
            case "char", "bpchar" -> "character";
            case "timestamp" -> "timestamp without time zone";
            case "timestamptz" -> "timestamp with time zone";
            case "time" -> "time without time zone";
            default -> t;
        };
    }

    /** Starts the COPY stream: the next bytes are the format's header. */
    public void header() {
        ensure(HEADER.length);
        System.arraycopy(HEADER, 0, buf, len, HEADER.length);
        len += HEADER.length;
    }

    /** Appends one row; its values in the order of the types. */
    public void row(Object[] values) {
        ensure(2);
        buf[len++] = (byte) (values.length >>> 8);
        buf[len++] = (byte) values.length;
        for (int i = 0; i < values.length; i++) {
            value(types[i], values[i]);
        }
        rows++;
    }

    /** What was encoded since the last take, as one batch; the encoder starts empty again. */
    public CopyBinaryBatch take() {
        CopyBinaryBatch batch = new CopyBinaryBatch(Arrays.copyOf(buf, len), len, rows);
        len = 0;
        rows = 0;
        return batch;
    }

    private void value(String type, Object v) {
        if (v == null) {
            int32(-1);
            return;
        }
        switch (type) {
            case "smallint" -> {
                int32(2);
                int16(((Number) v).shortValue());
            }
            case "integer" -> {
                int32(4);
                int32(((Number) v).intValue());
            }
            case "bigint" -> {
                int32(8);
                int64(((Number) v).longValue());
            }
            case "real" -> {
                int32(4);
                int32(Float.floatToIntBits(((Number) v).floatValue()));
            }
            case "double precision" -> {
                int32(8);
                int64(Double.doubleToLongBits(((Number) v).doubleValue()));
            }
            case "numeric" -> numeric(v instanceof BigDecimal d ? d : new BigDecimal(v.toString()));
            case "boolean" -> {
                int32(1);
                put((byte) ((Boolean) v ? 1 : 0));
            }
            case "date" -> {
                int32(4);
                int32((int) ChronoUnit.DAYS.between(EPOCH_DATE, (LocalDate) v));
            }
            case "timestamp without time zone" -> {
                int32(8);
                int64(ChronoUnit.MICROS.between(EPOCH, (LocalDateTime) v));
            }
            case "timestamp with time zone" -> {
                int32(8);
                int64(ChronoUnit.MICROS.between(EPOCH, ((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()));
            }
            case "time without time zone" -> {
                int32(8);
                int64(((LocalTime) v).toNanoOfDay() / 1000);
            }
            case "uuid" -> {
                UUID u = v instanceof UUID id ? id : UUID.fromString(v.toString());
                int32(16);
                int64(u.getMostSignificantBits());
                int64(u.getLeastSignificantBits());
            }
            case "bytea" -> bytes((byte[]) v);
            default -> bytes(v.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * numeric's binary form: digit count, weight (of the first base-10000 digit), sign, display
     * scale, then the base-10000 digits, leading and trailing zero digits left out.
     */
    private void numeric(BigDecimal d) {
        int scale = Math.max(d.scale(), 0);
        BigDecimal abs = d.abs().setScale(scale);
        String digits = abs.unscaledValue().toString();
        if (digits.length() <= scale) {
            digits = "0".repeat(scale - digits.length() + 1) + digits;
        }
        String integer = digits.substring(0, digits.length() - scale);
        String fraction = digits.substring(digits.length() - scale);
        integer = integer.replaceFirst("^0+", "");
        integer = "0".repeat((4 - integer.length() % 4) % 4) + integer;
        fraction = fraction + "0".repeat((4 - fraction.length() % 4) % 4);
        String all = integer + fraction;
        short[] groups = new short[all.length() / 4];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = Short.parseShort(all.substring(4 * i, 4 * i + 4));
        }
        int weight = integer.length() / 4 - 1;
        int first = 0;
        while (first < groups.length && groups[first] == 0) {
            first++;
            weight--;
        }
        int last = groups.length;
        while (last > first && groups[last - 1] == 0) {
            last--;
        }
        int n = last - first;
        int32(8 + 2 * n);
        int16(n);
        int16(n == 0 ? 0 : weight);
        int16(d.signum() < 0 && n > 0 ? 0x4000 : 0);
        int16(scale);
        for (int i = first; i < last; i++) {
            int16(groups[i]);
        }
    }

    private void bytes(byte[] b) {
        int32(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void int16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int32(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}

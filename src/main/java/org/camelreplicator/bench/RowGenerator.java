package org.camelreplicator.bench;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.copy.CopyBinaryEncoder;

/**
 * The bench's rows: row {@code i}'s values, the same in every mode, by the target column's type.
 * Deterministic (a seeded pool of strings per column, numbers from the row number), generated as
 * each mode asks for them, so memory does not grow with --records. Nullable columns hold NULL in
 * one row of ten.
 */
final class RowGenerator {

    private static final Pattern MODIFIERS = Pattern.compile("\\((\\d+)(?:\\s*,\\s*(\\d+))?\\)");
    private static final LocalDateTime START = LocalDateTime.of(2020, 1, 1, 0, 0);
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 ";
    private static final int POOL = 1024;

    private final Column[] columns;

    /** One column's generator. */
    private interface Value {
        Object at(long row);
    }

    private record Column(Value value, boolean nullable) {
    }

    /**
     * @param names    the columns, for errors
     * @param types    the target columns' PostgreSQL types
     * @param nullable whether each column may be NULL
     * @param shape    what the shape is (the --like table), for errors
     */
    RowGenerator(List<String> names, List<String> types, List<Boolean> nullable, String shape) {
        columns = new Column[types.size()];
        for (int i = 0; i < columns.length; i++) {
            Value value = value(types.get(i), new Random(31L * i + 7));
            if (value == null) {
                throw new InvalidSettingException("--like", "The bench cannot generate values of type " + types.get(i) + " (column "
                        + names.get(i) + " of " + shape + "); it generates integers, numeric, real and double, boolean, text,"
                        + " varchar, char, date, time, timestamp, timestamptz, uuid and bytea. Choose another table with --like,"
                        + " or leave --like out for the built-in sample.");
            }
            columns[i] = new Column(value, nullable.get(i));
        }
    }

    /** Row {@code row}'s values (0-based). */
    Object[] row(long row) {
        Object[] values = new Object[columns.length];
        for (int i = 0; i < values.length; i++) {
            Column c = columns[i];
            values[i] = c.nullable && (row + i) % 10 == 3 ? null : c.value.at(row);
        }
        return values;
    }

    private static Value value(String type, Random random) {
        Matcher m = MODIFIERS.matcher(type);
        Integer size = m.find() ? Integer.valueOf(m.group(1)) : null;
        Integer scale = size != null && m.group(2) != null ? Integer.valueOf(m.group(2)) : null;
        return switch (CopyBinaryEncoder.baseType(type)) {
            case "smallint" -> row -> (short) (row % 30_000);
            case "integer" -> row -> (int) (row * 7919 % 1_000_000_000L);
            case "bigint" -> row -> row + 1;
            case "real" -> row -> (float) (row % 100_000) / 4;
            case "double precision" -> row -> (double) row / 8;
            case "numeric" -> {
                int s = scale != null ? scale : size != null ? 0 : 2;
                int integerDigits = Math.min(size != null ? size - s : 10, 15);
                long bound = (long) Math.pow(10, Math.max(integerDigits, 0)) * (long) Math.pow(10, Math.min(s, 3));
                yield row -> BigDecimal.valueOf(row * 104_729 % Math.max(bound, 1), Math.min(s, 3)).setScale(s);
            }
            case "boolean" -> row -> row % 2 == 0;
            case "date" -> row -> START.toLocalDate().plusDays(row % 3650);
            case "timestamp without time zone" -> row -> START.plusSeconds(row * 37);
            case "timestamp with time zone" -> row -> OffsetDateTime.of(START.plusSeconds(row * 37), ZoneOffset.UTC);
            case "time without time zone" -> row -> LocalTime.ofSecondOfDay(row % 86_400);
            case "uuid" -> row -> new UUID(0x5eed_0000_0000_4000L | row >>> 48, 0x8000_0000_0000_0000L | row);
            case "bytea" -> row -> new byte[] {(byte) row, (byte) (row >>> 8), (byte) (row >>> 16), (byte) (row >>> 24), 1, 2, 3, 4};
            case "character" -> size != null && size == 36
                    ? row -> new UUID(0x5eed_0000_0000_4000L | row >>> 48, 0x8000_0000_0000_0000L | row).toString()
                    : pool(random, size != null ? size : 1, size != null ? size : 1);
            case "character varying" -> pool(random, Math.min(size != null ? size : 40, 10), Math.min(size != null ? size : 40, 40));
            case "text" -> pool(random, 50, 150);
            default -> null;
        };
    }

    /** Strings of {@code min} to {@code max} characters from a pool, picked by row. */
    private static Value pool(Random random, int min, int max) {
        String[] pool = new String[POOL];
        for (int p = 0; p < POOL; p++) {
            int n = min + random.nextInt(max - min + 1);
            StringBuilder sb = new StringBuilder(n);
            for (int k = 0; k < n; k++) {
                sb.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
            }
            pool[p] = sb.toString();
        }
        return row -> pool[(int) (row * 31 % POOL)];
    }
}

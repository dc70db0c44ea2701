package org.camelreplicator.plan;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/**
 * Chunk boundary values as strings that keep their type ({@code l:42}, {@code s:abc},
 * {@code u:...}, {@code D:2024-01-01}), so the ledger can store a boundary and a resumed run binds
 * exactly the value the plan read, with the type the source compares it as.
 */
public final class KeyValues {

    private KeyValues() {
    }

    public static String encode(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return "l:" + value;
        }
        if (value instanceof BigDecimal d) {
            return "d:" + d.toPlainString();
        }
        if (value instanceof String s) {
            return "s:" + s;
        }
        if (value instanceof UUID u) {
            return "u:" + u;
        }
        if (value instanceof LocalDate d) {
            return "D:" + d;
        }
        if (value instanceof LocalDateTime t) {
            return "T:" + t;
        }
        if (value instanceof Timestamp t) {
            return "T:" + t.toLocalDateTime();
        }
        if (value instanceof java.sql.Date d) {
            return "D:" + d.toLocalDate();
        }
        if (value instanceof OffsetDateTime t) {
            return "Z:" + t.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof Boolean b) {
            return "b:" + b;
        }
        if (value instanceof byte[] bytes) {
            return "x:" + Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Double || value instanceof Float) {
            return "f:" + value;
        }
        throw new IllegalArgumentException("A key of type " + value.getClass().getName()
                + " cannot bound a chunk; split the table by another column or copy it as one chunk");
    }

    /** An encoded value as a user reads it (logs, status, dry runs): without its type tag; null stays null. */
    public static String text(String encoded) {
        return encoded == null ? null : encoded.substring(2);
    }

    public static Object decode(String encoded) {
        String v = encoded.substring(2);
        return switch (encoded.charAt(0)) {
            case 'l' -> Long.parseLong(v);
            case 'd' -> new BigDecimal(v);
            case 's' -> v;
            case 'u' -> UUID.fromString(v);
            case 'D' -> LocalDate.parse(v);
            case 'T' -> LocalDateTime.parse(v);
            case 'Z' -> OffsetDateTime.parse(v);
            case 'b' -> Boolean.parseBoolean(v);
            case 'x' -> Base64.getDecoder().decode(v);
            case 'f' -> Double.parseDouble(v);
            default -> throw new IllegalArgumentException("Unknown chunk boundary value " + encoded);
        };
    }
}

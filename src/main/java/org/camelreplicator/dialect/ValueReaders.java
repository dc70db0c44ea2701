package org.camelreplicator.dialect;

import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;

import org.camelreplicator.catalog.ColumnSpec;

/** The standard JDBC readers, by {@link Types} code; dialects use them unless the engine needs otherwise. */
public final class ValueReaders {

    public static final ValueReader STRING = ResultSet::getString;
    public static final ValueReader BYTES = ResultSet::getBytes;
    public static final ValueReader DECIMAL = ResultSet::getBigDecimal;
    public static final ValueReader LONG = (rs, i) -> {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    };
    public static final ValueReader INT = (rs, i) -> {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    };
    public static final ValueReader DOUBLE = (rs, i) -> {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    };
    public static final ValueReader FLOAT = (rs, i) -> {
        float v = rs.getFloat(i);
        return rs.wasNull() ? null : v;
    };
    public static final ValueReader BOOLEAN = (rs, i) -> {
        boolean v = rs.getBoolean(i);
        return rs.wasNull() ? null : v;
    };
    // java.time types avoid the JVM time zone and the Julian calendar that java.sql.Date applies
    public static final ValueReader DATE = (rs, i) -> rs.getObject(i, LocalDate.class);
    public static final ValueReader TIME = (rs, i) -> rs.getObject(i, LocalTime.class);
    public static final ValueReader TIME_TZ = (rs, i) -> rs.getObject(i, OffsetTime.class);
    public static final ValueReader TIMESTAMP = (rs, i) -> rs.getObject(i, LocalDateTime.class);
    public static final ValueReader TIMESTAMP_TZ = (rs, i) -> rs.getObject(i, OffsetDateTime.class);
    public static final ValueReader CLOB = (rs, i) -> {
        Clob clob = rs.getClob(i);
        if (clob == null) {
            return null;
        }
        try {
            return clob.getSubString(1, Math.toIntExact(clob.length()));
        } finally {
            clob.free();
        }
    };
    public static final ValueReader BLOB = (rs, i) -> {
        Blob blob = rs.getBlob(i);
        if (blob == null) {
            return null;
        }
        try {
            return blob.getBytes(1, Math.toIntExact(blob.length()));
        } finally {
            blob.free();
        }
    };
    public static final ValueReader OBJECT = ResultSet::getObject;

    private ValueReaders() {
    }

    public static ValueReader forJdbcType(ColumnSpec column) {
        return switch (column.jdbcType()) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR -> STRING;
            case Types.CLOB, Types.NCLOB -> CLOB;
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> INT;
            case Types.BIGINT -> LONG;
            case Types.DECIMAL, Types.NUMERIC -> DECIMAL;
            case Types.REAL -> FLOAT;
            case Types.FLOAT, Types.DOUBLE -> DOUBLE;
            case Types.BIT, Types.BOOLEAN -> BOOLEAN;
            case Types.DATE -> DATE;
            case Types.TIME -> TIME;
            case Types.TIME_WITH_TIMEZONE -> TIME_TZ;
            case Types.TIMESTAMP -> TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMP_TZ;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> BYTES;
            case Types.BLOB -> BLOB;
            default -> OBJECT;
        };
    }
}

package org.camelreplicator.dialect;

import java.sql.Types;
import java.util.Locale;
import java.util.Set;

import org.camelreplicator.catalog.ColumnSpec;

/**
 * The PostgreSQL type that holds a column described only by its JDBC type code and size: the
 * fallback every source dialect starts from before applying what it knows about its own type names.
 */
public final class PostgresTypes {

    /** PostgreSQL's limit for varchar(n) and char(n). */
    static final int MAX_LENGTH = 10_485_760;
    /** PostgreSQL's limit for numeric precision. */
    static final int MAX_NUMERIC_PRECISION = 1000;

    /** SQL key words PostgreSQL reserves (Appendix C, "reserved" and "reserved (can be function or type)"). */
    public static final Set<String> RESERVED = Set.of(
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
            "binary", "both", "case", "cast", "check", "collate", "collation", "column", "concurrently",
            "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
            "current_schema", "current_time", "current_timestamp", "current_user", "default", "deferrable",
            "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze",
            "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect",
            "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
            "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order",
            "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
            "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then",
            "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when",
            "where", "window", "with");

    private PostgresTypes() {
    }

    public static String fromJdbc(ColumnSpec c) {
        return switch (c.jdbcType()) {
            case Types.BIT, Types.BOOLEAN -> c.size() > 1 && c.jdbcType() == Types.BIT ? "bit varying(" + c.size() + ")" : "boolean";
            case Types.TINYINT, Types.SMALLINT -> "smallint";
            case Types.INTEGER -> "integer";
            case Types.BIGINT -> "bigint";
            case Types.REAL -> "real";
            case Types.FLOAT, Types.DOUBLE -> "double precision";
            case Types.DECIMAL, Types.NUMERIC -> numeric(c.size(), c.scale());
            case Types.CHAR, Types.NCHAR -> sized("char", c.size());
            case Types.VARCHAR, Types.NVARCHAR -> sized("varchar", c.size());
            case Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB, Types.SQLXML -> "text";
            case Types.DATE -> "date";
            case Types.TIME -> "time";
            case Types.TIME_WITH_TIMEZONE -> "time with time zone";
            case Types.TIMESTAMP -> "timestamp";
            case Types.TIMESTAMP_WITH_TIMEZONE -> "timestamp with time zone";
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> "bytea";
            default -> byName(c.typeName());
        };
    }

    /** numeric(p,s) when the source declared a precision PostgreSQL accepts, unconstrained numeric otherwise. */
    public static String numeric(int precision, int scale) {
        if (precision <= 0 || precision > MAX_NUMERIC_PRECISION || scale < 0 || scale > precision) {
            return "numeric";
        }
        return "numeric(" + precision + "," + scale + ")";
    }

    /** {@code name(n)} for a length PostgreSQL accepts, {@code text} when unbounded or too long. */
    public static String sized(String name, int length) {
        if (length <= 0 || length > MAX_LENGTH) {
            return "text";
        }
        return name + "(" + length + ")";
    }

    private static String byName(String typeName) {
        String t = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "uuid" -> "uuid";
            case "json" -> "json";
            case "jsonb" -> "jsonb";
            case "interval" -> "interval";
            default -> "text";
        };
    }
}

package org.camelreplicator.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;

/**
 * An engine read as a source: what a load does not carry, streaming reads, value readers for the copy and for watermarks,
 * and the mapping of its types, defaults and checks to PostgreSQL's.
 */
public interface SourceDialect extends EngineDialect {
    /**
     * The plain views of a schema with their SQL as this engine writes it, in the order they were
     * created, for replicator.copy-views; null when the engine's view SQL is not portable to a
     * PostgreSQL target (only a PostgreSQL source's is).
     */
    default List<ViewSpec> views(Connection c, String schema) throws SQLException {
        return null;
    }

    /** A view of the source: its name and the query that defines it, with the schema's own tables unqualified. */
    record ViewSpec(String name, String query) {
    }

    /**
     * A PostGIS geometry of this column's stored value on a PostgreSQL target, for a spatial index
     * over it, or null when the source stores no geometry this way.
     *
     * @param targetColumn the target column, quoted for the target
     */
    default String postgisGeometry(ColumnSpec column, String targetColumn) {
        return null;
    }

    /** The table's size on disk as the engine reports it, or -1 when it does not say. */
    default long estimatedBytes(Connection c, TableSpec table) throws SQLException {
        return -1;
    }

    /** How a column is written in the chunk's SELECT; engines with types JDBC cannot read convert them here. */
    default String selectExpression(ColumnSpec column) {
        return quote(column.name());
    }

    /**
     * How a value is read for a column transform: as the Java value its type stands for (Integer,
     * BigDecimal, LocalDate...), which the transform's expressions and lookups work with. The same as
     * {@link #reader} unless the dialect reads values as text for the COPY path.
     */
    default ValueReader transformReader(ColumnSpec column) {
        return reader(column);
    }

    /** The PostgreSQL type that holds every value of this source column without change. */
    default String postgresType(ColumnSpec column) {
        return PostgresTypes.fromJdbc(column);
    }

    /**
     * A CHECK constraint that keeps the target column to the values the source type allows (a
     * MySQL enum's labels), or null.
     *
     * @param targetColumn the target column, quoted for the target
     */
    default String postgresCheck(ColumnSpec column, String targetColumn) {
        return null;
    }

    /** A column default that means the same on PostgreSQL, or null when it does not translate. */
    default String postgresDefault(ColumnSpec column) {
        return Defaults.portable(column.defaultValue());
    }

    /**
     * Reads a watermark value with its type (a timestamp as a date-time, an id as a number), also
     * where {@link #reader} passes values on as text.
     */
    default ValueReader watermarkReader(ColumnSpec column) {
        return ValueReaders.forJdbcType(column);
    }

    /**
     * A change marker the engine keeps itself, named as a table's watermark (PostgreSQL's
     * {@code xmin}, a SQL Server rowversion column), or empty for an ordinary column.
     */
    default java.util.Optional<SystemWatermark> systemWatermark(TableSpec table, String watermark) {
        return java.util.Optional.empty();
    }
}

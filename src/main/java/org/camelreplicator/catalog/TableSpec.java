package org.camelreplicator.catalog;

import java.util.List;
import java.util.Optional;

/**
 * One source table: its columns in order, its primary key and the engine's row estimate.
 *
 * @param catalog       the JDBC catalog (MySQL database), or null
 * @param schema        the schema, or null for engines without schemas (SQLite)
 * @param name          the table name exactly as the source spells it
 * @param columns       columns in ordinal order
 * @param primaryKey    primary key column names in key order; empty when the table has none
 * @param indexes       secondary indexes (built after the data)
 * @param foreignKeys   foreign keys (added after the data)
 * @param prerequisites DDL a target of the same engine needs before the table (enum and domain types)
 * @param estimatedRows the engine's estimate, or -1 when it keeps none
 */
public record TableSpec(String catalog, String schema, String name, List<ColumnSpec> columns,
                        List<String> primaryKey, List<IndexSpec> indexes, List<ForeignKeySpec> foreignKeys,
                        List<String> prerequisites, long estimatedRows) {

    public TableSpec {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        indexes = List.copyOf(indexes);
        foreignKeys = List.copyOf(foreignKeys);
        prerequisites = List.copyOf(prerequisites);
    }

    /** A table as the columns and key describe it, before its indexes and foreign keys are read. */
    public TableSpec(String catalog, String schema, String name, List<ColumnSpec> columns, List<String> primaryKey,
                     long estimatedRows) {
        this(catalog, schema, name, columns, primaryKey, List.of(), List.of(), List.of(), estimatedRows);
    }

    /** {@code schema.name}, or just the name when there is no schema; how users name tables. */
    public String qualifiedName() {
        return schema == null || schema.isEmpty() ? name : schema + "." + name;
    }

    public Optional<ColumnSpec> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public TableSpec withEstimatedRows(long rows) {
        return new TableSpec(catalog, schema, name, columns, primaryKey, indexes, foreignKeys, prerequisites, rows);
    }

    public TableSpec withIndexesAndForeignKeys(List<IndexSpec> newIndexes, List<ForeignKeySpec> newForeignKeys,
                                               List<String> newPrerequisites) {
        return new TableSpec(catalog, schema, name, columns, primaryKey, newIndexes, newForeignKeys, newPrerequisites, estimatedRows);
    }
}

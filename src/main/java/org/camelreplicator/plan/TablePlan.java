package org.camelreplicator.plan;

import java.util.List;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.SourceDialect;

/**
 * One table of a run: the source table as the catalog describes it and the names it gets on the
 * target.
 *
 * @param order         position in the run's plan (0 first)
 * @param source        the source table
 * @param targetSchema  target schema, or null for the target's default
 * @param targetName    target table name
 * @param targetColumns target column names, in the order of {@code source.columns()}
 * @param settings      the per-table settings that name this table, resolved against the source catalog
 * @param names         the names of its primary key, sequences, indexes and foreign keys on the target
 */
public record TablePlan(int order, TableSpec source, String targetSchema, String targetName, List<String> targetColumns,
                        TableSettings settings, GeneratedNames names) {

    public TablePlan {
        targetColumns = List.copyOf(targetColumns);
        if (targetColumns.size() != source.columns().size()) {
            throw new IllegalArgumentException("column names do not match the columns of " + source.qualifiedName());
        }
    }

    /** A plan that reads or writes rows only (no settings of its own, creates nothing). */
    public TablePlan(int order, TableSpec source, String targetSchema, String targetName, List<String> targetColumns) {
        this(order, source, targetSchema, targetName, targetColumns, TableSettings.NONE, GeneratedNames.NONE);
    }

    /**
     * The source table as it is read: {@link #source()}, or for a table with a column transform the
     * source's own columns ({@link ColumnTransform#source()}), which the transform turns into the rows
     * {@link #source()} describes.
     */
    public TableSpec read() {
        return settings.transform() == null ? source : settings.transform().source();
    }

    /** The table's column transform, or null: its rows are written as they are read. */
    public ColumnTransform transform() {
        return settings.transform();
    }

    /** The name the ledger, the logs and the user know the table by: the source's schema.table. */
    public String id() {
        return source.qualifiedName();
    }

    /**
     * The rows of the source this table's copy holds, as a condition in the source's SQL
     * ({@link RowFilter}), or an empty string for every row. Every read of the table's source rows
     * ANDs it with its own range ({@link RowFilter#and}).
     */
    public String sourceFilter(SourceDialect dialect) {
        return settings.rowFilter() == null ? "" : settings.rowFilter().condition(dialect);
    }

    public String targetColumn(String sourceColumn) {
        List<ColumnSpec> cols = source.columns();
        for (int i = 0; i < cols.size(); i++) {
            if (cols.get(i).name().equals(sourceColumn)) {
                return targetColumns.get(i);
            }
        }
        throw new IllegalArgumentException("no column " + sourceColumn + " in " + source.qualifiedName());
    }

    public String targetQualifiedName() {
        return targetSchema == null ? targetName : targetSchema + "." + targetName;
    }

    public TablePlan withOrder(int newOrder) {
        return new TablePlan(newOrder, source, targetSchema, targetName, targetColumns, settings, names);
    }

    /** The same rows written into a partition of the table (replicator.table.<t>.partition-by), named so in the target schema. */
    public TablePlan inPartition(String partition) {
        return new TablePlan(order, source, targetSchema, partition, targetColumns, settings, names);
    }

    /** The same rows written into a session (staging) table of that name instead, as sync does. */
    public TablePlan stagedIn(String sessionTable) {
        return new TablePlan(order, source, null, sessionTable, targetColumns, settings, GeneratedNames.NONE);
    }
}

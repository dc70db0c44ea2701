package org.camelreplicator.catalog;

import java.util.List;

/**
 * A foreign key of a source table.
 *
 * @param name              the source's name for it, for messages
 * @param columns           the referencing columns, in key order
 * @param referencedSchema  the referenced table's schema (or null)
 * @param referencedTable   the referenced table
 * @param referencedColumns the referenced columns, in key order
 * @param onUpdate          CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION
 * @param onDelete          the same, on delete
 */
public record ForeignKeySpec(String name, List<String> columns, String referencedSchema, String referencedTable,
                             List<String> referencedColumns, String onUpdate, String onDelete) {

    public ForeignKeySpec {
        columns = List.copyOf(columns);
        referencedColumns = List.copyOf(referencedColumns);
    }

    /** {@code schema.table} of the referenced table, as TableSpec.qualifiedName() spells it. */
    public String referencedQualifiedName() {
        return referencedSchema == null || referencedSchema.isEmpty() ? referencedTable : referencedSchema + "." + referencedTable;
    }
}

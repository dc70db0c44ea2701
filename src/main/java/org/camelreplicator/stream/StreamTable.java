package org.camelreplicator.stream;

import java.util.List;
import java.util.Set;

import org.camelreplicator.plan.TablePlan;

/**
 * A table the stream keeps in step: its plan (as a load plans it), its key, and the key's types on
 * either side, which the reads and deletes by key cast to.
 *
 * @param plan        the table and its target names
 * @param key         the primary key's source columns, in key order
 * @param sourceTypes each key column's source type name
 * @param targetTypes each key column's target type (format_type)
 * @param columns     the source columns the stream was planned with: an event with another column
 *                    means the source table changed under the stream
 */
record StreamTable(TablePlan plan, List<String> key, List<String> sourceTypes, List<String> targetTypes, Set<String> columns) {

    String id() {
        return plan.id();
    }

    /** The key as the change events' source block names the table: schema.table (PostgreSQL, SQL Server), database.table (MariaDB). */
    String eventName() {
        String container = plan.source().schema() != null ? plan.source().schema() : plan.source().catalog();
        return container + "." + plan.source().name();
    }

    List<String> targetKey() {
        return key.stream().map(plan::targetColumn).toList();
    }

    @Override
    public String toString() {
        return id();
    }
}

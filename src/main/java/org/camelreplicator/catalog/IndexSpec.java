package org.camelreplicator.catalog;

import java.util.List;

/**
 * A secondary index of a source table (the primary key's own index is not one).
 *
 * @param name    the source's name for it, for messages; the target gets a name by PostgreSQL's convention
 * @param unique  whether it is a unique index
 * @param columns its columns in index order
 */
public record IndexSpec(String name, boolean unique, List<String> columns) {

    public IndexSpec {
        columns = List.copyOf(columns);
    }
}

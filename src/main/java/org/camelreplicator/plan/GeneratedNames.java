package org.camelreplicator.plan;

import java.util.Map;

import org.camelreplicator.catalog.ForeignKeySpec;
import org.camelreplicator.catalog.IndexSpec;

/**
 * The names of what a table brings to the target besides itself and its columns, chosen by the plan
 * ({@code schema.TargetNames}) rather than left to the engine: unique in the target schema, within
 * its identifier limit, and the same in every run, so a resumed run's {@code IF NOT EXISTS} finds
 * what an earlier attempt built.
 *
 * @param primaryKey  the primary key constraint, or null when the table has none
 * @param sequences   source column -> the sequence behind its identity
 * @param indexes     secondary index -> its name
 * @param foreignKeys foreign key -> its constraint name
 */
public record GeneratedNames(String primaryKey, Map<String, String> sequences, Map<IndexSpec, String> indexes,
                             Map<ForeignKeySpec, String> foreignKeys) {

    /** For plans that only read or write rows (staging, key comparison): they create nothing. */
    public static final GeneratedNames NONE = new GeneratedNames(null, Map.of(), Map.of(), Map.of());

    public GeneratedNames {
        sequences = Map.copyOf(sequences);
        indexes = Map.copyOf(indexes);
        foreignKeys = Map.copyOf(foreignKeys);
    }

    public String sequence(String sourceColumn) {
        return named(sequences.get(sourceColumn), "identity sequence of column " + sourceColumn);
    }

    public String index(IndexSpec index) {
        return named(indexes.get(index), "index " + index.name());
    }

    public String foreignKey(ForeignKeySpec foreignKey) {
        return named(foreignKeys.get(foreignKey), "foreign key " + foreignKey.name());
    }

    private static String named(String name, String what) {
        if (name == null) {
            throw new IllegalStateException("The plan chose no name for the " + what);
        }
        return name;
    }
}

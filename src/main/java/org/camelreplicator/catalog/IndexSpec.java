package org.camelreplicator.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A secondary index of a source table (the primary key's own index is not one).
 *
 * @param name          the source's name for it, for messages; the target gets a name by PostgreSQL's convention
 * @param unique        whether it is a unique index
 * @param columns       its columns in index order; for an {@link Kind#EXPRESSION} index what the driver
 *                      reported for each key part (an expression, or null)
 * @param kind          what kind of index the source built
 * @param prefixLengths per column, the length of the prefix the index covers (MySQL's {@code KEY (title(20))}),
 *                      0 for the whole value
 */
public record IndexSpec(String name, boolean unique, List<String> columns, Kind kind, List<Integer> prefixLengths) {

    /** What kind of index the source built; the target builds each by a documented rule or leaves it out. */
    public enum Kind {
        /** an ordinary index over whole columns or column prefixes */
        PLAIN,
        /** a full-text index (MySQL FULLTEXT) */
        FULLTEXT,
        /** an index over geometries (MySQL SPATIAL, SQL Server spatial) */
        SPATIAL,
        /** an index over expressions, not only columns */
        EXPRESSION,
        /** an index over some rows only ({@code WHERE ...}, SQL Server's filtered indexes) */
        PARTIAL,
        /** an index of a kind the target has nothing like (SQL Server XML and columnstore indexes) */
        OTHER
    }

    public IndexSpec {
        columns = Collections.unmodifiableList(new ArrayList<>(columns)); // an expression key part may be null
        prefixLengths = prefixLengths == null ? Collections.nCopies(columns.size(), 0) : List.copyOf(prefixLengths);
        if (prefixLengths.size() != columns.size()) {
            throw new IllegalArgumentException("index " + name + ": " + prefixLengths.size() + " prefix lengths for "
                    + columns.size() + " columns");
        }
    }

    /** An ordinary index over whole columns. */
    public IndexSpec(String name, boolean unique, List<String> columns) {
        this(name, unique, columns, Kind.PLAIN, null);
    }

    public IndexSpec withKind(Kind newKind) {
        return new IndexSpec(name, unique, columns, newKind, prefixLengths);
    }

    public IndexSpec withPrefixLengths(List<Integer> lengths) {
        return new IndexSpec(name, unique, columns, kind, lengths);
    }

    /** Whether some column is indexed by a prefix of its value only. */
    public boolean hasPrefixes() {
        return prefixLengths.stream().anyMatch(n -> n > 0);
    }
}

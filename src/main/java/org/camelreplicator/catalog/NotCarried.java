package org.camelreplicator.catalog;

/**
 * Something of the source that a load does not carry to the target, for the run's summary, the dry
 * run and the run report: a view, a trigger, a routine, a MySQL {@code ON UPDATE} clause, a check
 * constraint, a comment, or an index the target cannot build as the source meant.
 *
 * @param kind   what it is
 * @param table  the source table it belongs to, or null for objects of the schema itself (views, routines)
 * @param name   its name: the view, trigger, routine, constraint or index; the column of an ON UPDATE
 *               clause or of a column comment; null for a table's own comment
 * @param reason why it is left out, when there is more to say than its kind (an index), or null
 */
public record NotCarried(Kind kind, String table, String name, String reason) {

    public enum Kind {
        VIEW("views"),
        TRIGGER("triggers"),
        ROUTINE("routines"),
        ON_UPDATE("ON UPDATE clauses"),
        CHECK("check constraints"),
        COMMENT("comments"),
        EXPRESSION_INDEX("expression indexes"),
        PARTIAL_INDEX("partial indexes"),
        FULLTEXT_INDEX("full-text indexes"),
        SPATIAL_INDEX("spatial indexes"),
        OTHER_INDEX("other indexes");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** How the report names the kind, in the plural: "views", "ON UPDATE clauses". */
        public String label() {
            return label;
        }
    }

    public NotCarried(Kind kind, String table, String name) {
        this(kind, table, name, null);
    }

    /** {@code table.name}, or whichever of the two there is. */
    public String label() {
        if (table == null) {
            return name;
        }
        return name == null ? table : table + "." + name;
    }
}

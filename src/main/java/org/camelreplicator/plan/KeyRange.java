package org.camelreplicator.plan;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The rows of one chunk, as a condition on source key columns. The same range renders against the
 * source (to read the chunk) and against the target (to delete what a chunk wrote), so it is
 * written in terms of source column names and a function that quotes them for either side.
 * Stored in the ledger as JSON so a resumed run re-reads exactly the same rows.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = KeyRange.WholeTable.class, name = "all"),
        @JsonSubTypes.Type(value = KeyRange.IntegerRange.class, name = "int")
})
public sealed interface KeyRange {

    /**
     * A SQL condition, or an empty string for all rows.
     *
     * @param quoteColumn renders a source column name for the side the SQL runs on
     * @param value       renders a bound value: {@code v -> "?"} for a prepared statement (then bind
     *                    {@link #parameters()} in order), or a literal where parameters cannot be bound
     */
    String condition(UnaryOperator<String> quoteColumn, Function<Object, String> value);

    /** The values of the condition, in the order it uses them. */
    List<Object> parameters();

    /** How the range reads in logs, status and errors. */
    String describe();

    /** Every row: tables without a key that can be split. */
    record WholeTable() implements KeyRange {
        @Override
        public String condition(UnaryOperator<String> quoteColumn, Function<Object, String> value) {
            return "";
        }

        @Override
        public List<Object> parameters() {
            return List.of();
        }

        @Override
        public String describe() {
            return "all rows";
        }
    }

    /**
     * Rows whose integer key lies in [from, to); a null end is open, so the first and last chunk
     * also take rows below the planned minimum or above the planned maximum.
     */
    record IntegerRange(String column, Long from, Long to) implements KeyRange {
        @Override
        public String condition(UnaryOperator<String> quoteColumn, Function<Object, String> value) {
            String c = quoteColumn.apply(column);
            if (from == null && to == null) {
                return "";
            }
            if (from == null) {
                return c + " < " + value.apply(to);
            }
            if (to == null) {
                return c + " >= " + value.apply(from);
            }
            return c + " >= " + value.apply(from) + " AND " + c + " < " + value.apply(to);
        }

        @Override
        public List<Object> parameters() {
            if (from == null && to == null) {
                return List.of();
            }
            if (from == null) {
                return List.of(to);
            }
            if (to == null) {
                return List.of(from);
            }
            return List.of(from, to);
        }

        @Override
        public String describe() {
            return column + " in [" + (from == null ? "-inf" : from) + ", " + (to == null ? "+inf" : to) + ")";
        }
    }
}

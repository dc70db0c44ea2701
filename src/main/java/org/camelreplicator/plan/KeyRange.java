package org.camelreplicator.plan;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
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
        @JsonSubTypes.Type(value = KeyRange.IntegerRange.class, name = "int"),
        @JsonSubTypes.Type(value = KeyRange.KeysetRange.class, name = "keyset"),
        @JsonSubTypes.Type(value = KeyRange.MonthRange.class, name = "month"),
        @JsonSubTypes.Type(value = KeyRange.NullValues.class, name = "null"),
        @JsonSubTypes.Type(value = KeyRange.Changed.class, name = "changed"),
        @JsonSubTypes.Type(value = KeyRange.Keys.class, name = "keys")
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

    /**
     * Rows whose key tuple (in the key's order, as the source sorts it) lies in [from, to); a null
     * end is open. Boundaries are values the source itself returned, kept typed by {@link KeyValues}.
     * Tuples are compared with ANDs and ORs rather than row values, which SQL Server lacks.
     */
    record KeysetRange(List<String> columns, List<String> from, List<String> to) implements KeyRange {

        public KeysetRange {
            columns = List.copyOf(columns);
            from = from == null ? null : List.copyOf(from);
            to = to == null ? null : List.copyOf(to);
        }

        @Override
        public String condition(UnaryOperator<String> quoteColumn, Function<Object, String> value) {
            List<String> parts = new ArrayList<>();
            if (from != null) {
                parts.add(compare(quoteColumn, value, from, ">", ">="));
            }
            if (to != null) {
                parts.add(compare(quoteColumn, value, to, "<", "<"));
            }
            return String.join(" AND ", parts);
        }

        /** (c1, c2, c3) op (v1, v2, v3) as: c1 s v1 OR (c1 = v1 AND c2 s v2) OR (c1 = v1 AND c2 = v2 AND c3 last v3). */
        private String compare(UnaryOperator<String> quoteColumn, Function<Object, String> value, List<String> bound,
                               String strict, String last) {
            List<String> terms = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                StringBuilder term = new StringBuilder();
                for (int j = 0; j < i; j++) {
                    term.append(quoteColumn.apply(columns.get(j))).append(" = ").append(value.apply(KeyValues.decode(bound.get(j)))).append(" AND ");
                }
                String op = i == columns.size() - 1 ? last : strict;
                term.append(quoteColumn.apply(columns.get(i))).append(' ').append(op).append(' ').append(value.apply(KeyValues.decode(bound.get(i))));
                terms.add(i == 0 ? term.toString() : "(" + term + ")");
            }
            return terms.size() == 1 ? terms.get(0) : "(" + String.join(" OR ", terms) + ")";
        }

        @Override
        public List<Object> parameters() {
            List<Object> params = new ArrayList<>();
            if (from != null) {
                addTupleParameters(params, from);
            }
            if (to != null) {
                addTupleParameters(params, to);
            }
            return params;
        }

        /** The same order the condition uses its values in. */
        private void addTupleParameters(List<Object> params, List<String> bound) {
            for (int i = 0; i < columns.size(); i++) {
                for (int j = 0; j <= i; j++) {
                    params.add(KeyValues.decode(bound.get(j)));
                }
            }
        }

        @Override
        public String describe() {
            return String.join(", ", columns) + " in [" + (from == null ? "-inf" : show(from)) + ", "
                    + (to == null ? "+inf" : show(to)) + ")";
        }

        private static String show(List<String> tuple) {
            List<String> values = tuple.stream().map(KeyValues::text).toList();
            return values.size() == 1 ? values.get(0) : "(" + String.join(", ", values) + ")";
        }
    }

    /**
     * Rows whose date or timestamp column falls in the calendar months [from, to), both the first
     * day of a month; a null end is open. The seed scripts' month-by-month history load.
     */
    record MonthRange(String column, LocalDate from, LocalDate to) implements KeyRange {

        @Override
        public String condition(UnaryOperator<String> quoteColumn, Function<Object, String> value) {
            String c = quoteColumn.apply(column);
            List<String> parts = new ArrayList<>();
            if (from != null) {
                parts.add(c + " >= " + value.apply(from));
            }
            if (to != null) {
                parts.add(c + " < " + value.apply(to));
            }
            // an open range on both ends still excludes NULLs, which have their own chunk
            return parts.isEmpty() ? c + " IS NOT NULL" : String.join(" AND ", parts);
        }

        @Override
        public List<Object> parameters() {
            List<Object> params = new ArrayList<>();
            if (from != null) {
                params.add(from);
            }
            if (to != null) {
                params.add(to);
            }
            return params;
        }

        @Override
        public String describe() {
            if (from != null && to != null && from.plusMonths(1).equals(to)) {
                return column + " in " + YearMonth.from(from);
            }
            return column + " in [" + (from == null ? "-inf" : YearMonth.from(from)) + ", "
                    + (to == null ? "+inf" : YearMonth.from(to)) + ")";
        }
    }

    /** Rows where the split column is NULL: a month split leaves none behind. */
    record NullValues(String column) implements KeyRange {

        @Override
        public String condition(UnaryOperator<String> quoteColumn, Function<Object, String> value) {
            return quoteColumn.apply(column) + " IS NULL";
        }

        @Override
        public List<Object> parameters() {
            return List.of();
        }

        @Override
        public String describe() {
            return column + " is null";
        }
    }

    /**
     * Rows whose watermark is above a value and, for one window of a catch-up, not above another:
     * what sync reads. The watermark is a column, or an expression of the source's own change marker
     * (PostgreSQL {@code xmin}); a null {@code after} means every row (a table sync has no watermark
     * for yet), a null {@code upTo} no upper bound.
     *
     * @param column     the watermark column, as the user named it
     * @param expression the SQL the source compares, or null for the quoted column
     * @param after      the value, a {@link KeyValues} string, or null
     * @param upTo       the window's last value, a {@link KeyValues} string, or null
     */
    record Changed(String column, String expression, String after, String upTo) implements KeyRange {

        @Override
        public String condition(UnaryOperator<String> quoteColumn, Function<Object, String> value) {
            String watermark = expression == null ? quoteColumn.apply(column) : expression;
            List<String> parts = new ArrayList<>();
            if (after != null) {
                parts.add(watermark + " > " + value.apply(KeyValues.decode(after)));
            }
            if (upTo != null) {
                parts.add(watermark + " <= " + value.apply(KeyValues.decode(upTo)));
            }
            return String.join(" AND ", parts);
        }

        @Override
        public List<Object> parameters() {
            List<Object> values = new ArrayList<>();
            if (after != null) {
                values.add(KeyValues.decode(after));
            }
            if (upTo != null) {
                values.add(KeyValues.decode(upTo));
            }
            return values;
        }

        @Override
        public String describe() {
            if (after == null) {
                return "all rows (no watermark yet)";
            }
            return column + " > " + KeyValues.text(after) + (upTo == null ? "" : " and <= " + KeyValues.text(upTo));
        }
    }

    /**
     * The rows whose key is one of these (stream: the keys a batch of changes touched). Each value is
     * the key column's text and is compared as the source column's type ({@code CAST(v AS type)}), so a
     * key given as text finds an integer, uuid or timestamp key through its index.
     *
     * @param columns the key columns, in key order
     * @param types   each key column's type to CAST the key's text to on the source (a PostgreSQL type name, a MariaDB
     *                CAST type such as SIGNED), or null where the text is compared as it is
     * @param keys    the key tuples, each in key order; not empty
     */
    record Keys(List<String> columns, List<String> types, List<List<String>> keys) implements KeyRange {

        public Keys {
            columns = List.copyOf(columns);
            types = java.util.Collections.unmodifiableList(new ArrayList<>(types));
            keys = keys.stream().map(List::copyOf).toList();
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("no keys");
            }
        }

        @Override
        public String condition(UnaryOperator<String> quoteColumn, Function<Object, String> value) {
            List<String> tuples = new ArrayList<>(keys.size());
            for (List<String> key : keys) {
                List<String> values = new ArrayList<>(columns.size());
                for (int i = 0; i < columns.size(); i++) {
                    // no type: compared as the text it is (a MariaDB string key, in the column's own collation)
                    values.add(types.get(i) == null ? value.apply(key.get(i)) : "CAST(" + value.apply(key.get(i)) + " AS " + types.get(i) + ")");
                }
                tuples.add(columns.size() == 1 ? values.get(0) : "(" + String.join(", ", values) + ")");
            }
            String left = columns.size() == 1 ? quoteColumn.apply(columns.get(0))
                    : "(" + String.join(", ", columns.stream().map(quoteColumn).toList()) + ")";
            return left + " IN (" + String.join(", ", tuples) + ")";
        }

        @Override
        public List<Object> parameters() {
            List<Object> values = new ArrayList<>();
            keys.forEach(values::addAll);
            return values;
        }

        @Override
        public String describe() {
            return keys.size() + " changed key(s) of " + String.join(", ", columns);
        }
    }
}

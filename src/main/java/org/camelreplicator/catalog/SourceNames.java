package org.camelreplicator.catalog;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.camelreplicator.config.InvalidSettingException;

/**
 * How a name given in a setting finds the source table or column it means, the same for every
 * setting (--tables, --exclude, --start-from-table, per-table settings, watermarks, keys, split
 * columns, casts, target names): the name exactly as the source spells it first; else the one
 * name that matches when case is ignored ({@code ordered_at} finds H2's {@code ORDERED_AT}); a name
 * that matches several when case is ignored is an error that names the setting and the candidates.
 * Whatever is found is then used with the source's spelling, so every query quotes the real name.
 */
public final class SourceNames {

    private SourceNames() {
    }

    /** The table {@code name} ({@code table} or {@code schema.table}) means, or empty when none matches. */
    public static Optional<TableSpec> table(Collection<TableSpec> tables, String name, String setting) {
        return find(tables, name, t -> List.of(t.qualifiedName(), t.name()), TableSpec::qualifiedName, "table", setting);
    }

    /** The table {@code name} means; none is an error that lists the source's tables. */
    public static TableSpec requireTable(Collection<TableSpec> tables, String name, String setting) {
        return table(tables, name, setting).orElseThrow(() -> new InvalidSettingException(setting,
                "Unknown table in " + setting + ": " + name + ". " + tableNames(tables)));
    }

    /** "The source has: a, b, ...": what a name that matched no table could have meant. */
    public static String tableNames(Collection<TableSpec> tables) {
        List<String> shown = tables.stream().map(TableSpec::qualifiedName).sorted().limit(30).toList();
        return "The source has: " + (shown.isEmpty() ? "no tables in the selected schema" : String.join(", ", shown))
                + (tables.size() > shown.size() ? ", ..." : "") + ".";
    }

    /** The column of {@code table} that {@code name} means, or empty when none matches. */
    public static Optional<ColumnSpec> column(TableSpec table, String name, String setting) {
        return find(table.columns(), name, c -> List.of(c.name()), ColumnSpec::name, "column of table " + table.qualifiedName(), setting);
    }

    /** The column {@code name} means; none is an error that lists the table's columns. */
    public static ColumnSpec requireColumn(TableSpec table, String name, String setting) {
        return column(table, name, setting).orElseThrow(() -> new InvalidSettingException(setting, "Table " + table.qualifiedName()
                + " has no column " + name + " (" + setting + "). Its columns are: " + columnNames(table) + "."));
    }

    /** The table's column names, comma-separated, for messages. */
    public static String columnNames(TableSpec table) {
        return table.columns().stream().map(ColumnSpec::name).collect(Collectors.joining(", "));
    }

    private static <T> Optional<T> find(Collection<T> candidates, String name, Function<T, List<String>> spellings,
                                        Function<T, String> shown, String what, String setting) {
        List<T> exact = candidates.stream().filter(c -> spellings.apply(c).contains(name)).toList();
        List<T> found = exact.isEmpty()
                ? candidates.stream().filter(c -> spellings.apply(c).stream().anyMatch(s -> s.equalsIgnoreCase(name))).toList()
                : exact;
        if (found.size() > 1) {
            throw new InvalidSettingException(setting, "'" + name + "' in " + setting + " matches more than one " + what
                    + (exact.isEmpty() ? " when case is ignored" : "") + ": "
                    + found.stream().map(shown).collect(Collectors.joining(", "))
                    + ". Write the name exactly as the source spells it" + (what.equals("table") ? ", as schema.table" : "") + ".");
        }
        return found.stream().findFirst();
    }
}

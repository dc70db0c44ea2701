package org.camelreplicator.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.ForeignKeySpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.dialect.IdentifierLimit;

/**
 * The names the copied tables and columns get on the target, and the names of what comes with them
 * (primary keys, identity sequences, indexes, foreign keys), decided before anything is written.
 *
 * <p>Table and column names are the user's: {@code replicator.table.<table>.target-name} and
 * {@code replicator.table.<table>.column.<column>.target-name} where given, else the naming rule.
 * Two that are one name as the target engine keeps it, or one longer than the engine keeps
 * (PostgreSQL would cut it to 63 bytes without a word, and two tables would fill one), is refused
 * with both sources, the name and the setting that resolves it.
 *
 * <p>The other names are chosen as PostgreSQL chooses them ({@code ChooseRelationName}): {@code
 * <table>_<columns>_<label>}, table and columns cut (the longer first, between characters) so the
 * whole fits the limit, then a number after the label until the name is unique in the schema. The
 * names are chosen over every table of the source schema in a fixed order, so every run (a resumed
 * one, or one with other --tables) gives a table the same names, and tables created at once never
 * claim the same one.
 */
public final class TargetNames {

    private final NameMapper mapper;
    private final ReplicatorSettings.Naming naming;
    private final IdentifierLimit limit;
    private final String engine;

    public TargetNames(ReplicatorSettings.Naming naming, IdentifierLimit limit, String engine) {
        this.mapper = new NameMapper(naming);
        this.naming = naming;
        this.limit = limit;
        this.engine = engine;
    }

    /**
     * Plans for the {@code selected} tables, in their order.
     *
     * @param catalog  every table of the source schema: the names generated for the selected ones are unique among all of theirs
     * @param settings each table's resolved settings (a table missing here has none)
     */
    public List<TablePlan> plan(List<TableSpec> catalog, List<TableSpec> selected, Map<TableSpec, TableSettings> settings,
                                String targetSchema) {
        checkTables(selected, settings);
        Map<TableSpec, List<String>> columns = new LinkedHashMap<>();
        for (TableSpec t : catalog) {
            columns.put(t, columnNames(t, settingsOf(settings, t), selected.contains(t)));
        }
        Map<TableSpec, GeneratedNames> generated = generate(catalog, settings, columns);
        List<TablePlan> plans = new ArrayList<>();
        for (TableSpec t : selected) {
            plans.add(new TablePlan(plans.size(), t, targetSchema, tableName(t, settingsOf(settings, t)), columns.get(t),
                    settingsOf(settings, t), generated.get(t)));
        }
        return plans;
    }

    private String tableName(TableSpec table, TableSettings settings) {
        return settings.targetName() != null ? settings.targetName() : mapper.map(table.name());
    }

    private static TableSettings settingsOf(Map<TableSpec, TableSettings> settings, TableSpec table) {
        return settings.getOrDefault(table, TableSettings.NONE);
    }

    /** Two selected tables that are one target table, or a name the engine would not keep, are refused. */
    private void checkTables(List<TableSpec> selected, Map<TableSpec, TableSettings> settings) {
        Map<String, TableSpec> seen = new LinkedHashMap<>();
        for (TableSpec t : selected) {
            String name = tableName(t, settingsOf(settings, t));
            String setting = ReplicatorSettings.TABLE_PREFIX + t.name() + ".target-name";
            TableSpec other = seen.putIfAbsent(limit.kept(name), t);
            if (other != null) {
                String otherName = tableName(other, settingsOf(settings, other));
                throw new InvalidSettingException(setting, "Tables " + other.qualifiedName() + " and " + t.qualifiedName()
                        + " both become target table '" + limit.kept(name) + "'" + why(otherName, name)
                        + ". Give one of them its own name with " + setting + "=<name>"
                        + (otherName.equals(name) && naming != ReplicatorSettings.Naming.PRESERVE ? ", or use replicator.naming=preserve" : "")
                        + ", or leave one out with replicator.exclude.");
            }
        }
        for (TableSpec t : selected) {
            tooLong(tableName(t, settingsOf(settings, t)), "Table " + t.qualifiedName() + " becomes target table",
                    ReplicatorSettings.TABLE_PREFIX + t.name() + ".target-name");
        }
    }

    /** The target names of a table's columns; for a table of the run, two that are one, or one too long, are refused. */
    private List<String> columnNames(TableSpec table, TableSettings settings, boolean checked) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (ColumnSpec c : table.columns()) {
            String override = settings.columnTargetNames().get(c.name());
            String name = override != null ? override : mapper.map(c.name());
            String setting = ReplicatorSettings.TABLE_PREFIX + table.name() + ".column." + c.name() + ".target-name";
            Integer other = seen.putIfAbsent(limit.kept(name), names.size());
            if (checked && other != null) {
                String otherName = names.get(other);
                throw new InvalidSettingException(setting, "Columns " + table.columns().get(other).name() + " and " + c.name()
                        + " of table " + table.qualifiedName() + " both become target column '" + limit.kept(name) + "'"
                        + why(otherName, name) + ". Give one of them its own name with " + setting + "=<name>"
                        + (otherName.equals(name) && naming != ReplicatorSettings.Naming.PRESERVE ? ", or use replicator.naming=preserve" : "")
                        + ".");
            }
            names.add(name);
        }
        for (int i = 0; checked && i < names.size(); i++) {
            String column = table.columns().get(i).name();
            tooLong(names.get(i), "Column " + column + " of table " + table.qualifiedName() + " becomes target column",
                    ReplicatorSettings.TABLE_PREFIX + table.name() + ".column." + column + ".target-name");
        }
        return names;
    }

    /** Why two different names are one: the engine keeps only the start of each. */
    private String why(String first, String second) {
        return first.equals(second) ? "" : " (" + first + " and " + second + " differ only after the first " + limit
                + ", and " + engine + " keeps no more of a name)";
    }

    private void tooLong(String name, String subject, String setting) {
        if (!limit.fits(name)) {
            throw new InvalidSettingException(setting, subject + " '" + name + "', " + limit.length(name)
                    + (limit.bytes() ? " bytes" : " characters") + " long; " + engine + " keeps names of at most " + limit
                    + (limit.bytes() ? " and would cut it to '" + limit.kept(name) + "'" : "")
                    + ". Give it a shorter name with " + setting + "=<name>.");
        }
    }

    /**
     * Names for every table's primary key, identity sequences, indexes and foreign keys: tables in
     * the order of their target names, then each table's objects in catalog order; the tables' own
     * names are taken first.
     */
    private Map<TableSpec, GeneratedNames> generate(List<TableSpec> catalog, Map<TableSpec, TableSettings> settings,
                                                    Map<TableSpec, List<String>> columns) {
        List<TableSpec> ordered = new ArrayList<>(catalog);
        ordered.sort(Comparator.comparing((TableSpec t) -> limit.kept(tableName(t, settingsOf(settings, t))))
                .thenComparing(TableSpec::qualifiedName));
        Set<String> used = new HashSet<>();
        ordered.forEach(t -> used.add(limit.kept(tableName(t, settingsOf(settings, t)))));
        Map<TableSpec, GeneratedNames> result = new LinkedHashMap<>();
        for (TableSpec t : ordered) {
            String table = limit.kept(tableName(t, settingsOf(settings, t)));
            List<String> targetColumns = columns.get(t);
            String primaryKey = t.primaryKey().isEmpty() ? null : choose(table, null, "pkey", used);
            Map<String, String> sequences = new LinkedHashMap<>();
            for (int i = 0; i < t.columns().size(); i++) {
                if (t.columns().get(i).autoIncrement()) {
                    sequences.put(t.columns().get(i).name(), choose(table, targetColumns.get(i), "seq", used));
                }
            }
            Map<IndexSpec, String> indexes = new LinkedHashMap<>();
            for (IndexSpec index : t.indexes()) {
                String suffix = switch (index.kind()) {
                    case PLAIN -> index.unique() ? "key" : "idx";
                    case FULLTEXT -> "fts_idx";
                    case SPATIAL -> "gist_idx";
                    // expression, partial and other indexes are left out (TargetSchema.indexSql): nothing to name
                    default -> null;
                };
                if (suffix != null) {
                    indexes.put(index, choose(table, indexColumns(t, targetColumns, index), suffix, used));
                }
            }
            Map<ForeignKeySpec, String> foreignKeys = new LinkedHashMap<>();
            for (ForeignKeySpec fk : t.foreignKeys()) {
                foreignKeys.put(fk, choose(table, joined(t, targetColumns, fk.columns()), "fkey", used));
            }
            result.put(t, new GeneratedNames(primaryKey, sequences, indexes, foreignKeys));
        }
        return result;
    }

    /** The target names of some of a table's columns, joined by underscores. */
    private String joined(TableSpec table, List<String> targetColumns, List<String> sourceColumns) {
        List<String> all = table.columns().stream().map(ColumnSpec::name).toList();
        List<String> names = new ArrayList<>();
        for (String column : sourceColumns) {
            int i = all.indexOf(column);
            names.add(i < 0 ? mapper.map(column) : targetColumns.get(i));
        }
        return String.join("_", names);
    }

    /** An index's columns in its name; a column prefix (MySQL's {@code KEY (title(10))}) as {@code title_10}. */
    private String indexColumns(TableSpec table, List<String> targetColumns, IndexSpec index) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < index.columns().size(); i++) {
            String column = joined(table, targetColumns, List.of(index.columns().get(i)));
            int prefix = index.prefixLengths().get(i);
            parts.add(prefix == 0 ? column : column + "_" + prefix);
        }
        return String.join("_", parts);
    }

    /** PostgreSQL's ChooseRelationName: the first of {@code label}, {@code label1}, {@code label2}... whose name is free. */
    String choose(String name1, String name2, String label, Set<String> used) {
        String name = objectName(name1, name2, label);
        for (int pass = 1; used.contains(name); pass++) {
            name = objectName(name1, name2, label + pass);
        }
        used.add(name);
        return name;
    }

    /**
     * PostgreSQL's makeObjectName: {@code name1_name2_label}, where name1 and name2 are cut, the
     * longer one first, until the whole fits the limit; a cut falls between characters.
     */
    String objectName(String name1, String name2, String label) {
        int available = limit.max() - limit.length(label) - 1 - (name2 == null ? 0 : 1);
        int length1 = limit.length(name1);
        int length2 = name2 == null ? 0 : limit.length(name2);
        while (length1 + length2 > available) {
            if (length1 > length2) {
                length1--;
            } else {
                length2--;
            }
        }
        return limit.clip(name1, length1) + (name2 == null ? "" : "_" + limit.clip(name2, length2)) + "_" + label;
    }
}

package org.camelreplicator.plan;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.camelreplicator.catalog.CatalogReader;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.schema.NameMapper;

/**
 * Decides what a run copies: reads the source catalog, applies {@code replicator.tables} and
 * {@code replicator.exclude}, maps names to the target, orders the tables (largest first, so the
 * longest table does not start last) and splits a table into chunks.
 */
public final class LoadPlanner {

    private final Databases databases;
    private final ReplicatorSettings settings;
    private final ChunkPlanner chunkPlanner;

    public LoadPlanner(Databases databases, ReplicatorSettings settings) {
        this.databases = databases;
        this.settings = settings;
        this.chunkPlanner = new ChunkPlanner(settings.chunkRows());
    }

    public List<TablePlan> planTables() throws SQLException {
        return planTables(null);
    }

    /** The tables of a run; a request that names tables or exclusions (a job file) overrides the settings. */
    public List<TablePlan> planTables(RunRequest request) throws SQLException {
        Dialect dialect = databases.sourceDialect();
        List<TableSpec> tables;
        try (Connection c = databases.source().getConnection()) {
            CatalogReader catalog = new CatalogReader(dialect);
            String schema = settings.sourceSchema().isEmpty() ? dialect.defaultSchema(c) : settings.sourceSchema();
            tables = catalog.readTables(c, schema);
            if (tables.isEmpty() && !settings.sourceSchema().isEmpty()) {
                List<String> schemas = catalog.schemas(c);
                if (schemas.stream().noneMatch(s -> s.equals(schema))) {
                    throw new InvalidSettingException("replicator.source-schema", "Source schema '" + schema
                            + "' does not exist. Schemas in the source: " + String.join(", ", schemas)
                            + ". Set replicator.source-schema to one of them.");
                }
            }
        }
        checkTableSettings(tables);
        boolean ownTables = request != null && request.tables() != null;
        boolean ownExclude = request != null && request.exclude() != null;
        List<TableSpec> selected = select(tables,
                ownTables ? request.tables() : settings.tables(), ownTables ? "tables of " + request.source() : "replicator.tables",
                ownExclude ? request.exclude() : settings.exclude(), ownExclude ? "exclude of " + request.source() : "replicator.exclude");
        selected.sort(Comparator.comparingLong((TableSpec t) -> -Math.max(0, t.estimatedRows()))
                .thenComparing(TableSpec::qualifiedName));
        return map(selected);
    }

    /** Whether the settings select every table (replicator.tables is empty or *). */
    public boolean selectsAll() {
        return settings.tables().isEmpty();
    }

    /** The chunk ranges of a table, from the source's key distribution or the months of its split column. */
    public List<KeyRange> planChunks(TablePlan table) throws SQLException {
        try (Connection c = databases.source().getConnection()) {
            return chunkPlanner.plan(c, databases.sourceDialect(), table.source(), monthSplit(table.source()));
        }
    }

    /** The month split configured for a table (by table name or schema.table), or null. */
    MonthSplit monthSplit(TableSpec table) {
        for (Map.Entry<String, String> e : settings.splitBy().entrySet()) {
            if (e.getKey().equalsIgnoreCase(table.qualifiedName()) || e.getKey().equalsIgnoreCase(table.name())) {
                String column = e.getValue().substring(0, e.getValue().lastIndexOf(':'));
                return new MonthSplit(column, settings.fromMonth(), settings.toMonth());
            }
        }
        return null;
    }

    /** Per-table settings must name tables that exist. */
    private void checkTableSettings(List<TableSpec> tables) {
        pick(tables, List.copyOf(settings.splitBy().keySet()), "replicator.table.<table>.split-by");
    }

    /** Applies replicator.tables and replicator.exclude; a name that matches no table is an error that names it. */
    List<TableSpec> select(List<TableSpec> all, List<String> tables, String tablesSetting, List<String> exclude, String excludeSetting) {
        List<TableSpec> chosen = tables.isEmpty() ? new ArrayList<>(all) : new ArrayList<>(pick(all, tables, tablesSetting));
        chosen.removeAll(pick(all, exclude, excludeSetting));
        return chosen;
    }

    private static Set<TableSpec> pick(List<TableSpec> all, List<String> names, String property) {
        Set<TableSpec> result = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            List<TableSpec> matches = all.stream().filter(t -> t.qualifiedName().equals(name) || t.name().equals(name)).toList();
            if (matches.isEmpty()) {
                matches = all.stream().filter(t -> t.qualifiedName().equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)).toList();
            }
            if (matches.isEmpty()) {
                unknown.add(name);
            }
            result.addAll(matches);
        }
        if (!unknown.isEmpty()) {
            List<String> available = all.stream().map(TableSpec::qualifiedName).sorted().limit(30).toList();
            throw new InvalidSettingException(property, "Unknown table(s) in " + property + ": " + String.join(", ", unknown)
                    + ". The source has: " + (available.isEmpty() ? "no tables in the selected schema" : String.join(", ", available))
                    + (all.size() > available.size() ? ", ..." : "") + ".");
        }
        return result;
    }

    /** Target names for tables and columns; two source names that map to one target name are an error. */
    private List<TablePlan> map(List<TableSpec> tables) {
        NameMapper names = new NameMapper(settings.naming());
        Map<String, String> seenTables = new HashMap<>();
        List<TablePlan> plans = new ArrayList<>();
        for (TableSpec t : tables) {
            String target = names.map(t.name());
            String clash = seenTables.putIfAbsent(target, t.qualifiedName());
            if (clash != null) {
                throw new InvalidSettingException("replicator.naming", "Tables " + clash + " and " + t.qualifiedName()
                        + " both become target table '" + target + "' with replicator.naming=" + settings.naming().name().toLowerCase(Locale.ROOT)
                        + ". Exclude one with replicator.exclude, or use replicator.naming=preserve.");
            }
            Map<String, String> seenColumns = new HashMap<>();
            List<String> columns = new ArrayList<>();
            for (ColumnSpec c : t.columns()) {
                String mapped = names.map(c.name());
                String other = seenColumns.putIfAbsent(mapped, c.name());
                if (other != null) {
                    throw new InvalidSettingException("replicator.naming", "Columns " + other + " and " + c.name() + " of "
                            + t.qualifiedName() + " both become target column '" + mapped + "'. Use replicator.naming=preserve.");
                }
                columns.add(mapped);
            }
            plans.add(new TablePlan(plans.size(), t, settings.targetSchema(), target, columns));
        }
        return plans;
    }
}

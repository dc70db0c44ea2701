package org.camelreplicator.plan;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.camelreplicator.dialect.CatalogReader;
import org.camelreplicator.catalog.SourceNames;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.dialect.SourceDialect;
import org.camelreplicator.dialect.TargetDialect;

/**
 * Decides what a run copies: reads the source catalog, finds the tables the settings name in it
 * ({@link SourceNames}, {@link TableSettings}), applies {@code replicator.tables} and
 * {@code replicator.exclude}, names the tables on the target ({@link TargetNames}), orders them
 * (largest first, so the longest table does not start last) and splits a table into chunks. Every
 * setting is checked here, before a run writes anything.
 */
public final class LoadPlanner {

    private final Databases databases;
    private final ReplicatorSettings settings;
    private final ChunkPlanner chunkPlanner;
    private final Shapes shapes;

    /** Reads the shape of a table's column transform from its route (transform.TransformShapes). */
    public interface Shapes {
        /** The table's transform, or null when its settings name none. */
        ColumnTransform shape(TableSpec table, TableSettings settings);
    }

    public LoadPlanner(Databases databases, ReplicatorSettings settings) {
        this(databases, settings, (table, s) -> {
            if (s.transformRoute() != null) {
                throw new IllegalStateException("No routes to read the transform of " + table.qualifiedName() + " from");
            }
            return null;
        });
    }

    public LoadPlanner(Databases databases, ReplicatorSettings settings, Shapes shapes) {
        this.databases = databases;
        this.settings = settings;
        this.chunkPlanner = new ChunkPlanner(settings.chunkRows());
        this.shapes = shapes;
    }

    public List<TablePlan> planTables() throws SQLException {
        return planTables(null);
    }

    /** The tables of a run; a request that names tables or exclusions (a job file) overrides the settings. */
    public List<TablePlan> planTables(RunRequest request) throws SQLException {
        SourceDialect dialect = databases.sourceDialect();
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
        Map<TableSpec, TableSettings> tableSettings = TableSettings.resolve(tables, settings);
        tables = transformed(tables, tableSettings);
        boolean ownTables = request != null && request.tables() != null;
        boolean ownExclude = request != null && request.exclude() != null;
        List<TableSpec> selected = select(tables,
                ownTables ? request.tables() : settings.tables(), ownTables ? "tables of " + request.source() : "replicator.tables",
                ownExclude ? request.exclude() : settings.exclude(), ownExclude ? "exclude of " + request.source() : "replicator.exclude");
        selected.sort(Comparator.comparingLong((TableSpec t) -> -Math.max(0, t.estimatedRows()))
                .thenComparing(TableSpec::qualifiedName));
        TargetDialect target = databases.targetDialect();
        List<TablePlan> plans = new TargetNames(settings.naming(), target.identifierLimit(), target.name())
                .plan(tables, selected, tableSettings, settings.targetSchema());
        startFrom(plans);
        checkPartitions(plans);
        checkRefreshes(plans);
        checkRowFilters(plans);
        return plans;
    }

    /**
     * The catalog with each table that has a column transform replaced by the transformed rows' shape
     * ({@link ColumnTransform#output()}): what the target table is named, created and written from. Its
     * settings carry the transform, whose {@link ColumnTransform#source()} is what is read.
     */
    private List<TableSpec> transformed(List<TableSpec> tables, Map<TableSpec, TableSettings> tableSettings) {
        if (tableSettings.values().stream().noneMatch(s -> s.transformRoute() != null)) {
            return tables;
        }
        List<TableSpec> result = new ArrayList<>();
        for (TableSpec t : tables) {
            TableSettings s = tableSettings.get(t);
            ColumnTransform shape = s == null ? null : shapes.shape(t, s);
            if (shape == null) {
                result.add(t);
                continue;
            }
            if (settings.dataOnly() || settings.ddlIn() != null) {
                throw new InvalidSettingException(shape.setting(), shape.setting() + ": a table with a column transform is created by"
                        + " the load as the transform shapes it; --data-only and --ddl-in load into tables made elsewhere. Remove one.");
            }
            String watermark = settings.sync().defaultWatermark();
            if (!watermark.isEmpty() && s.watermark() == null) {
                // replicator.sync.watermark names a column of every table that has it: the transform must keep it as it is
                t.columns().stream().filter(c -> c.name().equalsIgnoreCase(watermark)
                        && (shape.dropped().contains(c.name()) || shape.changed().contains(c.name()))).findFirst().ifPresent(c -> {
                    throw new InvalidSettingException(shape.setting(), shape.setting() + ": route " + shape.route()
                            + (shape.dropped().contains(c.name()) ? " removes" : " sets") + " column " + c.name() + " of table "
                            + t.qualifiedName() + ", which is its sync watermark (replicator.sync.watermark=" + watermark + "): sync reads"
                            + " it on the source and needs it on the target as it is. Leave it out of the transform.");
                });
            }
            tableSettings.remove(t);
            tableSettings.put(shape.output(), s.withTransform(shape));
            result.add(shape.output());
        }
        return result;
    }

    /**
     * replicator.table.<t>.partition-by: the target must have range partitions (PostgreSQL), the load must
     * create the table (not --data-only or --ddl-in), and the table's primary key must hold the partition
     * column, as PostgreSQL requires of every unique constraint of a partitioned table. A key without it is
     * refused rather than extended: sync upserts by the key, and a key extended by the date would let a row
     * whose date changed arrive as a second row of the same source key.
     */
    private void checkPartitions(List<TablePlan> plans) {
        TargetDialect target = databases.targetDialect();
        for (TablePlan p : plans) {
            String column = p.settings().partitionBy();
            if (column == null) {
                continue;
            }
            String setting = ReplicatorSettings.TABLE_PREFIX + p.source().name() + ReplicatorSettings.PARTITION_BY;
            if (!target.partitionsByRange()) {
                throw new InvalidSettingException(setting, setting + ": partitioned target tables are PostgreSQL's (PARTITION BY RANGE),"
                        + " and the target is " + target.name() + ". Remove the setting for this target.");
            }
            if (settings.dataOnly() || settings.ddlIn() != null) {
                throw new InvalidSettingException(setting, setting + ": the load creates a partitioned table and its partitions;"
                        + " --data-only and --ddl-in load into tables made elsewhere. Remove one.");
            }
            List<String> key = p.source().primaryKey();
            if (!key.isEmpty() && !key.contains(column)) {
                throw new InvalidSettingException(setting, "Table " + p.id() + " cannot be partitioned by " + column + " ("
                        + setting + "): its primary key (" + String.join(", ", key) + ") does not include " + column + ", and PostgreSQL"
                        + " requires a partitioned table's primary key (and every unique constraint) to include the partition column."
                        + " Partition by a column of the key, make " + column + " part of the source's key, or remove the setting.");
            }
        }
    }

    /**
     * replicator.table.<t>.refresh-views: REFRESH MATERIALIZED VIEW is PostgreSQL's, so another target
     * refuses the setting before anything is written, not at the table's after-actions.
     */
    private void checkRefreshes(List<TablePlan> plans) {
        TargetDialect target = databases.targetDialect();
        if (target.hasMaterializedViews()) {
            return;
        }
        for (TablePlan p : plans) {
            for (AfterAction action : p.settings().afterLoad()) {
                if (action.view() != null) {
                    throw new InvalidSettingException(action.setting(), action.setting() + ": materialized views are PostgreSQL's"
                            + " (REFRESH MATERIALIZED VIEW), and the target is " + target.name() + ". Remove the setting for this target,"
                            + " or give the target's own statement in replicator.table." + p.source().name() + ".after-load / .after-sync.");
                }
            }
        }
    }

    /**
     * Runs each row filter of the run's tables on the source once, reading nothing
     * ({@code SELECT 1 FROM t WHERE <filter> AND 1 = 0}), so a condition the source refuses (a
     * syntax error, an unknown column) stops the command before anything is written, naming the
     * table and the setting. A transient failure is thrown as it is, to be retried.
     */
    private void checkRowFilters(List<TablePlan> plans) throws SQLException {
        if (plans.stream().noneMatch(p -> p.settings().rowFilter() != null)) {
            return;
        }
        SourceDialect dialect = databases.sourceDialect();
        try (Connection c = databases.source().getConnection()) {
            for (TablePlan p : plans) {
                RowFilter filter = p.settings().rowFilter();
                if (filter == null) {
                    continue;
                }
                String condition = filter.condition(dialect);
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM "
                        + dialect.qualified(p.source().schema(), p.source().name()) + " WHERE " + condition + " AND 1 = 0")) {
                    rs.next();
                } catch (SQLException e) {
                    if (databases.isTransient(e)) {
                        throw e;
                    }
                    throw new InvalidSettingException(filter.settings(), filter.settings() + ": the source refuses the row filter of table "
                            + p.id() + ": " + e.getMessage() + (e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]")
                            + ". The condition is passed to the source as written: " + filter.shown(dialect)
                            + ". Fix or remove the setting.");
                }
            }
        }
    }

    /** Whether the settings select every table (replicator.tables is empty or *). */
    public boolean selectsAll() {
        return settings.tables().isEmpty();
    }

    /** The chunk ranges of a table, from the source's key distribution or the months of its split column. */
    public List<KeyRange> planChunks(TablePlan table) throws SQLException {
        String partition = table.settings().partitionBy();
        String split = partition != null ? partition : table.settings().splitBy();
        try (Connection c = databases.source().getConnection()) {
            // under the load's snapshot, if it has one: the ranges are those of the rows the chunks will read
            databases.sourceSnapshot().importInto(c, "the chunk plan of " + table.id());
            List<KeyRange> chunks = chunkPlanner.plan(c, databases.sourceDialect(), table.source(),
                    split == null ? null : new MonthSplit(split, settings.fromMonth(), settings.toMonth(), partition != null),
                    table.sourceFilter(databases.sourceDialect()));
            // ends the snapshot's transaction. Not in a finally: on a connection the server ended, a rollback there
            // ("Connection is closed") would replace the transient failure that gets the step retried; the pool rolls
            // back an open transaction when the connection is returned
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return chunks;
        }
    }

    /**
     * The table --start-from-table names among the run's tables, or empty when it is not given; a
     * name that is not a table of the run is an error that lists the plan.
     */
    public Optional<TablePlan> startFrom(List<TablePlan> plans) {
        String name = settings.startFromTable();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Optional<TableSpec> table = SourceNames.table(plans.stream().map(TablePlan::source).toList(), name, "replicator.start-from-table");
        return Optional.of(plans.stream().filter(p -> table.isPresent() && p.source().equals(table.get())).findFirst()
                .orElseThrow(() -> new InvalidSettingException("replicator.start-from-table", "--start-from-table=" + name
                        + " is not a table of this run. The plan is: " + plans.stream().map(TablePlan::id).collect(Collectors.joining(", "))
                        + " (see load --dry-run).")));
    }

    /**
     * The tables replicator.skip (--skip) names: a run marks them skipped, with why, instead of
     * copying them, so a table that keeps failing does not hold back the end of the run.
     */
    public Set<String> skipped(List<TablePlan> plans) {
        List<TableSpec> specs = plans.stream().map(TablePlan::source).toList();
        Set<TableSpec> named = pick(specs, settings.skip(), "replicator.skip");
        return plans.stream().filter(p -> named.contains(p.source())).map(TablePlan::id).collect(Collectors.toCollection(LinkedHashSet::new));
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
            SourceNames.table(all, name, property).ifPresentOrElse(result::add, () -> unknown.add(name));
        }
        if (!unknown.isEmpty()) {
            throw new InvalidSettingException(property, "Unknown table(s) in " + property + ": " + String.join(", ", unknown)
                    + ". " + SourceNames.tableNames(all));
        }
        return result;
    }
}

package org.camelreplicator.sync;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.SourceNames;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.SyncSettings;
import org.camelreplicator.config.SyncSettings.Deletes;
import org.camelreplicator.dialect.SystemWatermark;
import org.camelreplicator.plan.LoadPlanner;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.plan.TablePlan;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * Which tables a sync keeps in step: the tables a load would copy (replicator.tables, exclude,
 * names) that have a watermark, each with its key. A table the user names without a watermark, a
 * watermark or key column that does not exist, a table without a key: each is an error that says
 * what to set.
 */
public final class SyncPlanner {

    private final Databases databases;
    private final LoadPlanner planner;
    private final SyncSettings settings;

    public SyncPlanner(Databases databases, LoadPlanner planner, SyncSettings settings) {
        this.databases = databases;
        this.planner = planner;
        this.settings = settings;
    }

    public List<SyncTable> plan(RunRequest request) throws SQLException {
        List<TablePlan> plans = planner.planTables(request);
        List<SyncTable> tracked = new ArrayList<>();
        List<String> untracked = new ArrayList<>();
        for (TablePlan plan : plans) {
            Optional<SyncTable> table = table(plan);
            if (table.isPresent()) {
                tracked.add(table.get());
            } else {
                untracked.add(plan.id());
            }
        }
        boolean named = (request.tables() != null && !request.tables().isEmpty()) || !planner.selectsAll();
        if (named && !untracked.isEmpty()) {
            throw new InvalidSettingException("replicator.table.<table>.sync.watermark", "Table(s) " + String.join(", ", untracked)
                    + " have no watermark, so sync cannot tell their changed rows. Set replicator.table.<table>.sync.watermark=<column>"
                    + " (a column every insert and update sets, e.g. updated_at), or replicator.sync.watermark=<column> for every"
                    + " table that has that column, or leave them out of replicator.tables.");
        }
        if (tracked.isEmpty()) {
            throw new InvalidSettingException("replicator.sync.watermark", "No table has a watermark, so sync has nothing to do."
                    + " Set replicator.sync.watermark=<column> (used for every table that has that column, e.g. updated_at) or"
                    + " replicator.table.<table>.sync.watermark=<column> per table (xmin on a PostgreSQL source).");
        }
        if (!untracked.isEmpty()) {
            CONSOLE.info("Not synced (no watermark): {}", String.join(", ", untracked));
        }
        List<SyncTable> result = new ArrayList<>(tracked.size());
        for (SyncTable t : tracked) {
            result.add(new SyncTable(t.plan().withOrder(result.size()), t.watermark(), t.column(), t.system(), t.key(), t.deletes()));
        }
        return result;
    }

    /**
     * The sync view of a planned table, or empty when it has no watermark. The watermark and key
     * columns are found as every setting's names are ({@link SourceNames}) and kept in the source's
     * spelling, so the probe, the dry run and the reads all query the same column.
     */
    public Optional<SyncTable> table(TablePlan plan) {
        TableSpec source = plan.source();
        String setting = "replicator.table." + source.name() + ".sync.watermark";
        String watermark = plan.settings().watermark();
        if (watermark == null && !settings.defaultWatermark().isEmpty()) {
            setting = "replicator.sync.watermark";
            watermark = SourceNames.column(source, settings.defaultWatermark(), setting).map(ColumnSpec::name).orElse(null);
        }
        if (watermark == null) {
            return Optional.empty();
        }
        Optional<ColumnSpec> named = SourceNames.column(source, watermark, setting);
        Optional<SystemWatermark> system = databases.sourceDialect().systemWatermark(source, named.map(ColumnSpec::name).orElse(watermark));
        ColumnSpec column = null;
        if (system.isEmpty()) {
            String configured = watermark;
            column = named.orElseThrow(() -> new InvalidSettingException("replicator.table." + source.name() + ".sync.watermark",
                    "Table " + source.qualifiedName() + " has no column " + configured + " to use as its watermark. Its columns are: "
                    + SourceNames.columnNames(source) + " (on a PostgreSQL source, xmin uses the row versions PostgreSQL keeps)."));
        }
        List<String> configured = plan.settings().syncKey();
        String keySetting = "replicator.table." + source.name() + ".sync.key";
        List<String> key = new ArrayList<>();
        if (configured == null) {
            if (source.primaryKey().isEmpty()) {
                throw new InvalidSettingException(keySetting, "Table " + source.qualifiedName()
                        + " has no primary key, so sync cannot tell which target row a changed row replaces. Set "
                        + keySetting + "=<columns> (columns that identify a row; the target table needs a unique index on them).");
            }
            key.addAll(source.primaryKey());
        } else {
            for (String name : configured) {
                key.add(SourceNames.column(source, name, keySetting).orElseThrow(() -> new InvalidSettingException(keySetting,
                        "Table " + source.qualifiedName() + " has no column " + name + " for its sync key. Its columns are: "
                        + SourceNames.columnNames(source) + ".")).name());
            }
        }
        Deletes deletes = plan.settings().deletes() != null ? plan.settings().deletes() : settings.defaultDeletes();
        return Optional.of(new SyncTable(plan, named.map(ColumnSpec::name).orElse(watermark), column, system.orElse(null), key, deletes));
    }
}

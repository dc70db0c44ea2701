package org.camelreplicator.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camelreplicator.catalog.SourceNames;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.AfterActionSettings;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.config.SyncSettings.Deletes;

import static org.camelreplicator.config.ReplicatorSettings.TABLE_PREFIX;

/**
 * The settings that name one table ({@code replicator.table.<table>.*},
 * {@code replicator.cast.column.<table>.<column>}), found in the source catalog by
 * {@link SourceNames} once, when the tables are planned, so every step of a run and its dry run
 * read the same answer. Column names here are spelled as the source spells them.
 *
 * @param targetName        {@code replicator.table.<table>.target-name}, or null
 * @param columnTargetNames source column -> {@code replicator.table.<table>.column.<column>.target-name}
 * @param columnCasts       source column -> {@code replicator.cast.column.<table>.<column>}
 * @param splitBy           the source column of {@code replicator.table.<table>.split-by=<column>:month}, or null
 * @param partitionBy       the source column of {@code replicator.table.<table>.partition-by=<column>:month}, or null: the
 *                          target table is partitioned by month of it ({@link MonthPartitions}), and its load is split by it
 * @param watermark         {@code replicator.table.<table>.sync.watermark} as given (a column, or the engine's own
 *                          marker such as xmin: sync resolves it), or null
 * @param syncKey           {@code replicator.table.<table>.sync.key} as given (sync resolves it), or null
 * @param deletes           {@code replicator.table.<table>.sync.deletes}, or null
 * @param rowFilter         {@code replicator.table.<table>.where} and {@code .soft-delete}: the source rows the copy holds, or null for all
 * @param afterLoad         {@code replicator.table.<table>.after-load}, then a REFRESH per view of {@code .refresh-views}:
 *                          run on the target, in this order, once the table's load is complete
 * @param afterSync         {@code replicator.table.<table>.after-sync}, then the same REFRESHes: run after a sync that changed the table
 * @param transformRoute    {@code replicator.table.<table>.transform} as given (a route id or a route file), or null
 * @param transformSetting  that setting's name, as the user spelled it
 * @param transform         that route's shape, once {@link LoadPlanner} has read it ({@link #withTransform}), or null
 */
public record TableSettings(String targetName, Map<String, String> columnTargetNames, Map<String, String> columnCasts,
                            String splitBy, String partitionBy, String watermark, List<String> syncKey, Deletes deletes, RowFilter rowFilter,
                            List<AfterAction> afterLoad, List<AfterAction> afterSync, String transformRoute, String transformSetting,
                            ColumnTransform transform) {

    public static final TableSettings NONE = new TableSettings(null, Map.of(), Map.of(), null, null, null, null, null, null, List.of(), List.of(),
            null, null, null);

    public TableSettings {
        columnTargetNames = Map.copyOf(columnTargetNames);
        columnCasts = Map.copyOf(columnCasts);
        syncKey = syncKey == null ? null : List.copyOf(syncKey);
        afterLoad = List.copyOf(afterLoad);
        afterSync = List.copyOf(afterSync);
    }

    /**
     * The settings with the table's transform: its declared types join the column casts (by the names the
     * transform's columns have), so the target DDL follows the transform.
     */
    public TableSettings withTransform(ColumnTransform shape) {
        Map<String, String> casts = new java.util.HashMap<>(columnCasts);
        shape.dropped().forEach(casts::remove);
        casts.putAll(shape.declaredTypes());
        return new TableSettings(targetName, columnTargetNames, casts, splitBy, partitionBy, watermark, syncKey, deletes, rowFilter, afterLoad, afterSync,
                transformRoute, transformSetting, shape);
    }

    /** The same settings without the transform: for reads of the table's own columns (the delete check's keys). */
    public TableSettings withoutTransform() {
        return transform == null ? this : new TableSettings(targetName, columnTargetNames, columnCasts, splitBy, partitionBy, watermark, syncKey, deletes,
                rowFilter, afterLoad, afterSync, null, null, null);
    }

    /**
     * The settings of each table of the catalog that some setting names. A setting that names no
     * table or column, names one ambiguously, or sets what another setting already set for the same
     * table or column, is an error that names the setting.
     */
    public static Map<TableSpec, TableSettings> resolve(List<TableSpec> catalog, ReplicatorSettings settings) {
        Map<TableSpec, Found> found = new LinkedHashMap<>();
        settings.targetNames().forEach((table, name) ->
                at(catalog, found, table, TABLE_PREFIX + table + ".target-name", "target-name").targetName = name);
        settings.columnTargetNames().forEach((table, columns) -> columns.forEach((column, name) -> {
            String setting = TABLE_PREFIX + table + ".column." + column + ".target-name";
            Found f = at(catalog, found, table, setting, null);
            f.columnTargetNames.put(f.column(column, setting, "target-name"), name);
        }));
        settings.castColumns().forEach((key, type) -> {
            String setting = ReplicatorSettings.CAST_PREFIX + "column." + key;
            int dot = key.lastIndexOf('.');
            Found f = at(catalog, found, key.substring(0, dot), setting, null);
            f.columnCasts.put(f.column(key.substring(dot + 1), setting, "cast"), type);
        });
        settings.splitBy().forEach((table, value) -> {
            String setting = TABLE_PREFIX + table + ".split-by";
            Found f = at(catalog, found, table, setting, "split-by");
            f.splitBy = ChunkPlanner.splitColumn(f.table, value.substring(0, value.lastIndexOf(':'))).name();
        });
        settings.partitionBy().forEach((table, value) -> {
            String setting = TABLE_PREFIX + table + ReplicatorSettings.PARTITION_BY;
            Found f = at(catalog, found, table, setting, "partition-by");
            f.partitionBy = MonthPartitions.column(f.table, value.substring(0, value.lastIndexOf(':')), setting).name();
            if (f.splitBy != null && !f.splitBy.equals(f.partitionBy)) {
                throw new InvalidSettingException(setting, setting + " partitions " + f.table.qualifiedName() + " by " + f.partitionBy
                        + ", and " + TABLE_PREFIX + table + ".split-by splits its load by " + f.splitBy + ": a partitioned table's load is"
                        + " split by its partition column, one chunk per partition. Remove the split-by setting.");
            }
        });
        settings.sync().watermarks().forEach((table, watermark) ->
                at(catalog, found, table, TABLE_PREFIX + table + ".sync.watermark", "sync.watermark").watermark = watermark);
        settings.sync().keys().forEach((table, key) ->
                at(catalog, found, table, TABLE_PREFIX + table + ".sync.key", "sync.key").syncKey = key);
        settings.sync().deletes().forEach((table, deletes) ->
                at(catalog, found, table, TABLE_PREFIX + table + ".sync.deletes", "sync.deletes").deletes = deletes);
        settings.rowFilters().forEach((table, where) -> {
            Found f = at(catalog, found, table, RowFilter.whereKey(table), "where");
            f.where = where;
            f.whereKey = RowFilter.whereKey(table);
        });
        settings.softDeletes().forEach((table, value) -> {
            String setting = TABLE_PREFIX + table + ".soft-delete";
            Found f = at(catalog, found, table, setting, "soft-delete");
            f.softDelete = RowFilter.softDelete(f.table, setting, value, (name, key) -> f.column(name, key, "soft-delete"));
        });
        AfterActionSettings after = settings.afterActions();
        after.tableAfterLoad().forEach((table, statements) -> {
            String setting = TABLE_PREFIX + table + AfterActionSettings.AFTER_LOAD;
            Found f = at(catalog, found, table, setting, "after-load");
            statements.forEach(sql -> f.afterLoad.add(AfterAction.statement(setting, sql)));
        });
        after.tableAfterSync().forEach((table, statements) -> {
            String setting = TABLE_PREFIX + table + AfterActionSettings.AFTER_SYNC;
            Found f = at(catalog, found, table, setting, "after-sync");
            statements.forEach(sql -> f.afterSync.add(AfterAction.statement(setting, sql)));
        });
        after.refreshViews().forEach((table, views) -> {
            String setting = TABLE_PREFIX + table + AfterActionSettings.REFRESH_VIEWS;
            Found f = at(catalog, found, table, setting, "refresh-views");
            views.forEach(view -> f.refreshes.add(AfterAction.refresh(setting, view, after.refreshConcurrently())));
        });
        settings.transforms().tables().forEach((table, route) -> {
            String setting = org.camelreplicator.config.TransformSettings.key(table);
            Found f = at(catalog, found, table, setting, "transform");
            f.transformRoute = route;
            f.transformSetting = setting;
        });
        Map<TableSpec, TableSettings> result = new LinkedHashMap<>();
        found.forEach((table, f) -> result.put(table, f.settings()));
        return result;
    }

    /** The table a setting names; {@code what} (when not null) may be set once per table. */
    private static Found at(List<TableSpec> catalog, Map<TableSpec, Found> found, String table, String setting, String what) {
        Found f = found.computeIfAbsent(SourceNames.requireTable(catalog, table, setting), Found::new);
        if (what != null) {
            f.claim(what, setting);
        }
        return f;
    }

    /** What the settings say of one table, while they are read. */
    private static final class Found {
        final TableSpec table;
        final Map<String, String> claimedBy = new HashMap<>();
        final Map<String, String> columnTargetNames = new LinkedHashMap<>();
        final Map<String, String> columnCasts = new LinkedHashMap<>();
        String targetName;
        String splitBy;
        String partitionBy;
        String watermark;
        List<String> syncKey;
        Deletes deletes;
        String where;
        String whereKey;
        RowFilter.SoftDelete softDelete;
        String transformRoute;
        String transformSetting;
        final List<AfterAction> afterLoad = new ArrayList<>();
        final List<AfterAction> afterSync = new ArrayList<>();
        final List<AfterAction> refreshes = new ArrayList<>();

        Found(TableSpec table) {
            this.table = table;
        }

        /** Two settings that name the same table (or column) in different spellings cannot both apply. */
        void claim(String what, String setting) {
            String other = claimedBy.putIfAbsent(what, setting);
            if (other != null) {
                throw new InvalidSettingException(setting, setting + " and " + other + " both name "
                        + (what.contains(".") ? "column " + what.substring(what.indexOf('.') + 1) + " of " : "") + "table "
                        + table.qualifiedName() + ". Keep one of them.");
            }
        }

        /** The source's spelling of a column a setting names, claimed once per kind of setting. */
        String column(String name, String setting, String what) {
            String column = SourceNames.requireColumn(table, name, setting).name();
            claim(what + "." + column, setting);
            return column;
        }

        TableSettings settings() {
            RowFilter filter = where == null && softDelete == null ? null : new RowFilter(where, whereKey, softDelete);
            // a table's own statements first (one may create what a refresh reads), then its views' refreshes
            List<AfterAction> load = new ArrayList<>(afterLoad);
            load.addAll(refreshes);
            List<AfterAction> sync = new ArrayList<>(afterSync);
            sync.addAll(refreshes);
            return new TableSettings(targetName, columnTargetNames, columnCasts, splitBy, partitionBy, watermark, syncKey, deletes, filter, load, sync,
                    transformRoute, transformSetting, null);
        }
    }
}

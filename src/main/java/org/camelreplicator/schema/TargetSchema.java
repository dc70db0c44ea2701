package org.camelreplicator.schema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.camelreplicator.dialect.CatalogReader;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.ForeignKeySpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.dialect.SourceDialect;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.observe.ProgressFiles;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.MonthPartitions;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * The target's DDL, in one place: tables (columns with their mapped types, identity, defaults that
 * translate, NOT NULL, primary key), secondary indexes and foreign keys, under the names the plan
 * chose ({@link TargetNames}: {@code <table>_<columns>_pkey/_seq/_idx/_key/_fkey}, as PostgreSQL
 * would name them, unique in the schema), {@code IF NOT EXISTS} wherever the engine
 * has it, so running again on an existing target changes nothing. It also writes the DDL to a file
 * ({@code --ddl-out}), runs a hand-edited one instead ({@code --ddl-in}), and lines a run up with
 * tables that already exist ({@code --data-only}).
 */
public final class TargetSchema {

    private static final Logger LOG = LoggerFactory.getLogger(TargetSchema.class);
    private static final Set<String> INTEGERS = Set.of("smallint", "integer", "bigint");

    private final Databases databases;
    private volatile ProgressFiles progressFiles;
    private final ReplicatorSettings settings;
    private final Object creating = new Object();

    public TargetSchema(Databases databases, ReplicatorSettings settings) {
        this.databases = databases;
        this.settings = settings;
    }

    /** Whether the target's tables come from elsewhere (--data-only, --ddl-in): this run creates none. */
    public boolean tablesExist() {
        return settings.dataOnly() || settings.ddlIn() != null;
    }

    /**
     * The schema command: writes the DDL to --ddl-out, or runs --ddl-in, or creates the target schema
     * and every planned table; answers exit status 0.
     */
    public int createTables(List<TablePlan> tables) throws SQLException, IOException {
        CONSOLE.info("Source: {}", databases.describeSource());
        if (settings.ddlOut() != null) {
            List<String> ddl = ddl(tables);
            Files.writeString(settings.ddlOut(), String.join(";\n\n", ddl) + ";\n", StandardCharsets.UTF_8);
            CONSOLE.info("Wrote {} statements for {} tables to {}; nothing was executed", ddl.size(), tables.size(), settings.ddlOut());
            return 0;
        }
        CONSOLE.info("Target: {}", databases.describeTarget());
        if (settings.ddlIn() != null) {
            runDdlFile(settings.ddlIn());
            return 0;
        }
        for (String schema : tables.stream().map(TablePlan::targetSchema).distinct().toList()) {
            ensureSchema(schema);
        }
        java.time.LocalDateTime sessionStart = java.time.LocalDateTime.now();
        Map<String, Map<String, Object>> progress = new java.util.LinkedHashMap<>();
        long written = 0;
        for (TablePlan table : tables) {
            java.time.LocalDateTime started = java.time.LocalDateTime.now();
            try {
                if (!tablesExist()) {
                    create(table, true);
                }
            } catch (SQLException | RuntimeException e) {
                progress.put(table.id(), ProgressFiles.schemaEntry("failed", started, java.time.LocalDateTime.now(),
                        org.camelreplicator.observe.Errors.describe(e)));
                writeProgress(sessionStart, progress);
                throw e;
            }
            progress.put(table.id(), ProgressFiles.schemaEntry("completed", started, java.time.LocalDateTime.now(), null));
            if (System.currentTimeMillis() - written >= settings.progressIntervalMillis()) {
                writeProgress(sessionStart, progress);
                written = System.currentTimeMillis();
            }
            CONSOLE.info("{} -> {}", table.id(), table.targetQualifiedName());
        }
        writeProgress(sessionStart, progress);
        CONSOLE.info("{} tables in place on the target (indexes and foreign keys are built by load, after the data)", tables.size());
        return 0;
    }

    /**
     * Readies the target for a load: runs --ddl-in if given, and with --ddl-in or --data-only lines
     * each table up with the existing target table by column name.
     */
    public List<TablePlan> prepareForLoad(List<TablePlan> plans) throws SQLException, IOException {
        if (settings.ddlIn() != null) {
            runDdlFile(settings.ddlIn());
        }
        if (!tablesExist()) {
            for (String schema : plans.stream().map(TablePlan::targetSchema).distinct().toList()) {
                ensureSchema(schema);
            }
            return plans;
        }
        List<TablePlan> aligned = new ArrayList<>();
        for (TablePlan plan : plans) {
            aligned.add(alignWithExisting(plan));
        }
        return aligned;
    }

    /**
     * Before a fresh load empties its tables: foreign keys between tables of the run are dropped
     * (the after-data phase builds them again once the rows are in); a foreign key from a table
     * outside the run to one of its tables would make emptying that table impossible or lose the
     * other table's rows, so it stops the load with a message that names both.
     */
    public void dropForeignKeysAmong(List<TablePlan> plans) throws SQLException {
        if (tablesExist()) {
            return;
        }
        TargetDialect target = databases.targetDialect();
        Map<String, TablePlan> byTarget = new LinkedHashMap<>();
        plans.forEach(p -> byTarget.put(key(p.targetSchema(), p.targetName()), p));
        List<String> drops = new ArrayList<>();
        try (Connection c = databases.target().getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            for (TablePlan plan : plans) {
                try (ResultSet rs = md.getExportedKeys(null, plan.targetSchema(), plan.targetName())) {
                    while (rs.next()) {
                        String schema = rs.getString("FKTABLE_SCHEM");
                        String table = rs.getString("FKTABLE_NAME");
                        String name = rs.getString("FK_NAME");
                        if (!byTarget.containsKey(key(schema, table))) {
                            throw new InvalidSettingException("replicator.tables", "Target table " + schema + "." + table
                                    + " has foreign key " + name + " to " + plan.targetQualifiedName() + ", which this load empties"
                                    + " before copying. Add " + table + " to the run, or drop the constraint, or load with --no-truncate.");
                        }
                        String drop = "ALTER TABLE " + target.qualifiedTarget(schema, table) + " DROP CONSTRAINT " + target.quoteIfNeeded(name);
                        if (!drops.contains(drop)) {
                            drops.add(drop);
                        }
                    }
                }
            }
        }
        for (String drop : drops) {
            execute(drop);
        }
        if (!drops.isEmpty()) {
            LOG.info("Dropped {} foreign keys between the tables of this load; they are built again after the data", drops.size());
        }
    }

    private static String key(String schema, String table) {
        return (schema == null ? "" : schema.toLowerCase(Locale.ROOT)) + "." + table.toLowerCase(Locale.ROOT);
    }

    /** Creates the target schema; done once per run, before tables are created in parallel. */
    public void ensureSchema(String schema) throws SQLException {
        if (schema != null && !tablesExist()) {
            execute(databases.targetDialect().createSchemaSql(schema));
        }
    }

    /**
     * Creates a table for the load, if it does not exist, without its primary key: the key is built
     * once over the loaded rows ({@link #addPrimaryKey}, after the data), which is much cheaper than
     * maintaining its index row by row. Exactly-once does not rest on the key: a chunk's rows and its
     * done mark commit together. With replicator.on-bad-row=reject the key is there from the start,
     * so a row that repeats a key is rejected like any other refused row.
     * One table at a time: PostgreSQL names the array type of a table {@code _<table>} cut to 63
     * bytes, so two tables whose names share their first 62 bytes created at once would claim the
     * same type name, and one would fail (pg_type_typname_nsp_index); one after the other, the
     * second gets a free name.
     */
    public void ensureTable(TablePlan table) throws SQLException {
        if (!tablesExist()) {
            synchronized (creating) {
                create(table, settings.onBadRow() == ReplicatorSettings.BadRows.REJECT);
            }
        }
    }

    private void create(TablePlan table, boolean withPrimaryKey) throws SQLException {
        for (String prerequisite : prerequisites(table)) {
            execute(prerequisite);
        }
        execute(createTableSql(table, withPrimaryKey));
        if (table.settings().partitionBy() != null) {
            // a partitioned table takes rows only into its partitions: DEFAULT at once, so the table (also one
            // the schema command made) takes every row; the load adds the months of its plan
            TargetDialect target = databases.targetDialect();
            execute(target.createPartitionSql(target.qualifiedTarget(table.targetSchema(), table.targetName()),
                    target.qualifiedTarget(table.targetSchema(), MonthPartitions.of(table, List.of(), target.identifierLimit()).get(0).name()),
                    null, null));
        }
    }

    /** The schema command's progress file (schema_replication_progress.json), when one is kept. */
    public void progressFiles(ProgressFiles files) {
        this.progressFiles = files;
    }

    private void writeProgress(java.time.LocalDateTime sessionStart, Map<String, Map<String, Object>> progress) {
        if (progressFiles != null) {
            progressFiles.writeSchema(sessionStart, progress);
        }
    }

    /**
     * After the data: adds the source's primary key to a table of the load that has none (a table
     * the load created, or one whose key build a crash interrupted); a table that has one keeps it.
     * Tables that existed before the run (--data-only, --ddl-in) are left as their creator made them.
     *
     * @return whether a key was built
     */
    public boolean addPrimaryKey(TablePlan table) throws SQLException {
        if (tablesExist() || table.source().primaryKey().isEmpty()) {
            return false;
        }
        TargetDialect target = databases.targetDialect();
        try (Connection c = databases.target().getConnection()) {
            c.setAutoCommit(true);
            if (hasPrimaryKey(c, table)) {
                return false;
            }
        }
        List<String> key = table.source().primaryKey().stream().map(k -> target.quoteIfNeeded(table.targetColumn(k))).toList();
        build("ALTER TABLE " + target.qualifiedTarget(table.targetSchema(), table.targetName())
                + " ADD CONSTRAINT " + target.quoteIfNeeded(table.names().primaryKey()) + " PRIMARY KEY (" + String.join(", ", key) + ")");
        return true;
    }

    /**
     * Builds a key or an index over loaded rows in a transaction of its own, with the target's
     * settings for such builds (PostgreSQL: memory to sort in), which end with it.
     */
    public void build(String ddl) throws SQLException {
        try (Connection c = databases.target().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                for (String setting : databases.targetDialect().keyBuildSettings()) {
                    st.execute(setting);
                }
                st.execute(ddl);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Databases.rollbackAfter(c, e);
                throw e;
            }
        }
    }

    /**
     * Whether every target column has the source column's own type, as the target table is now (a
     * cast, an edited table or --data-only may differ), and both ends store it in the same binary
     * form: rows can then pass between two PostgreSQL servers in binary COPY format.
     */
    public boolean sameTypes(TablePlan table) throws SQLException {
        SourceDialect source = databases.sourceDialect();
        TargetDialect target = databases.targetDialect();
        Map<String, String> actual;
        try (Connection c = databases.target().getConnection()) {
            actual = target.columnTypes(c, target.qualifiedTarget(table.targetSchema(), table.targetName()));
        }
        List<ColumnSpec> columns = table.source().columns();
        for (int i = 0; i < columns.size(); i++) {
            String type = source.postgresType(columns.get(i));
            if (!target.copiesBinary(type) || !type.equals(actual.get(table.targetColumns().get(i)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasPrimaryKey(Connection c, TablePlan table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        for (String[] name : candidates(table)) {
            try (ResultSet rs = md.getPrimaryKeys(null, name[0], name[1])) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The source's own types the table needs, when the target is the same kind of engine. */
    private List<String> prerequisites(TablePlan table) {
        return databases.sourceDialect().getClass() == databases.targetDialect().getClass() ? table.source().prerequisites() : List.of();
    }

    /** Every statement of the target schema: schemas, tables, then indexes and foreign keys. */
    public List<String> ddl(List<TablePlan> tables) throws SQLException {
        List<String> ddl = new ArrayList<>();
        tables.stream().map(TablePlan::targetSchema).distinct().forEach(s -> ddl.add(databases.targetDialect().createSchemaSql(s)));
        tables.stream().flatMap(t -> prerequisites(t).stream()).distinct().forEach(ddl::add);
        for (TablePlan t : tables) {
            ddl.add(createTableSql(t));
            if (t.settings().partitionBy() != null) {
                TargetDialect target = databases.targetDialect();
                ddl.add(target.createPartitionSql(target.qualifiedTarget(t.targetSchema(), t.targetName()), target.qualifiedTarget(
                        t.targetSchema(), MonthPartitions.of(t, List.of(), target.identifierLimit()).get(0).name()), null, null));
            }
        }
        for (TablePlan t : tables) {
            ddl.addAll(indexSql(t));
        }
        for (TablePlan t : tables) {
            for (ForeignKeySpec fk : t.source().foreignKeys()) {
                TablePlan referenced = AfterData.referenced(tables, fk);
                if (referenced != null) {
                    ddl.add(foreignKeySql(t, fk, referenced));
                }
            }
        }
        return ddl;
    }

    /** The table with its primary key, as the schema command and --ddl-out give it. */
    public String createTableSql(TablePlan table) {
        return createTableSql(table, true);
    }

    private String createTableSql(TablePlan table, boolean withPrimaryKey) {
        SourceDialect source = databases.sourceDialect();
        TargetDialect target = databases.targetDialect();
        List<String> lines = new ArrayList<>();
        List<ColumnSpec> columns = table.source().columns();
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec c = columns.get(i);
            StringBuilder line = new StringBuilder("    ")
                    .append(target.quoteIfNeeded(table.targetColumns().get(i))).append(' ')
                    .append(target.targetType(columnType(table, c)));
            String dflt = source.postgresDefault(c);
            String identity = c.autoIncrement() && INTEGERS.contains(columnType(table, c))
                    ? target.identityClause(target.qualifiedTarget(table.targetSchema(), table.names().sequence(c.name()))) : null;
            if (identity != null) {
                line.append(' ').append(identity);
            } else if (dflt != null) {
                line.append(" DEFAULT ").append(dflt);
            } else if (c.defaultValue() != null && !c.autoIncrement()) {
                LOG.info("{}.{}: default {} has no portable equivalent; the target column has no default",
                        table.id(), c.name(), c.defaultValue());
            }
            if (!c.nullable()) {
                line.append(" NOT NULL");
            }
            String check = source.postgresCheck(c, target.quoteIfNeeded(table.targetColumns().get(i)));
            if (check != null) {
                line.append(' ').append(check);
            }
            lines.add(line.toString());
        }
        if (withPrimaryKey && !table.source().primaryKey().isEmpty()) {
            List<String> key = table.source().primaryKey().stream().map(k -> target.quoteIfNeeded(table.targetColumn(k))).toList();
            lines.add("    CONSTRAINT " + target.quoteIfNeeded(table.names().primaryKey()) + " PRIMARY KEY (" + String.join(", ", key) + ")");
        }
        String partitioned = table.settings().partitionBy() == null ? ""
                : " " + target.partitionByRangeSql(target.quoteIfNeeded(table.targetColumn(table.settings().partitionBy())));
        return "CREATE TABLE IF NOT EXISTS " + target.qualifiedTarget(table.targetSchema(), table.targetName())
                + " (\n" + String.join(",\n", lines) + "\n)" + partitioned;
    }

    /**
     * replicator.table.<t>.partition-by: creates the partitions a partitioned table's chunk plan writes
     * into (one per month chunk, and DEFAULT), if they do not exist, on {@code c} (the load runs this in
     * the transaction that records the plan, after the table is emptied), then checks that each is a
     * partition of the table: a table of that name made elsewhere would otherwise take the month's rows.
     *
     * @return the partitions
     */
    public List<MonthPartitions.Partition> ensurePartitions(Connection c, TablePlan table, List<KeyRange> ranges) throws SQLException {
        if (table.settings().partitionBy() == null) {
            return List.of();
        }
        TargetDialect target = databases.targetDialect();
        List<MonthPartitions.Partition> partitions = MonthPartitions.of(table, ranges, target.identifierLimit());
        String parent = target.qualifiedTarget(table.targetSchema(), table.targetName());
        try (Statement st = c.createStatement()) {
            for (MonthPartitions.Partition p : partitions) {
                st.execute(target.createPartitionSql(parent, target.qualifiedTarget(table.targetSchema(), p.name()), p.from(), p.to()));
            }
        } catch (SQLException e) {
            throw new SQLException("Creating the partitions of " + table.targetQualifiedName() + " for " + table.id() + " ("
                    + ReplicatorSettings.TABLE_PREFIX + table.source().name() + ReplicatorSettings.PARTITION_BY + ") failed: " + e.getMessage()
                    + ("42809".equals(e.getSQLState()) ? " The target table exists and is not partitioned (an earlier load without the"
                    + " setting made it): drop it, then load again." : ""), e.getSQLState(), e);
        }
        Map<String, String> found = target.partitions(c, table.targetSchema(), table.targetName());
        for (MonthPartitions.Partition p : partitions) {
            if (!found.containsKey(p.name())) {
                throw new IllegalStateException("Table " + table.targetQualifiedName() + " (" + table.id() + ") has no partition "
                        + p.name() + " after creating it: a table of that name exists that is not its partition. Rename or drop it,"
                        + " then load --resume.");
            }
        }
        return partitions;
    }

    /**
     * The partition of a month a sync writes into, created if the table has none for it (a month that
     * was not in the source when the table was loaded), on the sync's own transaction. A month whose rows
     * are in the DEFAULT partition already (written there by someone else) makes PostgreSQL refuse the new
     * partition: the message says what to do.
     *
     * @return whether it was created
     */
    public boolean ensureMonthPartition(Connection c, TablePlan table, java.time.YearMonth month, Set<String> existing) throws SQLException {
        TargetDialect target = databases.targetDialect();
        MonthPartitions.Partition p = MonthPartitions.month(table, month, target.identifierLimit());
        if (existing.contains(p.name())) {
            return false;
        }
        String parent = target.qualifiedTarget(table.targetSchema(), table.targetName());
        try (Statement st = c.createStatement()) {
            st.execute(target.createPartitionSql(parent, target.qualifiedTarget(table.targetSchema(), p.name()), p.from(), p.to()));
        } catch (SQLException e) {
            throw new SQLException("Creating partition " + p.name() + " of " + table.targetQualifiedName() + " for the month " + month
                    + " of changed rows failed: " + e.getMessage() + ("23514".equals(e.getSQLState()) ? " Rows of that month are in the"
                    + " DEFAULT partition already (written to the target outside the replicator): move them out of it, then sync again." : ""),
                    e.getSQLState(), e);
        }
        existing.add(p.name());
        return true;
    }

    /**
     * The target type of a column: a cast for this column ({@code replicator.cast.column.<table>.<column>}),
     * else a cast for its source type ({@code replicator.cast.type.<type>}, by the full type name such
     * as {@code tinyint(1)} or by its base name such as {@code datetime}), else the dialect's mapping.
     * A cast changes the column's type, not the values: they are written in their usual text form,
     * which the chosen type must accept (text for varchar, bigint for int, timestamptz for timestamp).
     */
    /**
     * The statements that move the table's identity sequences past the largest value it holds,
     * never backwards (rows the target's own writers added keep theirs): after a load and after
     * each sync transaction that wrote rows, the target's next insert gets a key of its own.
     */
    public List<String> identityResets(TablePlan table) {
        TargetDialect target = databases.targetDialect();
        String qualified = target.qualifiedTarget(table.targetSchema(), table.targetName());
        List<String> result = new ArrayList<>();
        for (int i = 0; i < table.source().columns().size(); i++) {
            ColumnSpec c = table.source().columns().get(i);
            if (c.autoIncrement() && columnType(table, c).matches("smallint|integer|bigint")) {
                String sql = target.resetIdentitySql(qualified, table.targetColumns().get(i));
                if (sql != null) {
                    result.add(sql);
                }
            }
        }
        return result;
    }

    public String columnType(TablePlan table, ColumnSpec column) {
        String own = table.settings().columnCasts().get(column.name());
        if (own != null) {
            return own;
        }
        String typeName = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT).strip();
        String cast = settings.castTypes().get(typeName);
        if (cast == null && typeName.contains("(")) {
            cast = settings.castTypes().get(typeName.substring(0, typeName.indexOf('(')).strip());
        }
        return cast != null ? cast : databases.sourceDialect().postgresType(column);
    }

    /** CREATE [UNIQUE] INDEX IF NOT EXISTS statements for the table's secondary indexes that the target can build. */
    public List<String> indexSql(TablePlan table) throws SQLException {
        return indexes(table).stream().map(IndexBuild::sql).filter(java.util.Objects::nonNull).toList();
    }

    /**
     * What the run does not carry to the target: the source's views, triggers, routines, ON UPDATE
     * clauses, check constraints and comments around its tables, and the indexes the target cannot
     * build as the source meant (each said in a warning, naming it and its table). Indexes of tables
     * that exist already (--data-only, --ddl-in) are their creator's, and not listed.
     */
    public List<NotCarried> notCarried(List<TablePlan> tables) throws SQLException {
        List<NotCarried> result;
        try (Connection source = databases.source().getConnection()) {
            result = new ArrayList<>(new CatalogReader(databases.sourceDialect())
                    .notCarried(source, tables.stream().map(TablePlan::source).toList()));
        }
        if (!tablesExist()) {
            for (TablePlan table : tables) {
                for (IndexBuild index : indexes(table)) {
                    if (index.leftOut() != null) {
                        LOG.warn("{}: index {} is left out: {}", table.id(), index.leftOut().name(), index.leftOut().reason());
                        result.add(index.leftOut());
                    }
                }
            }
        }
        return result;
    }

    /** A source index as the target builds it ({@code sql}), or as it is left out ({@code leftOut}). */
    private record IndexBuild(String sql, NotCarried leftOut) {
    }

    /**
     * The rules for a table's indexes (docs/TYPES.md, "Indexes"): ordinary ones as they are, column
     * prefixes as substring(column, 1, n), full-text ones as GIN over to_tsvector, spatial ones as
     * GiST over the PostGIS geometry when the target database has PostGIS; expression and partial
     * indexes (the source engine's SQL) and others left out.
     */
    private List<IndexBuild> indexes(TablePlan table) throws SQLException {
        List<IndexBuild> result = new ArrayList<>();
        for (IndexSpec index : table.source().indexes()) {
            result.add(index(table, index));
        }
        return result;
    }

    private IndexBuild index(TablePlan table, IndexSpec index) throws SQLException {
        TargetDialect target = databases.targetDialect();
        switch (index.kind()) {
            case EXPRESSION -> {
                return leftOut(table, index, NotCarried.Kind.EXPRESSION_INDEX, "it indexes expressions, written in the source engine's SQL");
            }
            case PARTIAL -> {
                return leftOut(table, index, NotCarried.Kind.PARTIAL_INDEX,
                        "it covers only the rows of a condition written in the source engine's SQL");
            }
            case OTHER -> {
                return leftOut(table, index, NotCarried.Kind.OTHER_INDEX, "the target has no index of its kind");
            }
            default -> {
                // over columns: built below
            }
        }
        String partitionBy = table.settings().partitionBy();
        if (index.unique() && partitionBy != null && !index.columns().contains(partitionBy)) {
            return leftOut(table, index, NotCarried.Kind.OTHER_INDEX, "it is unique without the partition column " + partitionBy
                    + ", and PostgreSQL builds a unique index of a partitioned table only over the partition column too");
        }
        List<String> columns = index.columns().stream().map(table::targetColumn).toList();
        List<String> quoted = columns.stream().map(target::quoteIfNeeded).toList();
        if (index.kind() == IndexSpec.Kind.FULLTEXT) {
            String key = target.fullTextIndexKey(quoted);
            return key != null ? create(table, index, key)
                    : leftOut(table, index, NotCarried.Kind.FULLTEXT_INDEX, target.name() + " has no full-text index");
        }
        if (index.kind() == IndexSpec.Kind.SPATIAL) {
            String geometry = geometry(table, index, quoted.get(0));
            if (geometry == null) {
                return leftOut(table, index, NotCarried.Kind.SPATIAL_INDEX, "its column does not hold geometries the target can index");
            }
            String key;
            try (Connection c = databases.target().getConnection()) {
                key = target.spatialIndexKey(c, geometry);
            }
            return key != null ? create(table, index, key)
                    : leftOut(table, index, NotCarried.Kind.SPATIAL_INDEX, "the target database has no PostGIS to build it as a GiST"
                    + " index over the geometry: create the extension there before the load (CREATE EXTENSION postgis), or index"
                    + " the column by hand");
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < quoted.size(); i++) {
            int prefix = index.prefixLengths().get(i);
            String part = prefix == 0 ? quoted.get(i) : target.prefixIndexKey(quoted.get(i), prefix);
            if (part == null) {
                return leftOut(table, index, NotCarried.Kind.OTHER_INDEX, "it covers a prefix of a column's values, and "
                        + target.name() + " has no index over an expression");
            }
            parts.add(part);
        }
        return create(table, index, "(" + String.join(", ", parts) + ")");
    }

    /** CREATE [UNIQUE] INDEX IF NOT EXISTS, named by the plan ({@code <table>_<columns>_idx/_key/_fts_idx/_gist_idx}), ON table {@code key}. */
    private IndexBuild create(TablePlan table, IndexSpec index, String key) {
        TargetDialect target = databases.targetDialect();
        return new IndexBuild("CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX IF NOT EXISTS "
                + target.quoteIfNeeded(table.names().index(index))
                + " ON " + target.qualifiedTarget(table.targetSchema(), table.targetName()) + " " + key, null);
    }

    private static IndexBuild leftOut(TablePlan table, IndexSpec index, NotCarried.Kind kind, String why) {
        String label = index.name() + " (" + index.columns().stream()
                .map(c -> c == null ? "an expression" : c).collect(Collectors.joining(", ")) + ")";
        return new IndexBuild(null, new NotCarried(kind, table.id(), label, why));
    }

    /**
     * The PostGIS geometry of a spatial index's column: the source's stored bytes made a geometry by
     * the source dialect's rule, or the column itself when a cast made it a geometry; null otherwise.
     */
    private String geometry(TablePlan table, IndexSpec index, String quotedColumn) {
        if (index.columns().size() != 1) {
            return null;
        }
        ColumnSpec column = table.source().column(index.columns().get(0)).orElseThrow();
        String type = columnType(table, column).toLowerCase(Locale.ROOT);
        if (type.equals("bytea")) {
            return databases.sourceDialect().postgisGeometry(column, quotedColumn);
        }
        return type.startsWith("geometry") || type.startsWith("geography") ? quotedColumn : null;
    }

    /** ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ... REFERENCES ..., with the source's rules. */
    public String foreignKeySql(TablePlan table, ForeignKeySpec fk, TablePlan referenced) {
        TargetDialect target = databases.targetDialect();
        List<String> columns = fk.columns().stream().map(table::targetColumn).toList();
        List<String> refColumns = fk.referencedColumns().stream().map(referenced::targetColumn).toList();
        return "ALTER TABLE " + target.qualifiedTarget(table.targetSchema(), table.targetName())
                + " ADD CONSTRAINT " + target.quoteIfNeeded(table.names().foreignKey(fk))
                + " FOREIGN KEY (" + columns.stream().map(target::quoteIfNeeded).collect(Collectors.joining(", ")) + ")"
                + " REFERENCES " + target.qualifiedTarget(referenced.targetSchema(), referenced.targetName())
                + " (" + refColumns.stream().map(target::quoteIfNeeded).collect(Collectors.joining(", ")) + ")"
                + " ON UPDATE " + fk.onUpdate() + " ON DELETE " + fk.onDelete();
    }

    /**
     * --data-only: the plan narrowed to the columns the existing target table has (by name, then
     * ignoring case). Source columns without a target column are not copied and target columns
     * without a source column keep their defaults; both are said.
     */
    TablePlan alignWithExisting(TablePlan plan) throws SQLException {
        Map<String, String> existing = new LinkedHashMap<>();
        try (Connection c = databases.target().getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            for (String[] name : candidates(plan)) {
                try (ResultSet rs = md.getColumns(null, name[0], name[1], "%")) {
                    while (rs.next()) {
                        existing.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getString("COLUMN_NAME"));
                    }
                }
                if (!existing.isEmpty()) {
                    break;
                }
            }
        }
        if (existing.isEmpty()) {
            throw new InvalidSettingException("replicator.data-only", "Target table " + plan.targetQualifiedName()
                    + " (for " + plan.id() + ") does not exist. With --data-only or --ddl-in the target tables must exist:"
                    + " create it, or leave the table out with --exclude=" + plan.source().name() + ".");
        }
        List<ColumnSpec> columns = new ArrayList<>();
        List<String> targetColumns = new ArrayList<>();
        List<String> notCopied = new ArrayList<>();
        for (int i = 0; i < plan.source().columns().size(); i++) {
            String wanted = plan.targetColumns().get(i);
            String found = existing.remove(wanted.toLowerCase(Locale.ROOT));
            if (found == null) {
                notCopied.add(plan.source().columns().get(i).name());
            } else {
                columns.add(plan.source().columns().get(i));
                targetColumns.add(found);
            }
        }
        if (!notCopied.isEmpty()) {
            LOG.warn("{}: source columns with no column in {} are not copied: {}", plan.id(), plan.targetQualifiedName(),
                    String.join(", ", notCopied));
        }
        if (!existing.isEmpty()) {
            LOG.warn("{}: columns of {} with no source column keep their defaults: {}", plan.id(), plan.targetQualifiedName(),
                    String.join(", ", existing.values()));
        }
        TableSpec s = plan.source();
        TableSpec narrowed = new TableSpec(s.catalog(), s.schema(), s.name(), columns,
                columns.stream().map(ColumnSpec::name).toList().containsAll(s.primaryKey()) ? s.primaryKey() : List.of(),
                List.of(), List.of(), List.of(), s.estimatedRows());
        return new TablePlan(plan.order(), narrowed, plan.targetSchema(), plan.targetName(), targetColumns, plan.settings(), plan.names());
    }

    /** The target table as planned, then as the engine may have folded an unquoted name. */
    private static List<String[]> candidates(TablePlan plan) {
        String schema = plan.targetSchema();
        String table = plan.targetName();
        return List.of(new String[] {schema, table},
                new String[] {schema == null ? null : schema.toLowerCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)},
                new String[] {schema == null ? null : schema.toUpperCase(Locale.ROOT), table.toUpperCase(Locale.ROOT)});
    }

    /**
     * Runs a hand-edited DDL file. PostgreSQL takes the file whole (its driver splits statements
     * and knows quotes and dollar quoting); other engines get it split at lines ending with ";".
     */
    private void runDdlFile(Path file) throws SQLException, IOException {
        String ddl = Files.readString(file, StandardCharsets.UTF_8);
        try (Connection c = databases.target().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            if (databases.targetDialect().copiesText()) {
                st.execute(ddl);
            } else {
                for (String statement : ddl.split(";\\s*(\\R|$)")) {
                    if (!statement.isBlank()) {
                        st.execute(statement);
                    }
                }
            }
        } catch (SQLException e) {
            throw new SQLException("Running the DDL file " + file + " (--ddl-in) failed: " + e.getMessage(), e.getSQLState(), e);
        }
        CONSOLE.info("Ran the DDL file {}", file);
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = databases.target().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute(sql);
        }
    }
}

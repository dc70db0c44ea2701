package org.camelreplicator.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.camelreplicator.dialect.CatalogReader;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.SourceNames;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.copy.BatchWriter;
import org.camelreplicator.copy.CopyBinaryEncoder;
import org.camelreplicator.copy.JdbcBatchWriter;
import org.camelreplicator.copy.RowBatch;
import org.camelreplicator.copy.WriteOptions;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.SourceDialect;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.plan.TableSettings;
import org.camelreplicator.plan.TargetNames;
import org.camelreplicator.schema.TargetSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code bench} command: times the ways rows can go into the user's own target
 * ({@link InsertMode}) with the same generated rows, in a scratch table
 * ({@code replicator_bench_<random>}) that it creates for the bench and drops in a finally block,
 * whatever happens to a mode, and when the process is asked to stop. The table has no key or index,
 * as a load creates its tables (their keys are built after the data): the bench measures the
 * insert path alone. Each mode starts on an empty table and must leave exactly --records rows in it
 * (COUNT(*)), else it is reported as failed. The target's own session settings apply (a load's chunks
 * run with {@code Dialect.chunkTransactionSettings}, which the bench leaves out so that row-by-row
 * commits are what a naive loader gets).
 */
public final class InsertBench {

    private static final Logger LOG = LoggerFactory.getLogger(InsertBench.class);

    /** Rows per multi-row INSERT at most, and bind parameters per statement at most: SQL Server's limits, the lowest of the targets. */
    static final int VALUES_MAX_ROWS = 1000;
    static final int VALUES_MAX_PARAMETERS = 2000;

    /** How often a row-by-row mode looks for a stop request. */
    private static final int STOP_CHECK_ROWS = 1000;

    /**
     * What to run.
     *
     * @param records        rows per mode
     * @param skipIndividual leave out the row-by-row modes
     * @param like           the source table whose columns the rows take, or null for the built-in sample
     */
    public record Options(long records, boolean skipIndividual, String like) {
    }

    /** The process was asked to stop (SIGTERM, Ctrl-C) during the bench; the scratch table is dropped by then. */
    public static final class Stopped extends RuntimeException {
        Stopped() {
            super("the bench was stopped");
        }
    }

    private final Databases databases;
    private final ReplicatorSettings settings;
    private final TargetSchema targetSchema;
    private final BooleanSupplier stopRequested;
    private final Consumer<String> verbose;

    /**
     * @param stopRequested whether the process is asked to stop; looked at between batches
     * @param verbose       where the steps are told (--verbose), or a sink that drops them
     */
    public InsertBench(Databases databases, ReplicatorSettings settings, TargetSchema targetSchema, BooleanSupplier stopRequested,
                       Consumer<String> verbose) {
        this.databases = databases;
        this.settings = settings;
        this.targetSchema = targetSchema;
        this.stopRequested = stopRequested;
        this.verbose = verbose;
    }

    /** The built-in shape: the project's benchmark table (bench/run.sh), only {@code note} nullable (one row in ten NULL). */
    static final List<String[]> SAMPLE = List.of(
            new String[] {"id", "bigint"}, new String[] {"n", "integer"}, new String[] {"ts", "timestamp"},
            new String[] {"amount", "numeric(12,2)"}, new String[] {"name", "varchar(64)"}, new String[] {"note", "text"},
            new String[] {"flag", "boolean"}, new String[] {"uid", "char(36)"});

    /** The rows' shape: the scratch table's plan (its source is the --like table or the sample) and each column's PostgreSQL type. */
    private record Shape(String description, TablePlan plan, List<String> types) {
        List<Boolean> nullable() {
            return plan.source().columns().stream().map(ColumnSpec::nullable).toList();
        }
    }

    public BenchReport run(Options options) throws SQLException {
        TargetDialect target = databases.targetDialect();
        String description = databases.describeTarget();
        DataSource pool = databases.target();
        String name = "replicator_bench_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String schema;
        try (Connection c = pool.getConnection()) {
            schema = targetSchemaOf(c);
        }
        Shape shape = options.like() == null ? sample(schema, name) : like(options.like(), schema, name);
        RowGenerator rows = new RowGenerator(shape.plan.targetColumns(), shape.types, shape.nullable(), shape.description);
        String qualified = target.qualifiedTarget(schema, name);
        Map<String, String> columns = new LinkedHashMap<>();
        for (int i = 0; i < shape.types.size(); i++) {
            columns.put(shape.plan.targetColumns().get(i), target.targetType(shape.types.get(i)));
        }
        verbose.accept("Target: " + description);
        List<BenchReport.Result> results = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean created = false;
        try {
            List<String> definitions = new ArrayList<>();
            List<ColumnSpec> specs = shape.plan.source().columns();
            for (int i = 0; i < specs.size(); i++) {
                String column = shape.plan.targetColumns().get(i);
                definitions.add(target.quoteIfNeeded(column) + " " + columns.get(column) + (specs.get(i).nullable() ? "" : " NOT NULL"));
            }
            String ddl = "CREATE TABLE " + qualified + " (" + String.join(", ", definitions) + ")";
            verbose.accept("Scratch table: " + ddl);
            execute(pool, ddl);
            created = true;
            for (InsertMode mode : InsertMode.values()) {
                if (mode.individual() && options.skipIndividual()) {
                    continue;
                }
                if (mode.copy() && !target.copiesText()) {
                    if (mode == InsertMode.COPY_TEXT) {
                        notes.add("No COPY modes: " + target.name() + " has no COPY FROM STDIN (a PostgreSQL target has).");
                    }
                    continue;
                }
                if (mode == InsertMode.COPY_BINARY && !(CopyBinaryEncoder.supports(shape.types)
                        && shape.types.stream().allMatch(t -> target.copiesBinary(CopyBinaryEncoder.baseType(t))))) {
                    notes.add("No COPY binary: the bench has no binary encoding for every column type of " + shape.description + ".");
                    continue;
                }
                results.add(runMode(mode, pool, shape.plan, shape.types, rows, options.records(), qualified));
            }
        } finally {
            if (created) {
                drop(pool, qualified);
            }
        }
        return new BenchReport(description, qualified, shape.description, columns, options.records(), results, notes);
    }

    private BenchReport.Result runMode(InsertMode mode, DataSource pool, TablePlan plan, List<String> types, RowGenerator rows,
                                       long records, String qualified) throws SQLException {
        execute(pool, databases.targetDialect().truncateSql(qualified));
        int columns = types.size();
        int batchRows = settings.batchRows();
        int valuesRows = Math.max(1, Math.min(VALUES_MAX_ROWS, VALUES_MAX_PARAMETERS / columns));
        String detail = switch (mode) {
            case JDBC_BATCH -> String.format(Locale.ROOT, "%,d rows per batch", batchRows);
            case MULTI_ROW_VALUES -> String.format(Locale.ROOT, "%,d rows per statement", valuesRows);
            case COPY_TEXT, COPY_BINARY -> "one COPY";
            default -> "";
        };
        verbose.accept(mode.label() + ": " + String.format(Locale.ROOT, "%,d", records) + " rows" + (detail.isEmpty() ? "" : ", " + detail));
        try (Connection c = pool.getConnection()) {
            long started = System.nanoTime();
            try {
                switch (mode) {
                    case ROW_COMMIT, ROW_TRANSACTION -> rowByRow(c, plan, rows, records, mode == InsertMode.ROW_COMMIT);
                    case JDBC_BATCH -> jdbcBatches(c, plan, rows, records, batchRows);
                    case MULTI_ROW_VALUES -> multiRowValues(c, plan, rows, records, valuesRows);
                    case COPY_TEXT -> copy(c, plan, rows, records, batchRows, null);
                    case COPY_BINARY -> copy(c, plan, rows, records, batchRows, new CopyBinaryEncoder(types));
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            } catch (SQLException | RuntimeException e) {
                if (!c.getAutoCommit()) {
                    Databases.rollbackAfter(c, e);
                }
                if (e instanceof Stopped) {
                    throw e;
                }
                LOG.warn(org.camelreplicator.observe.LogFile.FILE_ONLY, "bench mode {} failed", mode.id(), e);
                verbose.accept(mode.label() + " failed: " + Errors.describe(e));
                return new BenchReport.Result(mode, detail, -1, 0, Errors.describe(e));
            } finally {
                c.setAutoCommit(true);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long count = count(c, qualified);
            if (count != records) {
                return new BenchReport.Result(mode, detail, -1, seconds, "the table holds " + count + " rows after it, not " + records);
            }
            verbose.accept(String.format(Locale.ROOT, "%s: %,d rows in %.2f s (%,.0f rows/s); COUNT(*) = %,d", mode.label(), records, seconds,
                    records / Math.max(seconds, 1e-9), count));
            return new BenchReport.Result(mode, detail, count, seconds, null);
        }
    }

    private void rowByRow(Connection c, TablePlan plan, RowGenerator rows, long records, boolean commitEach) throws SQLException {
        c.setAutoCommit(commitEach);
        try (PreparedStatement ps = c.prepareStatement(insertSql(plan, 1))) {
            for (long i = 0; i < records; i++) {
                if (i % STOP_CHECK_ROWS == 0) {
                    checkStop();
                }
                bind(ps, 0, rows.row(i));
                ps.executeUpdate();
            }
        }
    }

    /** The load's own JDBC writer (how a non-PostgreSQL target is loaded), one batch at a time. */
    private void jdbcBatches(Connection c, TablePlan plan, RowGenerator rows, long records, int batchRows) throws SQLException {
        c.setAutoCommit(false);
        JdbcBatchWriter writer = new JdbcBatchWriter(databases.targetDialect());
        for (long from = 0; from < records; from += batchRows) {
            checkStop();
            writer.write(c, plan, batch(rows, from, Math.min(records, from + batchRows)), WriteOptions.STRICT);
        }
    }

    private void multiRowValues(Connection c, TablePlan plan, RowGenerator rows, long records, int perStatement) throws SQLException {
        c.setAutoCommit(false);
        long full = records / perStatement * perStatement;
        int columns = plan.targetColumns().size();
        if (full > 0) {
            try (PreparedStatement ps = c.prepareStatement(insertSql(plan, perStatement))) {
                for (long from = 0; from < full; from += perStatement) {
                    checkStop();
                    for (int r = 0; r < perStatement; r++) {
                        bind(ps, r * columns, rows.row(from + r));
                    }
                    ps.executeUpdate();
                }
            }
        }
        if (records > full) {
            try (PreparedStatement ps = c.prepareStatement(insertSql(plan, (int) (records - full)))) {
                for (long i = full; i < records; i++) {
                    bind(ps, (int) (i - full) * columns, rows.row(i));
                }
                ps.executeUpdate();
            }
        }
    }

    /** One COPY FROM STDIN through the dialect's bulk writer (PostgreSQL's {@code PgCopyWriter}): text from values, or binary batches. */
    private void copy(Connection c, TablePlan plan, RowGenerator rows, long records, int batchRows, CopyBinaryEncoder binary)
            throws SQLException {
        c.setAutoCommit(false);
        BatchWriter.ChunkWrite write = BatchWriter.of(databases.targetDialect()).open(c, plan, WriteOptions.STRICT);
        try {
            if (binary != null) {
                binary.header();
            }
            for (long from = 0; from < records; from += batchRows) {
                checkStop();
                long to = Math.min(records, from + batchRows);
                if (binary == null) {
                    write.write(batch(rows, from, to));
                } else {
                    for (long i = from; i < to; i++) {
                        binary.row(rows.row(i));
                    }
                    write.write(binary.take());
                }
            }
            write.finish();
        } finally {
            write.cancel();
        }
    }

    private static RowBatch batch(RowGenerator rows, long from, long to) {
        List<Object[]> batch = new ArrayList<>((int) (to - from));
        for (long i = from; i < to; i++) {
            batch.add(rows.row(i));
        }
        return new RowBatch(batch);
    }

    private static void bind(PreparedStatement ps, int offset, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            ps.setObject(offset + i + 1, values[i]);
        }
    }

    private String insertSql(TablePlan plan, int rows) {
        TargetDialect target = databases.targetDialect();
        String columns = plan.targetColumns().stream().map(target::quoteIfNeeded).collect(Collectors.joining(", "));
        String row = "(" + String.join(", ", Collections.nCopies(plan.targetColumns().size(), "?")) + ")";
        return "INSERT INTO " + target.qualifiedTarget(plan.targetSchema(), plan.targetName()) + " (" + columns + ") VALUES "
                + String.join(", ", Collections.nCopies(rows, row));
    }

    private void checkStop() {
        if (stopRequested.getAsBoolean()) {
            throw new Stopped();
        }
    }

    /** The sample shape: its columns as a table of their own, the types PostgreSQL's. */
    private Shape sample(String schema, String name) {
        List<ColumnSpec> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (String[] c : SAMPLE) {
            columns.add(new ColumnSpec(c[0], java.sql.Types.OTHER, c[1], 0, 0, c[0].equals("note"), null, false));
            types.add(c[1]);
        }
        TableSpec spec = new TableSpec(null, null, "sample", columns, List.of(), -1);
        return new Shape("the built-in sample", new TablePlan(0, spec, schema, name, columns.stream().map(ColumnSpec::name).toList()),
                types);
    }

    /**
     * The --like table's shape: found in the source catalog as every setting finds a table, its
     * columns named and typed as a load would create them (naming, casts, the dialect's mapping).
     */
    private Shape like(String like, String schema, String name) throws SQLException {
        SourceDialect source = databases.sourceDialect();
        List<TableSpec> tables;
        try (Connection c = databases.source().getConnection()) {
            tables = new CatalogReader(source).readTables(c, settings.sourceSchema().isEmpty() ? source.defaultSchema(c) : settings.sourceSchema());
        }
        TableSpec table = SourceNames.table(tables, like, "--like").orElseThrow(() -> new InvalidSettingException("--like",
                "--like=" + like + ": the source has no such table (" + databases.describeSource() + "). " + SourceNames.tableNames(tables)
                        + " Give one of them (table or schema.table; --source-schema chooses the schema), or leave --like out for the built-in sample."));
        Map<TableSpec, TableSettings> tableSettings = TableSettings.resolve(tables, settings);
        TargetDialect target = databases.targetDialect();
        TablePlan planned = new TargetNames(settings.naming(), target.identifierLimit(), target.name())
                .plan(tables, List.of(table), tableSettings, schema).get(0);
        TablePlan scratch = new TablePlan(0, table, schema, name, planned.targetColumns(), planned.settings(),
                org.camelreplicator.plan.GeneratedNames.NONE);
        List<String> types = table.columns().stream().map(c -> targetSchema.columnType(scratch, c)).toList();
        return new Shape(table.qualifiedName(), scratch, types);
    }

    /**
     * The schema the scratch table goes in: replicator.target-schema (--target-schema) as the target
     * spells it, else the one that matches ignoring case (H2 keeps PUBLIC); it must exist, since the
     * bench creates nothing but its table.
     */
    private String targetSchemaOf(Connection c) throws SQLException {
        String wanted = settings.targetSchema();
        if (wanted == null || wanted.isBlank()) {
            return null;
        }
        List<String> schemas = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getSchemas()) {
            while (rs.next()) {
                schemas.add(rs.getString("TABLE_SCHEM"));
            }
        }
        if (schemas.isEmpty() || schemas.contains(wanted)) {
            return wanted;
        }
        List<String> ignoringCase = schemas.stream().filter(s -> s.equalsIgnoreCase(wanted)).toList();
        if (ignoringCase.size() == 1) {
            return ignoringCase.get(0);
        }
        throw new InvalidSettingException("replicator.target-schema", "The target has no schema '" + wanted
                + "' for the bench's scratch table (it has: " + String.join(", ", schemas)
                + "). Give an existing one with --target-schema=NAME; the bench creates nothing but its table.");
    }

    private static long count(Connection c, String qualified) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + qualified)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(DataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            st.execute(sql);
        }
    }

    /** Drops the scratch table on a connection of its own: the one a failed mode used may be broken. */
    private void drop(DataSource pool, String qualified) {
        try {
            execute(pool, "DROP TABLE IF EXISTS " + qualified);
            verbose.accept("Dropped " + qualified);
        } catch (SQLException | RuntimeException e) {
            LOG.error("Could not drop the bench's scratch table {}: {}. Drop it by hand: DROP TABLE {}", qualified, Errors.describe(e),
                    qualified);
        }
    }
}

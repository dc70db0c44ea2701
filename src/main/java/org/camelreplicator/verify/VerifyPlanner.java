package org.camelreplicator.verify;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.camelreplicator.dialect.CatalogReader;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.config.VerifySettings;
import org.camelreplicator.dialect.ServerDigest;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.LoadOfTable;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.LoadPlanner;
import org.camelreplicator.plan.TablePlan;

/**
 * Decides how a table is verified: the ranges to compare (the chunk plan the load recorded in the
 * ledger, or a fresh one when the ledger has none), limited by {@code --keys} and {@code --from}/
 * {@code --to}; how each target column's values compare ({@link ValueForm}, from the target's own
 * catalog); and whether the servers digest the ranges themselves. A table whose load did not copy
 * every row is not compared.
 */
final class VerifyPlanner {

    private final Databases databases;
    private final ReplicatorSettings settings;
    private final LoadPlanner loadPlanner;
    private final Ledger ledger;

    VerifyPlanner(Databases databases, ReplicatorSettings settings, LoadPlanner loadPlanner, Ledger ledger) {
        this.databases = databases;
        this.settings = settings;
        this.loadPlanner = loadPlanner;
        this.ledger = ledger;
    }

    /** The target's tables of the run's target schema, by lower-cased {@code schema.table}. */
    Map<String, TableSpec> targetTables() throws SQLException {
        Map<String, TableSpec> result = new HashMap<>();
        TargetDialect target = databases.targetDialect();
        try (Connection c = databases.target().getConnection()) {
            for (TableSpec t : new CatalogReader(target).readTables(c, settings.targetSchema())) {
                result.put(((t.schema() == null ? "" : t.schema() + ".") + t.name()).toLowerCase(Locale.ROOT), t);
            }
        }
        return result;
    }

    /** How one table is verified in a run. */
    VerifyTable plan(TablePlan plan, VerifyRun run) throws SQLException {
        String targetName = databases.targetDialect().qualifiedTarget(plan.targetSchema(), plan.targetName());
        TableSpec target = run.targetTable(plan.targetSchema(), plan.targetName());
        if (target == null) {
            return VerifyTable.notLoaded(plan, targetName, "there is no table " + targetName + " on the target: load it first");
        }
        Optional<LoadOfTable> load = ledger.latestLoadOf(plan.id());
        if (load.isPresent() && !load.get().rowsCopied()) {
            return VerifyTable.notLoaded(plan, targetName, "its load (run " + load.get().runId() + ") is " + load.get().status()
                    + " and has not copied every row: finish it with load --resume, then verify");
        }
        List<KeyRange> ranges = load.isPresent() ? ledger.chunkRanges(load.get().runId(), plan.id()) : loadPlanner.planChunks(plan);
        TableSpec source = plan.source();
        List<ValueForm> forms = new ArrayList<>();
        List<String> casts = new ArrayList<>();
        for (int i = 0; i < source.columns().size(); i++) {
            ColumnSpec targetColumn = column(target, plan.targetColumns().get(i), plan, source.columns().get(i));
            forms.add(ValueForm.of(targetColumn));
            String sourceType = source.columns().get(i).typeName();
            casts.add(sourceType != null && sourceType.equals(targetColumn.typeName()) ? null : targetColumn.typeName());
        }
        int[] key = source.primaryKey().stream().mapToInt(k -> position(source, k)).toArray();
        String integerKey = key.length == 1 && isInteger(source.columns().get(key[0])) ? source.primaryKey().get(0) : null;
        String digest = serverDigest();
        ranges = limited(plan, comparable(source, ranges), integerKey);
        return new VerifyTable(plan, targetName, forms, key, integerKey, digest == null ? List.of() : casts, digest, ranges, null,
                settings.verify().maxKeys());
    }

    /** The digest both servers compute, when they compute the same one; else null: rows are hashed here as they stream. */
    private String serverDigest() {
        Optional<ServerDigest> source = databases.sourceDialect().serverDigest();
        Optional<ServerDigest> target = databases.targetDialect().serverDigest();
        return source.isPresent() && target.isPresent() && source.get().name().equals(target.get().name()) ? source.get().name() : null;
    }

    private static ColumnSpec column(TableSpec target, String name, TablePlan plan, ColumnSpec sourceColumn) {
        return target.column(name)
                .or(() -> target.columns().stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst())
                .orElseThrow(() -> new IllegalStateException("Target table " + plan.targetQualifiedName() + " has no column " + name
                        + " (source column " + sourceColumn.name() + "), so " + plan.id() + " cannot be compared column by column."
                        + " Its columns are " + target.columns().stream().map(ColumnSpec::name).toList()
                        + "; load the table again (load --tables=" + plan.id() + ") or verify with the naming it was loaded with."));
    }

    private static int position(TableSpec table, String column) {
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalStateException("Primary key column " + column + " is not a column of " + table.qualifiedName());
    }

    private static boolean isInteger(ColumnSpec c) {
        return switch (c.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> true;
            default -> false;
        };
    }

    /**
     * Keyset ranges bound text the way the source sorts it; a target of another engine sorts by its
     * own collation and would draw the boundaries elsewhere. Between two engines such a table is
     * compared as one range, unless its key sorts alike everywhere (numbers, dates).
     */
    private List<KeyRange> comparable(TableSpec source, List<KeyRange> ranges) {
        boolean sameEngine = databases.sourceDialect().name().equals(databases.targetDialect().name());
        boolean keysets = ranges.stream().anyMatch(r -> r instanceof KeyRange.KeysetRange);
        if (sameEngine || !keysets || source.primaryKey().stream().allMatch(k -> sortsAlike(source.column(k).orElseThrow()))) {
            return ranges;
        }
        return List.of(new KeyRange.WholeTable());
    }

    private static boolean sortsAlike(ColumnSpec c) {
        return switch (c.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.NUMERIC, Types.DATE, Types.TIMESTAMP -> true;
            default -> false;
        };
    }

    /** The ranges within --keys (integer keys) and --from/--to (months of tables split by month). */
    private List<KeyRange> limited(TablePlan plan, List<KeyRange> ranges, String integerKey) {
        VerifySettings verify = settings.verify();
        List<KeyRange> result = new ArrayList<>();
        for (KeyRange r : ranges) {
            KeyRange limited = r;
            if (verify.limitsKeys()) {
                if (integerKey == null || !(r instanceof KeyRange.IntegerRange ir)) {
                    throw new InvalidSettingException(VerifySettings.KEYS, "--keys limits tables by an integer key, and " + plan.id()
                            + " has none (its ranges are " + r.describe() + "). Leave it out with --exclude, or name the tables with --tables.");
                }
                limited = within(ir, verify.keysFrom(), verify.keysTo() == null ? null : verify.keysTo() + 1);
            }
            if (limited != null && (settings.fromMonth() != null || settings.toMonth() != null)) {
                limited = inMonths(limited);
            }
            if (limited != null) {
                result.add(limited);
            }
        }
        return result;
    }

    /** The part of an integer range within [from, to), or null when none is. */
    private static KeyRange within(KeyRange.IntegerRange r, Long from, Long to) {
        Long low = r.from() == null ? from : from == null ? r.from() : Long.valueOf(Math.max(r.from(), from));
        Long high = r.to() == null ? to : to == null ? r.to() : Long.valueOf(Math.min(r.to(), to));
        return low != null && high != null && low >= high ? null : new KeyRange.IntegerRange(r.column(), low, high);
    }

    /** A month range only when it overlaps the months asked for; rows without a date are left out of a limited verify. */
    private KeyRange inMonths(KeyRange r) {
        LocalDate from = settings.fromMonth() == null ? null : settings.fromMonth().atDay(1);
        LocalDate to = settings.toMonth() == null ? null : settings.toMonth().plusMonths(1).atDay(1);
        if (r instanceof KeyRange.NullValues) {
            return null;
        }
        if (r instanceof KeyRange.MonthRange m) {
            boolean before = to != null && m.from() != null && !m.from().isBefore(to);
            boolean after = from != null && m.to() != null && !m.to().isAfter(from);
            return before || after ? null : m;
        }
        return r;
    }
}

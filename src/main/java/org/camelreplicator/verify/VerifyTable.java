package org.camelreplicator.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.camelreplicator.ledger.VerifyTableRecord;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.TablePlan;

/**
 * One table of a verify run: how its two sides are read and compared, the ranges to compare, and
 * what comparing (and repairing) them found so far. The range workers of the table update it at
 * once, so its counts are atomic and its list of named rows is bounded and guarded.
 */
public final class VerifyTable {

    /** What the run does with the table. */
    enum Mode {
        /** Compare its ranges (and repair the ones that differ, with --repair). */
        COMPARE,
        /** A resumed run: the table was compared and differs; repair the ranges not repaired yet. */
        REPAIR_ONLY,
        /** A resumed run: the table's verification ended before; nothing to do. */
        DONE,
        /** Its load did not copy every row, or it has no target table: not compared. */
        NOT_LOADED
    }

    private final Mode mode;

    private final TablePlan plan;
    private final String targetTable;
    private final List<ValueForm> forms;
    private final int[] key;
    private final String integerKey;
    private final List<String> sourceCasts;
    private final String serverDigest;
    private final List<KeyRange> ranges;
    private final String notLoaded;
    private final int maxKeys;

    final AtomicInteger rangesEqual = new AtomicInteger();
    final AtomicInteger rangesDiffering = new AtomicInteger();
    final AtomicLong sourceRows = new AtomicLong();
    final AtomicLong targetRows = new AtomicLong();
    final AtomicLong missing = new AtomicLong();
    final AtomicLong extra = new AtomicLong();
    final AtomicLong changed = new AtomicLong();
    /** Rows in ranges that differ but whose rows cannot be named (the table has no key). */
    final AtomicLong unnamed = new AtomicLong();
    final AtomicLong repairedRows = new AtomicLong();
    final AtomicLong deletedRows = new AtomicLong();
    final AtomicInteger rangesRepaired = new AtomicInteger();
    private final AtomicInteger nextRangeNumber;
    private final List<Difference> differences = new ArrayList<>();
    private int recordedRanges;

    /**
     * @param plan          the table and its target names
     * @param targetTable   the target table as the target names it
     * @param forms         how each column's values compare, in the plan's column order
     * @param key           positions of the primary key's columns; empty when the table has none
     * @param integerKey    the source name of a single integer key column, which ranges can be split on; or null
     * @param sourceCasts   per column, the target type the source's server casts the column to before digesting it
     *                      (where a cast made the types differ), or null; empty when rows are hashed here
     * @param serverDigest  the name of the digest both servers compute, or null when rows are hashed here
     * @param ranges        the ranges to compare (numbered from 0)
     * @param notLoaded     why the table is not compared (its load did not finish), or null
     * @param maxKeys       how many differing rows are named (all are counted)
     */
    VerifyTable(TablePlan plan, String targetTable, List<ValueForm> forms, int[] key, String integerKey, List<String> sourceCasts,
                String serverDigest, List<KeyRange> ranges, String notLoaded, int maxKeys) {
        this(notLoaded == null ? Mode.COMPARE : Mode.NOT_LOADED, plan, targetTable, forms, key, integerKey, sourceCasts, serverDigest,
                ranges, notLoaded, maxKeys);
    }

    private VerifyTable(Mode mode, TablePlan plan, String targetTable, List<ValueForm> forms, int[] key, String integerKey,
                        List<String> sourceCasts, String serverDigest, List<KeyRange> ranges, String notLoaded, int maxKeys) {
        this.mode = mode;
        this.plan = plan;
        this.targetTable = targetTable;
        this.forms = List.copyOf(forms);
        this.key = key.clone();
        this.integerKey = integerKey;
        this.sourceCasts = sourceCasts;
        this.serverDigest = serverDigest;
        this.ranges = List.copyOf(ranges);
        this.notLoaded = notLoaded;
        this.maxKeys = maxKeys;
        this.nextRangeNumber = new AtomicInteger(ranges.size());
    }

    /** A table a resumed run verified before: its counts as recorded, and what is left to do (a repair, or nothing). */
    static VerifyTable recorded(TablePlan plan, VerifyTableRecord r, boolean repair) {
        boolean repairLeft = repair && VerifyTableRecord.DIFFERS.equals(r.status());
        VerifyTable t = new VerifyTable(repairLeft ? Mode.REPAIR_ONLY : Mode.DONE, plan, r.targetTable(), List.of(), new int[0], null,
                List.of(), null, List.of(), null, 0);
        t.recordedRanges = r.rangesTotal();
        t.rangesEqual.set(r.rangesEqual());
        t.rangesDiffering.set(r.rangesDiffering());
        t.sourceRows.set(r.sourceRows());
        t.targetRows.set(r.targetRows());
        t.missing.set(r.missingRows());
        t.extra.set(r.extraRows());
        t.changed.set(r.changedRows());
        t.repairedRows.set(r.repairedRows());
        return t;
    }

    /** A table that is not compared, and why. */
    static VerifyTable notLoaded(TablePlan plan, String targetTable, String why) {
        return new VerifyTable(plan, targetTable, List.of(), new int[0], null, List.of(), null, List.of(), why, 0);
    }

    Mode mode() {
        return mode;
    }

    /** The ranges the table's comparison had: this run's, or those a resumed run recorded. */
    int rangesTotal() {
        return mode == Mode.COMPARE ? ranges.size() : recordedRanges;
    }

    public String id() {
        return plan.id();
    }

    public TablePlan plan() {
        return plan;
    }

    String targetTable() {
        return targetTable;
    }

    List<ValueForm> forms() {
        return forms;
    }

    int[] key() {
        return key;
    }

    boolean hasKey() {
        return key.length > 0;
    }

    String integerKey() {
        return integerKey;
    }

    List<String> sourceCasts() {
        return sourceCasts;
    }

    String serverDigest() {
        return serverDigest;
    }

    List<KeyRange> ranges() {
        return ranges;
    }

    String notLoadedReason() {
        return notLoaded;
    }

    /** The number for a new part of a narrowed range, unique within the table and run. */
    int newRangeNumber() {
        return nextRangeNumber.getAndIncrement();
    }

    /** Names a differing row, while fewer than replicator.verify.max-keys are named; answers whether it was. */
    boolean name(Difference d) {
        synchronized (differences) {
            if (differences.size() >= maxKeys) {
                return false;
            }
            differences.add(d);
            return true;
        }
    }

    List<Difference> differences() {
        synchronized (differences) {
            return List.copyOf(differences);
        }
    }

    long differingRows() {
        return missing.get() + extra.get() + changed.get() + unnamed.get();
    }

    /** The table's counts as the JSON report shows them. */
    Map<String, Object> toMap(String outcome) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", outcome);
        m.put("target_table", targetTable);
        m.put("ranges", rangesTotal());
        m.put("ranges_equal", rangesEqual.get());
        m.put("ranges_differing", rangesDiffering.get());
        m.put("source_rows", sourceRows.get());
        m.put("target_rows", targetRows.get());
        m.put("missing_rows", missing.get());
        m.put("extra_rows", extra.get());
        m.put("changed_rows", changed.get());
        m.put("unnamed_differing_rows", unnamed.get());
        m.put("ranges_repaired", rangesRepaired.get());
        m.put("repaired_rows", repairedRows.get());
        m.put("deleted_rows", deletedRows.get());
        List<Map<String, Object>> named = new ArrayList<>();
        for (Difference d : differences()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", d.kind().id());
            row.put("key", d.key());
            row.put("columns", d.columns());
            named.add(row);
        }
        m.put("differing_rows", named);
        if (notLoaded != null) {
            m.put("not_loaded", notLoaded);
        }
        return m;
    }
}

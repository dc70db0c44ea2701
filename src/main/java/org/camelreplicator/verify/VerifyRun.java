package org.camelreplicator.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.ledger.VerifyTableRecord;
import org.camelreplicator.observe.RunReport;

/**
 * The state of one verify run that its steps share, carried as the exchange property
 * {@value #PROPERTY}: whether it repairs, the target's tables, what an earlier attempt of a resumed
 * run recorded, and the tables being verified; and the run's section of the summary and the JSON
 * report (ranges, differing rows, repairs).
 */
final class VerifyRun implements RunReport.Details {

    static final String PROPERTY = "replicatorVerifyRun";

    private final long runId;
    private final boolean repair;
    private final Map<String, TableSpec> targetTables;
    private final Map<String, VerifyTableRecord> recorded;
    private final List<String> order;
    private final Map<String, VerifyTable> tables = new ConcurrentHashMap<>();
    private final Map<String, String> outcomes = new ConcurrentHashMap<>();

    /**
     * @param targetTables the target's tables by lower-cased {@code schema.table}
     * @param recorded     what a resumed run recorded per table (empty for a new run)
     * @param order        the run's tables in plan order
     */
    VerifyRun(long runId, boolean repair, Map<String, TableSpec> targetTables, Map<String, VerifyTableRecord> recorded, List<String> order) {
        this.runId = runId;
        this.repair = repair;
        this.targetTables = Map.copyOf(targetTables);
        this.recorded = Map.copyOf(recorded);
        this.order = List.copyOf(order);
    }

    static VerifyRun of(Exchange exchange) {
        VerifyRun run = exchange.getProperty(PROPERTY, VerifyRun.class);
        if (run == null) {
            throw new IllegalStateException("No verify run in this exchange: the verify route must call startVerify first");
        }
        return run;
    }

    long runId() {
        return runId;
    }

    boolean repair() {
        return repair;
    }

    TableSpec targetTable(String schema, String name) {
        return targetTables.get(((schema == null ? "" : schema + ".") + name).toLowerCase(Locale.ROOT));
    }

    VerifyTableRecord recorded(String table) {
        return recorded.get(table);
    }

    void add(VerifyTable table) {
        tables.put(table.id(), table);
    }

    VerifyTable table(String id) {
        VerifyTable t = tables.get(id);
        if (t == null) {
            throw new IllegalStateException("Table " + id + " is not being verified in run " + runId);
        }
        return t;
    }

    VerifyTable tableOrNull(String id) {
        return tables.get(id);
    }

    /** How a table ended (a {@link VerifyTableRecord} status), for the summary. */
    void outcome(String table, String status) {
        outcomes.put(table, status);
    }

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public Object json() {
        Map<String, Object> result = new LinkedHashMap<>();
        for (String id : order) {
            VerifyTable t = tables.get(id);
            if (t != null) {
                result.put(id, t.toMap(outcomes.getOrDefault(id, VerifyTableRecord.RUNNING)));
            }
        }
        return result;
    }

    @Override
    public String text() {
        List<VerifyTable> shown = order.stream().map(tables::get).filter(t -> t != null && t.notLoadedReason() == null).toList();
        if (shown.isEmpty()) {
            return "";
        }
        int width = Math.max(28, shown.stream().mapToInt(t -> t.id().length()).max().orElse(0));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + width + "s %7s %7s %7s %10s %10s %10s  %s%n", "Table", "Ranges", "Equal", "Differ",
                "Missing", "Extra", "Changed", "Outcome"));
        List<String> named = new ArrayList<>();
        List<String> repaired = new ArrayList<>();
        for (VerifyTable t : shown) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s %7d %7d %7d %10s %10s %10s  %s%n", t.id(), t.rangesTotal(),
                    t.rangesEqual.get(), t.rangesDiffering.get(), number(t.missing.get()), number(t.extra.get()), number(t.changed.get()),
                    outcomes.getOrDefault(t.id(), VerifyTableRecord.RUNNING)
                            + (t.unnamed.get() > 0 ? " (" + number(t.unnamed.get()) + "+ rows without a key to name them)" : "")));
            for (Difference d : t.differences()) {
                named.add("  " + t.id() + " " + d);
            }
            if (t.rangesRepaired.get() > 0) {
                long size = Math.max(t.sourceRows.get(), 1);
                repaired.add(String.format(Locale.ROOT, "  %s: %d ranges rewritten, %s rows copied again (%s deleted) of %s rows (%.2f%%)",
                        t.id(), t.rangesRepaired.get(), number(t.repairedRows.get()), number(t.deletedRows.get()),
                        number(t.sourceRows.get()), 100.0 * t.repairedRows.get() / size));
            }
        }
        if (!named.isEmpty()) {
            sb.append("Rows that differ (the first per table; target column names):\n");
            named.forEach(line -> sb.append(line).append('\n'));
        }
        if (!repaired.isEmpty()) {
            sb.append("Repaired:\n");
            repaired.forEach(line -> sb.append(line).append('\n'));
        }
        return sb.toString();
    }

    private static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}

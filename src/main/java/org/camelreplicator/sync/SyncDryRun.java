package org.camelreplicator.sync;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.camelreplicator.dialect.Databases;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.SyncState;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.KeyValues;
import org.camelreplicator.plan.RowFilter;
import org.camelreplicator.plan.RunRequest;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * {@code sync --dry-run}: what a sync would do, table by table, with nothing written: the
 * watermark it would read above, which probe it asks (and why) and what it finds on the source now,
 * and whether the table would be read (in how many windows) or skipped as unchanged.
 */
public final class SyncDryRun {

    private final Databases databases;
    private final SyncPlanner planner;
    private final Watermarks watermarks;
    private final CatchUpWindows windows;
    private final Ledger ledger;

    private final org.camelreplicator.config.ReplicatorSettings settings;

    public SyncDryRun(Databases databases, SyncPlanner planner, Watermarks watermarks, CatchUpWindows windows, Ledger ledger,
                      org.camelreplicator.config.ReplicatorSettings settings) {
        this.settings = settings;
        this.databases = databases;
        this.planner = planner;
        this.watermarks = watermarks;
        this.windows = windows;
        this.ledger = ledger;
    }

    public int print(RunRequest request) throws SQLException {
        StringBuilder out = new StringBuilder("Dry run: what a sync would do; nothing is written.\n");
        out.append("Source: ").append(databases.describeSource()).append('\n');
        out.append("Target: ").append(databases.describeTarget()).append('\n');
        List<SyncTable> tables = planner.plan(request);
        boolean ledgerExists = ledger.exists();
        int width = Math.max(24, tables.stream().mapToInt(t -> t.id().length()).max().orElse(0));
        String row = "%-" + width + "s %-14s %-28s %-28s %12s  %-6s %s%n";
        out.append(String.format(Locale.ROOT, "%n" + row, "Table", "Watermark", "Reads above", "Advances to", "Source rows", "Probe", "Would"));
        StringBuilder probes = new StringBuilder();
        for (SyncTable t : tables) {
            Optional<SyncState> previous = ledgerExists ? ledger.syncState(t.id()) : Optional.empty();
            Watermarks.Probe probe = watermarks.probe(t, previous);
            String would;
            if (!probe.changed()) {
                would = "skip: unchanged";
            } else {
                List<KeyRange.Changed> reads = windows.ranges(t, probe);
                would = (probe.readAfter() == null ? "read every row" : "read the changes")
                        + (reads.size() > 1 ? " in " + reads.size() + " windows" : "")
                        + (previous.isPresent() && probe.sourceRows() >= 0 && previous.get().sourceRows() >= 0
                        && probe.sourceRows() != previous.get().sourceRows()
                        ? " (rows " + previous.get().sourceRows() + " -> " + probe.sourceRows() + ")" : "");
            }
            out.append(String.format(Locale.ROOT, row, t.id(), t.watermark(), value(probe.readAfter()), value(probe.watermark()),
                    probe.sourceRows() < 0 ? "-" : String.format(Locale.ROOT, "%,d", probe.sourceRows()),
                    probe.choice().kind().name().toLowerCase(Locale.ROOT), would + ", deletes " + t.deletes().name().toLowerCase(Locale.ROOT)));
            probes.append("  ").append(t.id()).append(": ").append(probe.choice().describe(t)).append('\n');
        }
        List<SyncTable> filtered = tables.stream().filter(t -> t.plan().settings().rowFilter() != null).toList();
        if (!filtered.isEmpty()) {
            out.append("\nRow filters (probe, changes and delete checks read only these rows; a row that leaves its filter is"
                    + " deleted on the target with deletes reconcile):\n");
            for (SyncTable t : filtered) {
                RowFilter filter = t.plan().settings().rowFilter();
                out.append("  ").append(t.id()).append(": rows where ").append(filter.shown(databases.sourceDialect()))
                        .append(" (").append(filter.settings()).append(")\n");
            }
        }
        List<SyncTable> transformed = tables.stream().filter(t -> t.plan().transform() != null).toList();
        if (!transformed.isEmpty()) {
            out.append("\nColumn transforms (changed rows go through the route before the upsert):\n");
            for (SyncTable t : transformed) {
                out.append("  ").append(t.id()).append(": ").append(t.plan().transform().describe()).append('\n');
            }
        }
        out.append("\nProbes (how each table is found unchanged; see README, Unchanged tables):\n").append(probes);
        StringBuilder after = new StringBuilder();
        for (SyncTable t : tables) {
            List<org.camelreplicator.plan.AfterAction> actions = t.plan().settings().afterSync();
            for (int i = 0; i < actions.size(); i++) {
                after.append(String.format(Locale.ROOT, "  %s %d/%d: %s%n", t.id(), i + 1, actions.size(), actions.get(i).describe()));
            }
        }
        List<String> run = settings.afterActions().afterSync();
        for (int i = 0; i < run.size(); i++) {
            after.append(String.format(Locale.ROOT, "  the run %d/%d: %s%n", i + 1, run.size(), org.camelreplicator.plan.AfterAction
                    .statement(org.camelreplicator.config.AfterActionSettings.RUN_AFTER_SYNC, run.get(i)).describe()));
        }
        if (!after.isEmpty()) {
            out.append("\nAfter-sync actions (run on the target after a sync that changed the table; a table found unchanged runs none):\n")
                    .append(after);
        }
        CONSOLE.info(out.toString().stripTrailing());
        return 0;
    }

    /** A KeyValues string as the user reads it. */
    private static String value(String encoded) {
        return encoded == null ? "(none)" : KeyValues.text(encoded);
    }
}

package org.camelreplicator.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.ledger.ChunkRecord;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.RunRecord;
import org.camelreplicator.ledger.TableRecord;
import org.camelreplicator.observe.RunReport;
import org.camelreplicator.plan.AfterAction;
import org.camelreplicator.plan.ColumnTransform;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.plan.LoadPlanner;
import org.camelreplicator.plan.MonthPartitions;
import org.camelreplicator.plan.RowFilter;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.schema.TargetSchema;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * {@code load --dry-run}: the plan a load would follow, and nothing written anywhere. Tables in
 * order with estimated rows and size, each table's row filter and column transform, chunks and their bounds, the DDL, and what a
 * {@code --resume} would skip.
 */
public final class LoadDryRun {

    private final Databases databases;
    private final LoadPlanner planner;
    private final TargetSchema targetSchema;
    private final Ledger ledger;
    private final org.camelreplicator.config.ReplicatorSettings settings;

    public LoadDryRun(Databases databases, LoadPlanner planner, TargetSchema targetSchema, Ledger ledger,
                  org.camelreplicator.config.ReplicatorSettings settings) {
        this.settings = settings;
        this.databases = databases;
        this.planner = planner;
        this.targetSchema = targetSchema;
        this.ledger = ledger;
    }

    public int print(RunRequest request) throws SQLException {
        StringBuilder out = new StringBuilder("Dry run: the plan of a load; nothing is written.\n");
        out.append("Source: ").append(databases.describeSource()).append('\n');
        out.append("Target: ").append(databases.describeTarget()).append('\n');
        List<TablePlan> plans = planner.planTables(request);
        int width = Math.max(24, plans.stream().mapToInt(p -> p.id().length()).max().orElse(0));
        out.append(String.format(Locale.ROOT, "%n%4s  %-" + width + "s %-" + width + "s %14s %12s %7s%n",
                "#", "Table", "Target", "Est. rows", "Est. size", "Chunks"));
        long totalRows = 0;
        StringBuilder chunks = new StringBuilder();
        try (Connection source = databases.source().getConnection()) {
            for (TablePlan p : plans) {
                List<KeyRange> ranges = planner.planChunks(p);
                long bytes = databases.sourceDialect().estimatedBytes(source, p.source());
                long rows = p.source().estimatedRows();
                totalRows += Math.max(0, rows);
                out.append(String.format(Locale.ROOT, "%4d  %-" + width + "s %-" + width + "s %14s %12s %7d%n", p.order() + 1,
                        p.id(), p.targetQualifiedName(), rows < 0 ? "?" : String.format(Locale.ROOT, "%,d", rows),
                        bytes < 0 ? "?" : megabytes(bytes), ranges.size()));
                chunks.append(p.id()).append(":\n");
                RowFilter filter = p.settings().rowFilter();
                if (filter != null) {
                    chunks.append("  rows where ").append(filter.shown(databases.sourceDialect())).append(" (").append(filter.settings())
                            .append("; chunks and counts are of these rows)\n");
                }
                ColumnTransform transform = p.transform();
                if (transform != null) {
                    chunks.append("  transform: ").append(transform.describe())
                            .append("; target columns ").append(String.join(", ", p.targetColumns()))
                            .append(" (rows are read as values and go through the route, not the COPY passthrough)\n");
                }
                String partitionBy = p.settings().partitionBy();
                org.camelreplicator.dialect.IdentifierLimit limit = databases.targetDialect().identifierLimit();
                if (partitionBy != null) {
                    List<MonthPartitions.Partition> partitions = MonthPartitions.of(p, ranges, limit);
                    chunks.append("  partitioned by month of ").append(partitionBy).append(" (").append(org.camelreplicator.config.ReplicatorSettings.TABLE_PREFIX + p.source().name()
                            + org.camelreplicator.config.ReplicatorSettings.PARTITION_BY)
                            .append("): ").append(partitions.size()).append(" partitions, ")
                            .append(String.join(", ", partitions.stream().map(MonthPartitions.Partition::describe).toList()))
                            .append("; each chunk is written into its partition\n");
                }
                for (int i = 0; i < ranges.size(); i++) {
                    chunks.append(String.format(Locale.ROOT, "  chunk %d/%d: %s%s%n", i + 1, ranges.size(), ranges.get(i).describe(),
                            partitionBy == null ? "" : " -> " + MonthPartitions.partitionOf(p, ranges.get(i), limit)));
                }
            }
        }
        out.append(String.format(Locale.ROOT, "%d tables, about %,d rows%n", plans.size(), totalRows));
        out.append("\nChunks:\n").append(chunks);
        out.append(afterActions(plans));
        if (targetSchema.tablesExist()) {
            out.append("\nDDL: none; the target tables exist already (--data-only or --ddl-in).\n");
        } else {
            out.append("\nDDL (IF NOT EXISTS: what exists is kept; a fresh load empties each table first; indexes and"
                    + " foreign keys come after the data):\n");
            for (String statement : targetSchema.ddl(plans)) {
                out.append(statement).append(";\n");
            }
        }
        List<NotCarried> notCarried = targetSchema.notCarried(plans);
        out.append('\n').append(notCarried.isEmpty() ? "Not carried to the target: no views, triggers, routines, ON UPDATE"
                + " clauses, check constraints, comments or indexes left out (docs/TYPES.md, \"What a load does not carry\").\n" : RunReport.notCarriedText(notCarried));
        out.append('\n').append(resumeView(request));
        CONSOLE.info(out.toString().stripTrailing());
        return 0;
    }

    /** Each table's after-load actions and the run's, in the order they would run; empty when there are none. */
    private String afterActions(List<TablePlan> plans) {
        StringBuilder sb = new StringBuilder();
        for (TablePlan p : plans) {
            List<AfterAction> actions = p.settings().afterLoad();
            for (int i = 0; i < actions.size(); i++) {
                sb.append(String.format(Locale.ROOT, "  %s %d/%d: %s%n", p.id(), i + 1, actions.size(), actions.get(i).describe()));
            }
        }
        List<String> run = settings.afterActions().afterLoad();
        for (int i = 0; i < run.size(); i++) {
            sb.append(String.format(Locale.ROOT, "  the run %d/%d: %s%n", i + 1, run.size(),
                    AfterAction.statement(org.camelreplicator.config.AfterActionSettings.RUN_AFTER_LOAD, run.get(i)).describe()));
        }
        return sb.isEmpty() ? "" : "\nAfter-load actions (run on the target once a table's load is complete; the run's once every"
                + " table is):\n" + sb;
    }

    /** What the ledger holds: whether a load would refuse, and what --resume would skip. */
    private String resumeView(RunRequest request) throws SQLException {
        Optional<RunRecord> last = ledger.exists() ? ledger.latestRun("load") : Optional.empty();
        if (last.isEmpty()) {
            return "Ledger: no run recorded yet; a load starts run 1.";
        }
        RunRecord run = last.get();
        if (run.finished()) {
            return "Ledger: run " + run.id() + " finished; a load starts a new run and copies every table again.";
        }
        Map<String, TableRecord> tables = ledger.tables(run.id());
        StringBuilder sb = new StringBuilder("Ledger: run " + run.id() + " (started " + run.startedAt() + ") is unfinished; "
                + (request.reset() ? "--reset would forget it and copy every table again.\n"
                : "a load refuses without --resume or --reset. --resume would skip:\n"));
        if (!request.reset()) {
            for (TableRecord t : tables.values()) {
                if (TableRecord.DONE.equals(t.status()) || TableRecord.SKIPPED.equals(t.status())) {
                    sb.append("  ").append(t.table()).append(": the whole table (").append(t.status()).append(")\n");
                } else if (t.chunksDone() > 0) {
                    sb.append("  ").append(t.table()).append(": ").append(t.chunksDone()).append(" of ").append(t.chunksTotal())
                            .append(" chunks done (").append(String.format(Locale.ROOT, "%,d", t.rowsCopied())).append(" rows):");
                    for (ChunkRecord c : ledger.chunks(run.id(), t.table())) {
                        if (ChunkRecord.DONE.equals(c.status())) {
                            sb.append(' ').append(c.number() + 1);
                        }
                    }
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }
}

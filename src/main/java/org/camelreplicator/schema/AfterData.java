package org.camelreplicator.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.camelreplicator.catalog.ForeignKeySpec;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.TableRecord;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * What is built after the data, because building it once over loaded rows is much cheaper than
 * maintaining it row by row: the primary key and secondary indexes, then foreign keys (they need the referenced
 * tables' keys and indexes), then identity sequences set past the copied maximum and ANALYZE.
 * Each phase is recorded in the ledger's {@code tables.phase} so a resumed run goes on from there,
 * and each statement is idempotent (IF NOT EXISTS, an existing constraint counts as done).
 * Names follow PostgreSQL's conventions ({@code <table>_<columns>_idx/_key/_fkey}).
 */
public final class AfterData {

    public static final String INDEXES = "indexes";
    public static final String FOREIGN_KEYS = "foreign-keys";
    public static final String FINISHING = "finishing";
    public static final String COMPLETE = "complete";

    private static final Logger LOG = LoggerFactory.getLogger(AfterData.class);

    private final Databases databases;
    private final Ledger ledger;
    private final TargetSchema targetSchema;

    public AfterData(Databases databases, Ledger ledger, TargetSchema targetSchema) {
        this.databases = databases;
        this.ledger = ledger;
        this.targetSchema = targetSchema;
    }

    /** The run's tables whose rows are all copied and whose after-data phases are not complete. */
    public List<TablePlan> tables(@ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        Map<String, TableRecord> records = ledger.tables(run.runId());
        List<TablePlan> result = new ArrayList<>();
        for (TablePlan t : run.tables()) {
            TableRecord r = records.get(t.id());
            if (r != null && TableRecord.DONE.equals(r.status()) && !COMPLETE.equals(r.phase())) {
                result.add(t);
            }
        }
        if (!result.isEmpty()) {
            CONSOLE.info("Building indexes, foreign keys and sequences of {} tables", result.size());
        }
        return result;
    }

    public void buildIndexes(TablePlan table, @ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        if (!atPhase(run, table, INDEXES)) {
            return;
        }
        long start = System.nanoTime();
        if (targetSchema.addPrimaryKey(table)) {
            LOG.info("{}: primary key built over the loaded rows in {} ms", table.id(), (System.nanoTime() - start) / 1_000_000);
        }
        // tables that existed before the run (--data-only, --ddl-in) keep the indexes their creator gave them
        if (!targetSchema.tablesExist()) {
            for (String sql : targetSchema.indexSql(table)) {
                targetSchema.build(sql);
            }
        }
        ledger.setPhase(run.runId(), table.id(), FOREIGN_KEYS);
    }

    /**
     * Foreign keys to tables of this run whose rows are copied; a key to a table outside the run is
     * left out (and said so), a key to a table that is not copied yet waits for the resumed run.
     */
    public void addForeignKeys(TablePlan table, @ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        if (!atPhase(run, table, FOREIGN_KEYS)) {
            return;
        }
        boolean waiting = false;
        for (ForeignKeySpec fk : targetSchema.tablesExist() ? List.<ForeignKeySpec>of() : table.source().foreignKeys()) {
            TablePlan referenced = referenced(run, fk);
            if (referenced == null) {
                LOG.warn("{}: foreign key {} references {}, which is not part of this run; it is not created",
                        table.id(), fk.name() == null || fk.name().isBlank() ? "(" + String.join(", ", fk.columns()) + ")" : fk.name(),
                        fk.referencedQualifiedName());
                continue;
            }
            TableRecord ref = ledger.table(run.runId(), referenced.id());
            if (TableRecord.SKIPPED.equals(ref.status())) {
                // a skipped table may hold none of the rows the key needs: the key is left out, not waited for
                LOG.warn("{}: foreign key {} references {}, which was skipped; it is not created", table.id(),
                        fk.name() == null ? fk.columns() : fk.name(), fk.referencedQualifiedName());
                continue;
            }
            if (!TableRecord.DONE.equals(ref.status())) {
                waiting = true;
                continue;
            }
            addForeignKey(targetSchema.foreignKeySql(table, fk, referenced), table, referenced);
        }
        if (!waiting) {
            ledger.setPhase(run.runId(), table.id(), FINISHING);
        }
    }

    /**
     * Identity sequences past the copied maximum, then ANALYZE; then the table's after-actions
     * ({@link AfterActions}, which make it complete).
     */
    public void finish(TablePlan table, @ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        if (!atPhase(run, table, FINISHING)) {
            return;
        }
        TargetDialect target = databases.targetDialect();
        String qualified = target.qualifiedTarget(table.targetSchema(), table.targetName());
        for (String sql : targetSchema.identityResets(table)) {
            execute(sql);
        }
        String analyze = target.analyzeSql(qualified);
        if (analyze != null) {
            execute(analyze);
        }
        ledger.setPhase(run.runId(), table.id(), AfterActions.PHASE);
    }

    /**
     * A phase failed for good: the table is recorded as failed with the error; the run exits
     * non-zero. {@code failure} is what the phase's doCatch caught (a retry of this step replaces
     * the exchange's caught exception).
     */
    public void failed(TablePlan table, @Variable(RunContext.FAILURE) Throwable failure, Exchange exchange) throws SQLException {
        RunContext run = RunContext.of(exchange);
        String phase = ledger.table(run.runId(), table.id()).phase();
        String message = "building " + phase + " failed: " + Errors.withGrants(Errors.describe(failure), databases.grantsFor(failure));
        ledger.failPhase(run.runId(), table.id(), message);
        // the console has the table's line from the run report; the log file gets the stack trace
        LOG.error(org.camelreplicator.observe.LogFile.FILE_ONLY, "Table {}: {}", table.id(), message, failure);
        run.report().tableFailedAfterCopy(table.id(), message);
    }

    /** The run's plan of the table a foreign key references, or null when it is not in the run. */
    public static TablePlan referenced(RunContext run, ForeignKeySpec fk) {
        return referenced(run.tables(), fk);
    }

    public static TablePlan referenced(List<TablePlan> tables, ForeignKeySpec fk) {
        for (TablePlan t : tables) {
            if (t.source().name().equals(fk.referencedTable())
                    && (fk.referencedSchema() == null || fk.referencedSchema().equals(t.source().schema()))) {
                return t;
            }
        }
        return null;
    }

    private boolean atPhase(RunContext run, TablePlan table, String phase) throws SQLException {
        return phase.equals(ledger.table(run.runId(), table.id()).phase());
    }

    /**
     * Adds one foreign key in its own transaction. ADD FOREIGN KEY locks both tables (SHARE ROW
     * EXCLUSIVE), the altered one first: two tables whose keys reference each other, built in
     * parallel, would each hold one table and wait for the other. Taking both locks up front in
     * one order (by name) makes the second wait for the first instead. An existing constraint
     * (42710, from an earlier attempt) counts as done.
     */
    private void addForeignKey(String sql, TablePlan table, TablePlan referenced) throws SQLException {
        TargetDialect target = databases.targetDialect();
        String lock = target.lockTablesSql(java.util.stream.Stream.of(table, referenced)
                .map(t -> target.qualifiedTarget(t.targetSchema(), t.targetName())).distinct().sorted().toList());
        try (Connection c = databases.target().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                if (lock != null) {
                    st.execute(lock);
                }
                st.execute(sql);
                c.commit();
            } catch (SQLException e) {
                Databases.rollbackAfter(c, e);
                if (!"42710".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = databases.target().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute(sql);
        }
    }
}

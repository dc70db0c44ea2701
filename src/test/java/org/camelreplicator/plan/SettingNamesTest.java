package org.camelreplicator.plan;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names given in settings find the source's tables and columns the same way in every setting and
 * every command, dry runs included: the exact spelling first, else the one match ignoring case;
 * several matches, or none, are refused with the setting named, before anything is written.
 * (A lower-case watermark on the demo's upper-case H2 source: DemoLoadTest.)
 */
class SettingNamesTest {

    @TempDir
    Path dir;

    /** An H2 source (upper-case names unless quoted) with two tables whose names differ only in case. */
    private String h2Source() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("source");
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE \"Orders\" (ID INT PRIMARY KEY, NOTE VARCHAR(20))");
            st.execute("CREATE TABLE ORDERS (ID INT PRIMARY KEY, NOTE VARCHAR(20), PLACED_AT TIMESTAMP)");
            st.execute("CREATE TABLE CUSTOMERS (ID INT PRIMARY KEY, NAME VARCHAR(20))");
            st.execute("INSERT INTO \"Orders\" VALUES (1, 'mixed case')");
            st.execute("INSERT INTO ORDERS VALUES (2, 'upper case', TIMESTAMP '2024-01-01 00:00:00')");
            st.execute("INSERT INTO CUSTOMERS VALUES (3, 'Ana')");
        }
        return url;
    }

    private static long runs(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.tableNames(t, "replicator").contains("runs") ? Tables.count(t, "replicator.runs") : 0;
        }
    }

    @Test
    void theExactSpellingWinsAndANameThatMatchesSeveralTablesIgnoringCaseIsRefusedWithTheCandidates() throws Exception {
        String source = h2Source();
        String target = TestPostgres.newDatabase("names_ambiguous");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);

        Replicator.Result ambiguous = replicator.run("load", "--tables=orders");
        Replicator.Result exact = replicator.run("load", "--tables=Orders");

        assertThat(ambiguous.exitCode()).as(ambiguous.all()).isEqualTo(2);
        assertThat(ambiguous.err()).contains("'orders' in replicator.tables matches more than one table when case is ignored:",
                "PUBLIC.ORDERS", "PUBLIC.Orders", "Write the name exactly as the source spells it");
        assertThat(exact.exitCode()).as(exact.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT id, note FROM orders")).containsExactly(List.of("1", "mixed case"));
        }
    }

    @Test
    void perTableSettingsThatNameNoTableOrColumnAreRefusedBeforeAnythingIsWritten() throws Exception {
        String source = h2Source();
        String target = TestPostgres.newDatabase("names_unknown");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--tables=CUSTOMERS");

        Replicator.Result table = replicator.run("load", "--replicator.cast.column.suppliers.name=text");
        Replicator.Result column = replicator.run("load", "--replicator.cast.column.customers.nickname=text");
        Replicator.Result watermark = replicator.run("load", "--dry-run", "--replicator.table.invoices.sync.watermark=changed_at");

        assertThat(table.exitCode()).as(table.all()).isEqualTo(2);
        assertThat(table.err()).contains("Unknown table in replicator.cast.column.suppliers.name: suppliers.",
                "The source has: PUBLIC.CUSTOMERS, PUBLIC.ORDERS, PUBLIC.Orders.");
        assertThat(column.exitCode()).as(column.all()).isEqualTo(2);
        assertThat(column.err()).contains("Table PUBLIC.CUSTOMERS has no column nickname (replicator.cast.column.customers.nickname).",
                "Its columns are: ID, NAME.");
        assertThat(watermark.exitCode()).as(watermark.all()).isEqualTo(2);
        assertThat(watermark.err()).contains("Unknown table in replicator.table.invoices.sync.watermark: invoices.");
        assertThat(runs(target)).isZero();
    }

    @Test
    void aRefusedLoadWithResetForgetsNothing() throws Exception {
        String source = h2Source();
        String target = TestPostgres.newDatabase("names_reset");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--tables=CUSTOMERS");
        assertThat(replicator.run("load").exitCode()).isZero();

        Replicator.Result r = replicator.run("load", "--reset", "--replicator.cast.column.customers.nickname=text");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(runs(target)).as("the ledger still knows the first run").isEqualTo(1);
    }

    @Test
    void twoSpellingsOfOneTableInOneKindOfSettingAreRefused() throws Exception {
        String source = h2Source();
        String target = TestPostgres.newDatabase("names_twice");

        Replicator.Result r = Replicator.between(source, "postgres", target, dir).run("load", "--tables=CUSTOMERS",
                "--replicator.table.customers.target-name=clients", "--replicator.table.PUBLIC.CUSTOMERS.target-name=patrons");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("replicator.table.customers.target-name", "replicator.table.PUBLIC.CUSTOMERS.target-name",
                "both name table PUBLIC.CUSTOMERS. Keep one of them.");
    }

    @Test
    void castsSplitColumnsAndStartFromTableResolveAlikeInTheDryRunAndTheLoad() throws Exception {
        String source = h2Source();
        String target = TestPostgres.newDatabase("names_alike");
        // per-table settings name tables of the whole source (ORDERS, as orders would also be Orders),
        // --start-from-table one of the run (orders: there is one only)
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--tables=ORDERS,customers",
                "--replicator.cast.column.ORDERS.note=text", "--replicator.table.ORDERS.split-by=placed_at:month",
                "--start-from-table=orders");

        Replicator.Result plan = replicator.run("load", "--dry-run");
        Replicator.Result load = replicator.run("load");

        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("note text", "chunk 1/1: PLACED_AT in");
        assertThat(load.exitCode()).as(load.all()).isZero();
        assertThat(load.out()).contains("Tables: 2 total, 1 completed, 0 failed, 1 skipped");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'"))
                    .isEqualTo("text");
            assertThat(Tables.rows(t, "SELECT table_name, status FROM replicator.tables ORDER BY plan_order").stream()
                    .map(row -> row.get(0) + " " + row.get(1))).containsExactly("PUBLIC.CUSTOMERS skipped", "PUBLIC.ORDERS done");
        }
    }

    @Test
    void anUnknownStartFromTableIsRefusedAndLeavesNoRunBehind() throws Exception {
        String source = h2Source();
        String target = TestPostgres.newDatabase("names_start_from");

        Replicator.Result r = Replicator.between(source, "postgres", target, dir).run("load", "--tables=CUSTOMERS", "--start-from-table=nosuch");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("--start-from-table=nosuch is not a table of this run. The plan is: PUBLIC.CUSTOMERS");
        assertThat(runs(target)).isZero();
    }
}

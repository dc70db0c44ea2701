package org.camelreplicator.plan;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row filters ({@code replicator.table.<table>.where}, {@code .soft-delete}), H2 to PostgreSQL: a
 * partial copy that load, verify and sync keep consistent, and filters that are refused before
 * anything is written.
 */
class RowFilterTest {

    private static final String WHERE = "--replicator.table.orders.where=created_at >= DATE '2023-01-01' -- history from 2023 on";
    private static final String SOFT_DELETE = "--replicator.table.orders.soft-delete=is_deleted";
    /** The rows the copy holds, in H2's SQL. */
    private static final String KEPT = "CREATED_AT >= DATE '2023-01-01' AND (IS_DELETED IS NULL OR IS_DELETED = FALSE)";

    @TempDir
    Path dir;

    @Test
    void aFilteredCopyLoadsVerifiesAndSyncsOnlyTheRowsTheFilterKeepsAndASoftDeleteIsDeletedOnTheTarget() throws Exception {
        String source = "jdbc:h2:file:" + dir.resolve("source");
        String target = TestPostgres.newDatabase("row_filter_target");
        execute(source, "CREATE TABLE ORDERS (ID BIGINT PRIMARY KEY, STATUS VARCHAR(20) NOT NULL, IS_DELETED BOOLEAN,"
                        + " CREATED_AT DATE NOT NULL, UPDATED_AT TIMESTAMP NOT NULL)",
                "INSERT INTO ORDERS SELECT X, CASE WHEN MOD(X, 7) = 0 THEN 'cancelled' ELSE 'open' END,"
                        + " CASE WHEN MOD(X, 10) = 0 THEN TRUE WHEN MOD(X, 10) = 1 THEN NULL ELSE FALSE END,"
                        + " DATEADD(DAY, X, DATE '2022-01-01'), LOCALTIMESTAMP - INTERVAL '1' DAY FROM SYSTEM_RANGE(1, 1200)");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with(WHERE, SOFT_DELETE,
                "--replicator.sync.watermark=updated_at", "--replicator.table.orders.sync.deletes=reconcile",
                "--replicator.sync.overlap-seconds=0", "--chunk-rows=200");
        long kept = count(source, KEPT);
        assertThat(kept).as("the filter keeps some rows and leaves some out").isBetween(500L, 1000L);

        Replicator.Result plan = replicator.run("load", "--dry-run");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("rows where (created_at >= DATE '2023-01-01' -- history from 2023 on)"
                + " AND (\"IS_DELETED\" IS NULL OR \"IS_DELETED\" = FALSE)"
                + " (replicator.table.orders.where and replicator.table.orders.soft-delete; chunks and counts are of these rows)");

        Replicator.Result load = replicator.run("load");

        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "orders")).isEqualTo(kept);
            assertThat(ids(t, "SELECT id FROM orders ORDER BY id")).isEqualTo(ids(source, "SELECT ID FROM ORDERS WHERE " + KEPT + " ORDER BY ID"));
            assertThat(Tables.rows(t, "SELECT status, rows_copied, chunks_total > 1, row_filter IS NOT NULL FROM replicator.tables"))
                    .as("done, with the chunks' rows counted over the filtered rows, the filter recorded with the plan")
                    .containsExactly(List.of("done", String.valueOf(kept), "t", "t"));
        }
        Replicator.Result verify = replicator.run("verify");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Tables: 1 total, 1 equal, 0 differ").doesNotContain("missing on the target");

        execute(source,
                "UPDATE ORDERS SET IS_DELETED = TRUE, UPDATED_AT = LOCALTIMESTAMP WHERE ID IN (402, 403, 404, 405, 406)",
                "UPDATE ORDERS SET STATUS = 'shipped', UPDATED_AT = LOCALTIMESTAMP WHERE ID IN (501, 502, 503)",
                "INSERT INTO ORDERS VALUES (1201, 'open', FALSE, DATE '2024-06-01', LOCALTIMESTAMP),"
                        + " (1202, 'open', FALSE, DATE '2021-06-01', LOCALTIMESTAMP)");
        Replicator.Result syncPlan = replicator.run("sync", "--dry-run");
        assertThat(syncPlan.exitCode()).as(syncPlan.all()).isZero();
        assertThat(syncPlan.out()).contains("PUBLIC.ORDERS: rows where (created_at >= DATE '2023-01-01' -- history from 2023 on) AND (");

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        assertThat(sync.out()).contains("1 synced, 0 unchanged, 0 failed", "Rows deleted (gone from the source): 5");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(ids(t, "SELECT id FROM orders ORDER BY id"))
                    .as("the soft-deleted rows are gone, the new row in the filter came, the one outside it did not")
                    .isEqualTo(ids(source, "SELECT ID FROM ORDERS WHERE " + KEPT + " ORDER BY ID"))
                    .doesNotContain(402L, 406L, 1202L).contains(1201L);
            assertThat(Tables.text(t, "SELECT string_agg(status, ',' ORDER BY id) FROM orders WHERE id IN (501, 502, 503)"))
                    .isEqualTo("shipped,shipped,shipped");
        }
        Replicator.Result again = replicator.run("verify");
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("Tables: 1 total, 1 equal, 0 differ");
    }

    @Test
    void betweenTwoPostgresServersTheFilterRidesInTheCopyQueryAndTheServerDigests() throws Exception {
        String source = TestPostgres.newDatabase("row_filter_pg_source");
        String target = TestPostgres.newDatabase("row_filter_pg_target");
        TestPostgres.execute(source, "CREATE TABLE tickets (id bigint PRIMARY KEY, status text, opened date NOT NULL)",
                "INSERT INTO tickets SELECT g, CASE WHEN g % 4 = 0 THEN 'deleted' WHEN g % 4 = 1 THEN NULL ELSE 'open' END,"
                        + " DATE '2022-06-01' + g FROM generate_series(1, 900) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--replicator.table.tickets.soft-delete=status=deleted",
                "--replicator.table.tickets.where=opened >= '2023-01-01'", "--chunk-rows=150");

        Replicator.Result load = replicator.run("load");
        Replicator.Result verify = replicator.run("verify");

        assertThat(load.exitCode()).as(load.all()).isZero();
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Tables: 1 total, 1 equal, 0 differ");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            String kept = "SELECT id, status, opened FROM tickets WHERE opened >= '2023-01-01' AND status IS DISTINCT FROM 'deleted' ORDER BY id";
            assertThat(Tables.rows(t, "SELECT id, status, opened FROM tickets ORDER BY id")).isEqualTo(Tables.rows(s, kept)).hasSize(515);
        }
    }

    @Test
    void aConditionTheSourceRefusesStopsTheLoadNamingTableAndSettingBeforeAnythingIsWritten() throws Exception {
        String source = "jdbc:h2:file:" + dir.resolve("refused");
        String target = TestPostgres.newDatabase("row_filter_refused");
        execute(source, "CREATE TABLE ORDERS (ID BIGINT PRIMARY KEY, STATUS VARCHAR(20))", "INSERT INTO ORDERS VALUES (1, 'open')");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);

        Replicator.Result unknownColumn = replicator.run("load", "--replicator.table.orders.where=no_such_column > 1");
        Replicator.Result syntax = replicator.run("load", "--dry-run", "--replicator.table.orders.where=status = 'open' AND");
        Replicator.Result unknownTable = replicator.run("load", "--replicator.table.ordres.where=status = 'open'");
        Replicator.Result textFlag = replicator.run("load", "--replicator.table.orders.soft-delete=status");

        assertThat(unknownColumn.exitCode()).isEqualTo(2);
        assertThat(unknownColumn.all()).contains("replicator.table.orders.where: the source refuses the row filter of table PUBLIC.ORDERS",
                "NO_SUCH_COLUMN", "(no_such_column > 1)", "Fix or remove the setting");
        assertThat(syntax.exitCode()).isEqualTo(2);
        assertThat(syntax.all()).contains("replicator.table.orders.where: the source refuses the row filter of table PUBLIC.ORDERS");
        assertThat(unknownTable.exitCode()).isEqualTo(2);
        assertThat(unknownTable.all()).contains("Unknown table in replicator.table.ordres.where: ordres", "PUBLIC.ORDERS");
        assertThat(textFlag.exitCode()).isEqualTo(2);
        assertThat(textFlag.all()).contains("replicator.table.orders.soft-delete=STATUS alone needs a boolean, bit or integer column",
                "replicator.table.orders.soft-delete=STATUS=deleted");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).as("no table was created").isEmpty();
            assertThat(Tables.tableNames(t, "replicator")).as("no ledger was written").isEmpty();
        }
    }

    @Test
    void aResumeUnderAnotherFilterIsRefusedAndOneUnderTheSameFilterGoesOn() throws Exception {
        String source = "jdbc:h2:file:" + dir.resolve("resume");
        String target = TestPostgres.newDatabase("row_filter_resume");
        execute(source, "CREATE TABLE ORDERS (ID BIGINT PRIMARY KEY, STATE INT NOT NULL)",
                "INSERT INTO ORDERS SELECT X, MOD(X, 3) FROM SYSTEM_RANGE(1, 300)",
                "CREATE TABLE BAD (ID INT PRIMARY KEY, NOTE VARCHAR(20))", "INSERT INTO BAD VALUES (1, 'a' || CHAR(0) || 'b')");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        Replicator.Result load = replicator.run("load", "--replicator.table.orders.soft-delete=state=2");
        assertThat(load.exitCode()).as("BAD fails (NUL in text), so the run stays unfinished").isEqualTo(1);

        Replicator.Result changed = replicator.run("load", "--resume", "--replicator.table.orders.where=id > 100");
        Replicator.Result same = replicator.run("load", "--resume", "--replicator.table.orders.soft-delete=state=2", "--skip=bad");

        assertThat(changed.exitCode()).as(changed.all()).isEqualTo(2);
        assertThat(changed.all()).contains("Table PUBLIC.ORDERS was planned in run 1 with the row filter (\"STATE\" IS NULL OR \"STATE\" <> 2);"
                + " the settings now give (id > 100) (replicator.table.orders.where)", "Set replicator.table.orders.where back to resume");
        assertThat(same.exitCode()).as(same.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "orders")).as("rows whose STATE is 2 are left out").isEqualTo(200);
        }
    }

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static long count(String url, String where) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            return Tables.single(c, "SELECT COUNT(*) FROM ORDERS WHERE " + where);
        }
    }

    private static List<Long> ids(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            return ids(c, sql);
        }
    }

    private static List<Long> ids(Connection c, String sql) throws SQLException {
        return Tables.rows(c, sql).stream().map(r -> Long.parseLong(r.get(0))).toList();
    }
}

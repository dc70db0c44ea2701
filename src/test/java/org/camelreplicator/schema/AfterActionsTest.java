package org.camelreplicator.schema;

import java.nio.file.Path;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After-actions (routes/after-actions.camel.yaml), PostgreSQL to PostgreSQL: SQL run on the target
 * after a table's load and after a sync that changed it, each recorded in the ledger; a failing one
 * fails its table naming its SQL, and load --resume runs only what did not finish.
 */
class AfterActionsTest {

    @TempDir
    Path dir;

    /** A small source table of amounts per category, with a watermark for sync. */
    private static String source(String name) throws Exception {
        String source = TestPostgres.newDatabase(name);
        TestPostgres.execute(source,
                "CREATE TABLE items (id int PRIMARY KEY, category text NOT NULL, amount int NOT NULL,"
                        + " updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day')",
                "INSERT INTO items (id, category, amount) SELECT g, 'c' || (g % 3), g FROM generate_series(1, 30) g",
                "CREATE TABLE notes (id int PRIMARY KEY, body text, updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day')",
                "INSERT INTO notes (id, body) SELECT g, 'note ' || g FROM generate_series(1, 5) g");
        return source;
    }

    private static List<List<String>> totals(String url) throws Exception {
        try (var c = TestPostgres.connect(url)) {
            return Tables.rows(c, "SELECT category, sum(amount) FROM items GROUP BY category ORDER BY 1");
        }
    }

    private static List<List<String>> view(String target) throws Exception {
        try (var c = TestPostgres.connect(target)) {
            return Tables.rows(c, "SELECT category, total FROM item_totals ORDER BY 1");
        }
    }

    /** The transaction ids that wrote the loaded rows: a table copied again has new ones. */
    private static String rowVersions(String target) throws Exception {
        try (var c = TestPostgres.connect(target)) {
            return Tables.text(c, "SELECT (SELECT string_agg(DISTINCT xmin::text, ',') FROM items) || '/' || (SELECT string_agg(DISTINCT xmin::text, ',') FROM notes)");
        }
    }

    private static long single(String url, String sql) throws Exception {
        try (var c = TestPostgres.connect(url)) {
            return Tables.single(c, sql);
        }
    }

    @Test
    void aLoadRefreshesTheViewAndASyncRefreshesItOnlyWhenTheTableChanged() throws Exception {
        String source = source("after_view_source");
        String target = TestPostgres.newDatabase("after_view_target");
        TestPostgres.execute(target, "CREATE TABLE sync_log (table_name text NOT NULL, logged_at timestamptz NOT NULL DEFAULT now())");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with(
                "--replicator.sync.watermark=updated_at", "--replicator.sync.overlap-seconds=0",
                "--replicator.table.items.after-load=CREATE MATERIALIZED VIEW IF NOT EXISTS item_totals AS"
                        + " SELECT category, sum(amount) AS total FROM items GROUP BY category WITH NO DATA;"
                        + " CREATE UNIQUE INDEX IF NOT EXISTS item_totals_category ON item_totals (category)",
                "--replicator.table.items.refresh-views=item_totals",
                "--replicator.refresh-concurrently=true",
                "--replicator.table.items.after-sync=INSERT INTO sync_log (table_name) VALUES ('items')",
                "--replicator.after-sync=INSERT INTO sync_log (table_name) VALUES ('the run')");

        Replicator.Result plan = replicator.run("load", "--dry-run");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("After-load actions",
                "public.items 1/3: CREATE MATERIALIZED VIEW IF NOT EXISTS item_totals AS",
                "public.items 3/3: REFRESH MATERIALIZED VIEW CONCURRENTLY item_totals (replicator.table.items.refresh-views)");

        Replicator.Result load = replicator.run("load");

        assertThat(load.exitCode()).as(load.all()).isZero();
        assertThat(view(target)).as("the refreshed view holds the loaded rows").isEqualTo(totals(source)).hasSize(3);
        assertThat(load.all()).as("a view never populated is refreshed plainly, and the log says why")
                .contains("item_totals is refreshed without CONCURRENTLY", "never populated");
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT table_name, action_no, status, attempts FROM replicator.after_actions WHERE run_id = 1 ORDER BY 2"))
                    .containsExactly(List.of("public.items", "0", "done", "1"), List.of("public.items", "1", "done", "1"),
                            List.of("public.items", "2", "done", "1"));
            assertThat(Tables.text(t, "SELECT string_agg(phase, ',' ORDER BY table_name) FROM replicator.tables WHERE run_id = 1"))
                    .isEqualTo("complete,complete");
        }
        assertThat(single(target, "SELECT count(*) FROM sync_log")).as("a load runs no after-sync action").isZero();

        TestPostgres.execute(source, "UPDATE items SET amount = amount + 100, updated_at = localtimestamp WHERE id IN (3, 4)");
        Replicator.Result syncPlan = replicator.run("sync", "--dry-run");
        assertThat(syncPlan.exitCode()).as(syncPlan.all()).isZero();
        assertThat(syncPlan.out()).contains("After-sync actions",
                "public.items 1/2: INSERT INTO sync_log (table_name) VALUES ('items') (replicator.table.items.after-sync)",
                "public.items 2/2: REFRESH MATERIALIZED VIEW CONCURRENTLY item_totals (replicator.table.items.refresh-views)",
                "the run 1/1: INSERT INTO sync_log (table_name) VALUES ('the run') (replicator.after-sync)");
        Replicator.Result changed = replicator.run("sync");

        assertThat(changed.exitCode()).as(changed.all()).isZero();
        assertThat(view(target)).as("the sync that changed items refreshed the view").isEqualTo(totals(source));
        assertThat(changed.all()).doesNotContain("refreshed without CONCURRENTLY");
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT table_name FROM sync_log ORDER BY logged_at, table_name"))
                    .containsExactly(List.of("items"), List.of("the run"));
            assertThat(Tables.rows(t, "SELECT table_name, action_sql, status FROM replicator.after_actions WHERE run_id = 2 ORDER BY 1, action_no"))
                    .containsExactly(List.of("(run)", "INSERT INTO sync_log (table_name) VALUES ('the run')", "done"),
                            List.of("public.items", "INSERT INTO sync_log (table_name) VALUES ('items')", "done"),
                            List.of("public.items", "REFRESH MATERIALIZED VIEW CONCURRENTLY item_totals", "done"));
        }

        Replicator.Result unchanged = replicator.run("sync");

        assertThat(unchanged.exitCode()).as(unchanged.all()).isZero();
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT string_agg(status, ',' ORDER BY table_name) FROM replicator.tables WHERE run_id = 3"))
                    .isEqualTo("unchanged,unchanged");
            assertThat(Tables.count(t, "sync_log")).as("a sync that found the table unchanged runs none of its after-actions").isEqualTo(2);
            assertThat(Tables.single(t, "SELECT count(*) FROM replicator.after_actions WHERE run_id = 3")).isZero();
        }
    }

    @Test
    void aFailingActionFailsItsTableNamingTheSqlAndResumeRunsOnlyTheActionsThatDidNotFinishOrTheNextSyncRunsThem() throws Exception {
        String source = source("after_fail_source");
        String target = TestPostgres.newDatabase("after_fail_target");
        TestPostgres.execute(target, "CREATE TABLE action_log (step text NOT NULL)");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with(
                "--replicator.sync.watermark=updated_at", "--replicator.sync.overlap-seconds=0",
                "--replicator.table.items.after-sync=INSERT INTO sync_audit (step) VALUES ('synced')",
                "--replicator.table.items.after-load=INSERT INTO action_log VALUES ('first');"
                        + " INSERT INTO audit (step) VALUES ('second'); INSERT INTO action_log VALUES ('third')",
                "--replicator.after-load=INSERT INTO action_log VALUES ('the run')");

        Replicator.Result failed = replicator.run("load");

        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
        assertThat(failed.all()).contains("public.items: after-load action 2 of 3 failed: INSERT INTO audit (step) VALUES ('second')"
                        + " (replicator.table.items.after-load): ERROR: relation \"audit\" does not exist",
                "42P01", "then run load --resume", "Failed tables:");
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT step FROM action_log")).as("the third action and the run's wait for the resume")
                    .containsExactly(List.of("first"));
            assertThat(Tables.rows(t, "SELECT table_name, status, phase FROM replicator.tables ORDER BY 1"))
                    .containsExactly(List.of("public.items", "failed", "after-actions"), List.of("public.notes", "done", "complete"));
            assertThat(Tables.text(t, "SELECT error FROM replicator.tables WHERE table_name = 'public.items'"))
                    .contains("INSERT INTO audit (step) VALUES ('second')", "relation \"audit\" does not exist");
            assertThat(Tables.rows(t, "SELECT action_no, status FROM replicator.after_actions ORDER BY 1"))
                    .containsExactly(List.of("0", "done"), List.of("1", "failed"));
        }

        TestPostgres.execute(target, "CREATE TABLE audit (step text NOT NULL)");
        Replicator.Result resumed = replicator.run("load", "--resume");

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT step FROM action_log ORDER BY step"))
                    .as("the finished action did not run again; the rest ran once, then the run's")
                    .containsExactly(List.of("first"), List.of("the run"), List.of("third"));
            assertThat(Tables.rows(t, "SELECT step FROM audit")).containsExactly(List.of("second"));
            assertThat(Tables.rows(t, "SELECT table_name, action_no, status, attempts FROM replicator.after_actions ORDER BY 1, 2"))
                    .containsExactly(List.of("(run)", "0", "done", "1"), List.of("public.items", "0", "done", "1"),
                            List.of("public.items", "1", "done", "2"), List.of("public.items", "2", "done", "1"));
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("done");
            assertThat(Tables.count(t, "items")).isEqualTo(30);
        }

        TestPostgres.execute(source, "UPDATE items SET amount = 0, updated_at = localtimestamp WHERE id = 1");
        Replicator.Result syncFailed = replicator.run("sync");

        assertThat(syncFailed.exitCode()).as(syncFailed.all()).isEqualTo(1);
        assertThat(syncFailed.all()).contains("after-sync action 1 of 1 failed: INSERT INTO sync_audit (step) VALUES ('synced')"
                + " (replicator.table.items.after-sync): ERROR: relation \"sync_audit\" does not exist", "then sync again");
        TestPostgres.execute(target, "CREATE TABLE sync_audit (step text NOT NULL)");
        Replicator.Result owed = replicator.run("sync");

        assertThat(owed.exitCode()).as(owed.all()).isZero();
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT status FROM replicator.tables WHERE table_name = 'public.items' AND run_id = 3"))
                    .as("the rows came with the failed sync").isEqualTo("unchanged");
            assertThat(Tables.rows(t, "SELECT step FROM sync_audit")).as("the actions the failed sync owed ran on the next")
                    .containsExactly(List.of("synced"));
            assertThat(Tables.single(t, "SELECT amount FROM items WHERE id = 1")).isZero();
        }
    }

    @Test
    void aFailingRunActionFailsTheRunAfterItsTablesAreCompleteAndResumeRunsOnlyThatAction() throws Exception {
        String source = source("after_run_fail_source");
        String target = TestPostgres.newDatabase("after_run_fail_target");
        TestPostgres.execute(target, "CREATE TABLE action_log (step text NOT NULL)");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with(
                "--replicator.table.items.after-load=INSERT INTO action_log VALUES ('items')",
                "--replicator.after-load=INSERT INTO action_log VALUES ('the run'); INSERT INTO run_audit VALUES ('the run')");

        Replicator.Result failed = replicator.run("load");

        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
        assertThat(failed.all()).contains("INSERT INTO run_audit VALUES ('the run')", "(replicator.after-load)",
                "relation \"run_audit\" does not exist");
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT table_name, status, phase FROM replicator.tables ORDER BY 1")).as("the tables' rows are in")
                    .containsExactly(List.of("public.items", "done", "complete"), List.of("public.notes", "done", "complete"));
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).as("but the run is not done").isNotEqualTo("done");
            assertThat(Tables.rows(t, "SELECT table_name, action_no, status FROM replicator.after_actions WHERE table_name = '(run)' ORDER BY 2"))
                    .containsExactly(List.of("(run)", "0", "done"), List.of("(run)", "1", "failed"));
            assertThat(Tables.count(t, "items")).isEqualTo(30);
        }

        String rowVersions = rowVersions(target);
        TestPostgres.execute(target, "CREATE TABLE run_audit (step text NOT NULL)");
        Replicator.Result resumed = replicator.run("load", "--resume");

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT step FROM action_log ORDER BY step")).as("each action ran once")
                    .containsExactly(List.of("items"), List.of("the run"));
            assertThat(Tables.rows(t, "SELECT step FROM run_audit")).containsExactly(List.of("the run"));
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("done");
            assertThat(rowVersions(target)).as("no row written again").isEqualTo(rowVersions);
            assertThat(Tables.count(t, "items")).isEqualTo(30);
            assertThat(Tables.count(t, "notes")).isEqualTo(5);
        }
    }

    @Test
    void aViewRefreshForATargetWithoutMaterializedViewsIsRefusedBeforeAnythingIsWritten() throws Exception {
        String source = source("after_h2_source");
        String target = "jdbc:h2:file:" + dir.resolve("h2-target");
        Replicator.Result load = Replicator.execute("load", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=sa", "--replicator.data-dir=" + dir,
                "--replicator.target-schema=PUBLIC", "--replicator.table.items.refresh-views=item_totals");

        assertThat(load.exitCode()).as(load.all()).isEqualTo(2);
        assertThat(load.err()).contains("replicator.table.items.refresh-views", "materialized views are PostgreSQL's", "H2");
        try (var t = java.sql.DriverManager.getConnection(target, "sa", "")) {
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = 'ITEMS'"))
                    .as("no table was created").isZero();
        }
    }
}

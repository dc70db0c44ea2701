package org.camelreplicator.sync;

import java.nio.file.Path;
import java.sql.Connection;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** sync after a load, PostgreSQL to PostgreSQL: inserts, updates and deletes arrive exactly; unchanged tables are not read. */
class SyncTest {

    @TempDir
    Path dir;

    @Test
    void insertsUpdatesAndDeletesAfterALoadReachTheTargetExactly() throws Exception {
        String source = TestPostgres.newDatabase("sync_source");
        String target = TestPostgres.newDatabase("sync_target");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", 20_000);
        }
        TestPostgres.execute(source, "ALTER TABLE items ADD COLUMN updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day'",
                "CREATE TABLE notes (id int PRIMARY KEY, body text, updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day')",
                "INSERT INTO notes (id, body) SELECT g, 'note ' || g FROM generate_series(1, 100) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--replicator.sync.watermark=updated_at", "--replicator.table.items.sync.deletes=reconcile",
                        "--replicator.sync.overlap-seconds=0");
        assertThat(replicator.run("load").exitCode()).isZero();

        TestPostgres.execute(source,
                "INSERT INTO items (id, code, name, updated_at) SELECT g, 'N-' || g, 'new ' || g, localtimestamp FROM generate_series(20001, 20100) g",
                "UPDATE items SET price = price + 1, tags = ARRAY['changed'], updated_at = localtimestamp WHERE id BETWEEN 101 AND 150",
                "UPDATE items SET name = 'first change', updated_at = localtimestamp WHERE id BETWEEN 201 AND 210",
                "UPDATE items SET name = 'second change', attrs = '{\"twice\": true}', updated_at = localtimestamp WHERE id BETWEEN 201 AND 210",
                "DELETE FROM items WHERE id BETWEEN 301 AND 330");

        Replicator.Result plan = replicator.run("sync", "--dry-run");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("Dry run: what a sync would do; nothing is written.")
                .containsPattern("public\\.items +updated_at .* 20,070 +count +read the changes \\(rows 20000 -> 20070\\), deletes reconcile")
                .containsPattern("public\\.notes +updated_at .* - +max +skip: unchanged, deletes none")
                .contains("public.notes: max: MAX(updated_at) alone; no index leads with updated_at, so the engine reads the table for it");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "replicator.runs")).as("the dry run wrote nothing").isEqualTo(1);
        }

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        assertThat(sync.out()).contains("Sync summary", "1 synced, 1 unchanged, 0 failed", "Rows deleted (gone from the source): 30");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(20_070);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            assertThat(Tables.contentHash(t, "notes", "id")).isEqualTo(Tables.contentHash(s, "notes", "id"));
            assertThat(Tables.rows(t, "SELECT table_name, status, rows_copied FROM replicator.tables WHERE run_id = 2 ORDER BY 1"))
                    .as("only the 160 changed rows were read").containsExactly(
                            java.util.List.of("public.items", "done", "160"), java.util.List.of("public.notes", "unchanged", "0"));
            assertThat(Tables.single(t, "SELECT rows_deleted FROM replicator.sync_state WHERE table_name = 'public.items'")).isEqualTo(30);
        }

        Replicator.Result again = replicator.run("sync");
        assertThat(again.exitCode()).as(again.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT string_agg(status, ',' ORDER BY table_name) FROM replicator.tables WHERE run_id = 3"))
                    .as("nothing changed since: both tables only probed").isEqualTo("unchanged,unchanged");
        }
        assertThat(replicator.run("status").out()).contains("Run 3 (sync): done", "Tables: 2 total, 2 completed (2 unchanged), 0 failed",
                "Sync state (where the next sync reads from):").containsPattern("public\\.items +updated_at +20\\d\\d-");
        assertThat(replicator.run("status", "--json").out()).contains("\"sync_state\"", "\"public.notes\"", "\"watermark_column\" : \"updated_at\"");
    }

    /**
     * The probes: a table without deletes to reconcile and with a timestamp watermark is found
     * unchanged from its watermark index alone (PostgreSQL's own scan counts show its rows were not
     * read); one with deletes=reconcile or an integer watermark still counts. Then changes made by
     * a session that stays open across the sync, so that PostgreSQL's statistics do not show them
     * yet (a session flushes its counts at most once a second and otherwise up to 10 s later): each
     * arrives with that sync.
     */
    @Test
    void anIdleTableIsProbedThroughItsWatermarkIndexAndChangesJustBeforeTheSyncAllArrive() throws Exception {
        String source = TestPostgres.newDatabase("sync_probe_source");
        String target = TestPostgres.newDatabase("sync_probe_target");
        TestPostgres.execute(source,
                "CREATE TABLE events (id int PRIMARY KEY, body text, updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day')",
                "CREATE INDEX events_updated_at ON events (updated_at)",
                "INSERT INTO events (id, body) SELECT g, 'event ' || g FROM generate_series(1, 5000) g",
                "CREATE TABLE accounts (id int PRIMARY KEY, owner text, updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day')",
                "INSERT INTO accounts (id, owner) SELECT g, 'owner ' || g FROM generate_series(1, 1000) g",
                "CREATE TABLE lines (id int PRIMARY KEY, line text)",
                "INSERT INTO lines SELECT g, 'line ' || g FROM generate_series(1, 1000) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--replicator.sync.watermark=updated_at",
                "--replicator.table.accounts.sync.deletes=reconcile", "--replicator.table.lines.sync.watermark=id",
                "--replicator.sync.overlap-seconds=0");
        assertThat(replicator.run("load").exitCode()).isZero();

        Replicator.Result plan = replicator.run("sync", "--dry-run");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).containsPattern("public\\.events +updated_at .* - +max +skip: unchanged, deletes none")
                .containsPattern("public\\.accounts +updated_at .* 1,000 +count +skip: unchanged, deletes reconcile")
                .contains("public.events: max: MAX(updated_at) alone, from index events_updated_at; the table is not read",
                        "public.accounts: count: MAX(updated_at) and COUNT(*), which reads the table, because deletes=reconcile",
                        "public.lines: count: MAX(id) and COUNT(*), which reads the table, because the watermark is an integer");

        long[] before = eventsReads(source);
        Replicator.Result idle = replicator.run("sync");
        long[] after = eventsReads(source);
        assertThat(idle.out()).as(idle.all()).contains("0 synced, 3 unchanged, 0 failed");
        assertThat(after[0]).as("no sequential scan of events").isEqualTo(before[0]);
        assertThat(after[1]).as("no scan of events' primary key").isEqualTo(before[1]);
        assertThat(after[2]).as("the probe's lookup in events_updated_at").isGreaterThan(before[2]);

        try (Connection writer = TestPostgres.connect(source); java.sql.Statement st = writer.createStatement()) {
            st.execute("SELECT 1");
            st.executeUpdate("UPDATE events SET body = 'changed', updated_at = clock_timestamp()::timestamp WHERE id = 7");
            st.executeUpdate("INSERT INTO events (id, body, updated_at) VALUES (5001, 'new', clock_timestamp()::timestamp)");
            st.executeUpdate("DELETE FROM accounts WHERE id = 3");
            st.executeUpdate("UPDATE accounts SET owner = 'changed', updated_at = clock_timestamp()::timestamp WHERE id = 4");
            st.executeUpdate("INSERT INTO lines VALUES (1001, 'new line')");

            Replicator.Result sync = replicator.run("sync");

            assertThat(sync.exitCode()).as(sync.all()).isZero();
            assertThat(sync.out()).contains("3 synced, 0 unchanged, 0 failed", "Rows deleted (gone from the source): 1");
        }
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            for (String table : java.util.List.of("events", "accounts", "lines")) {
                assertThat(Tables.contentHash(t, table, "id")).as(table).isEqualTo(Tables.contentHash(s, table, "id"));
            }
        }
    }

    /**
     * How often PostgreSQL read events: sequential scans, scans of its primary key, scans of its
     * watermark index. Taken once no other client is connected to the source: a session flushes
     * its counts as it ends, before it leaves pg_stat_activity.
     */
    private static long[] eventsReads(String source) throws Exception {
        try (Connection s = TestPostgres.connect(source)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(20))
                    .until(() -> Tables.single(s, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                            + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()") == 0);
            return new long[] {
                Tables.single(s, "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'events'"),
                Tables.single(s, "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'events_pkey'"),
                Tables.single(s, "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'events_updated_at'")};
        }
    }

    @Test
    void aSyncKilledMidUpsertLeavesTargetAndWatermarkAsTheyWereAndTheNextSyncIsExact() throws Exception {
        String source = TestPostgres.newDatabase("sync_kill_source");
        String target = TestPostgres.newDatabase("sync_kill_target");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", 300_000);
        }
        TestPostgres.execute(source, "ALTER TABLE items ADD COLUMN updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day'");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--replicator.sync.watermark=updated_at",
                "--replicator.sync.overlap-seconds=0", "--batch-rows=1000");
        assertThat(replicator.run("load").exitCode()).isZero();
        String watermarkAfterLoad = watermark(target);
        String targetAfterLoad = hash(target);
        TestPostgres.execute(source, "UPDATE items SET name = 'changed ' || id, updated_at = localtimestamp");

        org.camelreplicator.support.ReplicatorProcess sync = org.camelreplicator.support.ReplicatorProcess.start(dir.resolve("sync.log"),
                java.util.List.of("sync", "--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                        "--target.username=postgres", "--replicator.data-dir=" + dir, "--replicator.sync.watermark=updated_at",
                        "--replicator.sync.overlap-seconds=0", "--batch-rows=1000"));
        // the staging COPY of the 300,000 changed rows is under way on the target
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).pollInterval(java.time.Duration.ofMillis(10))
                .failFast("the sync ended before the kill", () -> !sync.alive())
                .until(() -> stagedRows(target) > 0);
        assertThat(sync.kill()).isEqualTo(137);

        assertThat(watermark(target)).as("the watermark did not move").isEqualTo(watermarkAfterLoad);
        assertThat(hash(target)).as("no changed row reached the table").isEqualTo(targetAfterLoad);
        Replicator.Result again = replicator.run("sync");
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(hash(target)).isEqualTo(hash(source));
    }

    private static String watermark(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.text(t, "SELECT watermark FROM replicator.sync_state WHERE table_name = 'public.items'");
        }
    }

    private static String hash(String url) throws Exception {
        try (Connection c = TestPostgres.connect(url)) {
            return Tables.contentHash(c, "items", "id");
        }
    }

    /** Rows a running sync has COPYed into its staging table, as pg_stat_progress_copy shows them. */
    private static long stagedRows(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, "SELECT COALESCE(SUM(tuples_processed), 0) FROM pg_stat_progress_copy p"
                    + " JOIN pg_stat_activity a ON a.pid = p.pid WHERE a.query LIKE 'COPY replicator_sync_stage%'");
        }
    }

    @Test
    void aTimestampWithTimeZoneWatermarkIsReadAsAnInstantByTheLoadAndBySync() throws Exception {
        String source = TestPostgres.newDatabase("sync_tz_source");
        String target = TestPostgres.newDatabase("sync_tz_target");
        TestPostgres.execute(source, "CREATE TABLE events (id int PRIMARY KEY, body text,"
                        + " updated_at timestamp(3) with time zone NOT NULL DEFAULT now() - interval '1 day')",
                "INSERT INTO events (id, body) SELECT g, 'event ' || g FROM generate_series(1, 200) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--replicator.sync.watermark=updated_at", "--replicator.sync.overlap-seconds=0");
        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isZero();

        TestPostgres.execute(source, "UPDATE events SET body = 'changed', updated_at = now() WHERE id <= 20",
                "INSERT INTO events (id, body, updated_at) VALUES (201, 'new', now())");
        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "events", "id")).isEqualTo(Tables.contentHash(s, "events", "id"));
            assertThat(Tables.single(t, "SELECT rows_copied FROM replicator.tables WHERE run_id = 2")).as("only the changed rows").isEqualTo(21);
        }
    }

    @Test
    void xminCarriesChangesOfATableWithoutATimestampColumn() throws Exception {
        String source = TestPostgres.newDatabase("sync_xmin_source");
        String target = TestPostgres.newDatabase("sync_xmin_target");
        TestPostgres.execute(source, "CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance numeric(12,2))",
                "INSERT INTO accounts SELECT g, 'owner ' || g, g FROM generate_series(1, 5000) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--replicator.table.accounts.sync.watermark=xmin");
        assertThat(replicator.run("load").exitCode()).isZero();
        TestPostgres.execute(source, "UPDATE accounts SET balance = balance * 2 WHERE id % 100 = 0",
                "INSERT INTO accounts VALUES (5001, 'newcomer', 1)");

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "accounts", "id")).isEqualTo(Tables.contentHash(s, "accounts", "id"));
            assertThat(Tables.single(t, "SELECT rows_copied FROM replicator.tables WHERE run_id = 2")).as("50 updated + 1 inserted").isEqualTo(51);
        }
        assertThat(replicator.run("sync").exitCode()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT status FROM replicator.tables WHERE run_id = 3")).isEqualTo("unchanged");
        }
    }

    @Test
    void aRowCommittedLateWithAnOlderTimestampIsCaughtByTheOverlap() throws Exception {
        assertThat(lateRowArrives("late_overlap", 120)).as("with replicator.sync.overlap-seconds=120").isTrue();
        assertThat(lateRowArrives("late_no_overlap", 0)).as("without an overlap the late row is missed, as the overlap exists for").isFalse();
    }

    /**
     * A transaction stamps row 1 and stays open while another row is stamped later and committed;
     * a sync runs; then the first transaction commits; another sync runs. Answers whether row 1's
     * change reached the target.
     */
    private boolean lateRowArrives(String name, int overlapSeconds) throws Exception {
        String source = TestPostgres.newDatabase(name + "_source");
        String target = TestPostgres.newDatabase(name + "_target");
        TestPostgres.execute(source, "CREATE TABLE t (id int PRIMARY KEY, v text, updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day')",
                "INSERT INTO t (id, v) SELECT g, 'v' || g FROM generate_series(1, 100) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--replicator.sync.watermark=updated_at", "--replicator.sync.overlap-seconds=" + overlapSeconds);
        assertThat(replicator.run("load").exitCode()).isZero();
        try (Connection late = TestPostgres.connect(source)) {
            late.setAutoCommit(false);
            try (java.sql.Statement st = late.createStatement()) {
                // localtimestamp is the transaction's start: older than the row stamped and committed below
                st.execute("UPDATE t SET v = 'late', updated_at = localtimestamp WHERE id = 1");
            }
            TestPostgres.execute(source, "UPDATE t SET v = 'early', updated_at = clock_timestamp()::timestamp WHERE id = 2");
            assertThat(replicator.run("sync").exitCode()).isZero();
            late.commit();
        }
        assertThat(replicator.run("sync").exitCode()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT v FROM t WHERE id = 2")).isEqualTo("early");
            return Tables.text(t, "SELECT v FROM t WHERE id = 1").equals("late");
        }
    }

    @Test
    void aColumnAddedOnTheSourceAfterTheLoadFailsOnlyItsTableAndSaysToLoadItAgain() throws Exception {
        String source = TestPostgres.newDatabase("sync_schema_source");
        String target = TestPostgres.newDatabase("sync_schema_target");
        TestPostgres.execute(source, "CREATE TABLE a (id int PRIMARY KEY, v text, updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day')",
                "CREATE TABLE b (id int PRIMARY KEY, v text, updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day')",
                "INSERT INTO a (id, v) SELECT g, 'a' || g FROM generate_series(1, 100) g",
                "INSERT INTO b (id, v) SELECT g, 'b' || g FROM generate_series(1, 100) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--replicator.sync.watermark=updated_at", "--replicator.sync.overlap-seconds=0");
        assertThat(replicator.run("load").exitCode()).isZero();
        TestPostgres.execute(source, "ALTER TABLE a ADD COLUMN extra int", "UPDATE a SET extra = 1, updated_at = localtimestamp WHERE id = 1",
                "UPDATE b SET v = 'changed', updated_at = localtimestamp WHERE id = 1");

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).isEqualTo(1);
        assertThat(sync.out()).contains("1 synced, 0 unchanged, 1 failed",
                "public.a: Staging the changed rows of public.a in a copy of public.a failed", "column \"extra\" does not exist",
                "sync does not carry schema changes. Add the column to public.a (ALTER TABLE ... ADD COLUMN) and load the table"
                + " again: load --tables=public.a");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT v FROM b WHERE id = 1")).isEqualTo("changed");
        }
        TestPostgres.execute(target, "ALTER TABLE a ADD COLUMN extra int");
        Replicator.Result reload = replicator.run("load", "--tables=public.a");
        assertThat(reload.exitCode()).as(reload.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "a", "id")).isEqualTo(Tables.contentHash(s, "a", "id"));
        }
    }

    @Test
    void aTableWithoutAWatermarkOrAKeyIsRefusedWithWhatToSet() throws Exception {
        String source = TestPostgres.newDatabase("sync_bad_source");
        String target = TestPostgres.newDatabase("sync_bad_target");
        TestPostgres.execute(source, "CREATE TABLE logs (at timestamp, line text)", "CREATE TABLE users (id int PRIMARY KEY, name text)",
                "INSERT INTO users VALUES (1, 'ada')");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);

        Replicator.Result none = replicator.run("sync");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("No table has a watermark", "replicator.sync.watermark=<column>");

        Replicator.Result noColumn = replicator.run("sync", "--replicator.table.users.sync.watermark=changed_at");
        assertThat(noColumn.exitCode()).isEqualTo(2);
        assertThat(noColumn.err()).contains("Table public.users has no column changed_at", "Its columns are: id, name");

        Replicator.Result noKey = replicator.run("sync", "--replicator.table.logs.sync.watermark=at");
        assertThat(noKey.exitCode()).isEqualTo(2);
        assertThat(noKey.err()).contains("Table public.logs has no primary key", "replicator.table.logs.sync.key=<columns>");

        Replicator.Result notLoaded = replicator.run("sync", "--replicator.table.users.sync.watermark=id");
        assertThat(notLoaded.exitCode()).isEqualTo(2);
        assertThat(notLoaded.err()).contains("the target has no table for public.users", "Run load first");

        Replicator.Result textWatermark = replicator.with("--replicator.table.users.sync.watermark=name").run("load");
        assertThat(textWatermark.exitCode()).isEqualTo(1);
        assertThat(textWatermark.out()).contains("The watermark name of table public.users holds String values (e.g. ada)");

        Replicator.Result sqliteTarget = Replicator.between(source, "postgres", "jdbc:sqlite:" + dir.resolve("target.db"), dir)
                .run("sync", "--replicator.table.users.sync.watermark=id");
        assertThat(sqliteTarget.exitCode()).isEqualTo(2);
        assertThat(sqliteTarget.err()).contains("target.url", "is SQLite, which sync cannot write to yet");
    }
}

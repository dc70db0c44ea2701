package org.camelreplicator.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** How tables are cut into chunks, and what a failed, resumed, narrowed or appending load leaves behind. */
class ChunkingAndResumeTest {

    @TempDir
    Path dataDir;

    @Test
    void textKeysWithQuotesAreSplitIntoKeysetChunksThatHoldEveryRowOnce() throws Exception {
        String source = TestPostgres.newDatabase("keyset_source");
        String target = TestPostgres.newDatabase("keyset_target");
        TestPostgres.execute(source, "CREATE TABLE codes (code varchar(40) PRIMARY KEY, n integer NOT NULL)",
                "INSERT INTO codes SELECT 'k''' || md5(g::text) || E'\\\\', g FROM generate_series(1, 20000) g");

        Replicator.Result r = Replicator.between(source, "postgres", target, dataDir).run("load", "--chunk-rows=3000");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks")).isEqualTo(7);
            assertThat(Tables.text(t, "SELECT bounds FROM replicator.chunks WHERE chunk_no = 1")).contains("\"kind\":\"keyset\"");
            assertThat(Tables.count(t, "codes")).isEqualTo(20_000);
            assertThat(Tables.contentHash(t, "codes", "code")).isEqualTo(Tables.contentHash(s, "codes", "code"));
        }
    }

    @Test
    void aCompositeKeyOnSqliteIsSplitIntoKeysetChunksThroughBoundParameters() throws Exception {
        String target = TestPostgres.newDatabase("keyset_sqlite");
        Replicator.Result r = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dataDir)
                .run("load", "--tables=PlaylistTrack", "--chunk-rows=1000");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks")).isEqualTo(9);
            assertThat(Tables.text(t, "SELECT description FROM replicator.chunks WHERE chunk_no = 1"))
                    .matches("PlaylistId, TrackId in \\[\\(\\d+, \\d+\\), \\(\\d+, \\d+\\)\\)");
            assertThat(Tables.count(t, "playlist_track")).isEqualTo(8_715);
            assertThat(Tables.single(t, "SELECT COUNT(DISTINCT (playlist_id, track_id)) FROM playlist_track")).isEqualTo(8_715);
        }
    }

    @Test
    void aMonthSplitCopiesOneChunkPerMonthAndRowsWithoutADate() throws Exception {
        String source = TestPostgres.newDatabase("months_source");
        String target = TestPostgres.newDatabase("months_target");
        TestPostgres.execute(source, "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp)",
                "INSERT INTO events SELECT g, CASE WHEN g % 100 = 0 THEN NULL"
                        + " ELSE timestamp '2024-01-01' + (g % 180) * interval '1 day' END FROM generate_series(1, 9000) g");

        Replicator.Result r = Replicator.between(source, "postgres", target, dataDir)
                .run("load", "--replicator.table.events.split-by=happened_at:month");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT description FROM replicator.chunks ORDER BY chunk_no").stream().map(row -> row.get(0)))
                    .containsExactly("happened_at in [-inf, 2024-02)", "happened_at in 2024-02", "happened_at in 2024-03",
                            "happened_at in 2024-04", "happened_at in 2024-05", "happened_at in [2024-06, +inf)",
                            "happened_at is null");
            assertThat(Tables.contentHash(t, "events", "id")).isEqualTo(Tables.contentHash(s, "events", "id"));
        }
    }

    @Test
    void aMonthSplitBoundedByFromAndToCopiesOnlyThoseMonths() throws Exception {
        String source = TestPostgres.newDatabase("months_bounded_source");
        String target = TestPostgres.newDatabase("months_bounded_target");
        TestPostgres.execute(source, "CREATE TABLE events (id bigint PRIMARY KEY, happened_on date NOT NULL)",
                "INSERT INTO events SELECT g, date '2023-12-01' + g FROM generate_series(0, 399) g");

        Replicator.Result r = Replicator.between(source, "postgres", target, dataDir)
                .run("load", "--replicator.table.events.split-by=happened_on:month", "--from=2024-02", "--to=2024-03");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "events")).isEqualTo(29 + 31);
            assertThat(Tables.text(t, "SELECT MIN(happened_on) || ' ' || MAX(happened_on) FROM events")).isEqualTo("2024-02-01 2024-03-31");
        }
    }

    @Test
    void aTableWithoutAKeyIsOneChunkWhoseFailedCopyLeavesNoRowsAndResumes() throws Exception {
        String source = TestPostgres.newDatabase("nokey_source");
        String target = TestPostgres.newDatabase("nokey_target");
        TestPostgres.execute(source, "CREATE TABLE log_lines (at timestamp, line text)",
                "INSERT INTO log_lines SELECT timestamp '2024-01-01' + g * interval '1 second', 'line ' || g FROM generate_series(1, 100000) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dataDir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        // the target fails the copy after 60,000 rows: a permanent error in the middle of the only chunk
        TestPostgres.execute(target, "CREATE SEQUENCE seen",
                "CREATE FUNCTION fail_late() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF nextval('seen') = 60000 THEN RAISE EXCEPTION 'disk full (simulated)'; END IF; RETURN NEW; END $$",
                "CREATE TRIGGER fail_late BEFORE INSERT ON log_lines FOR EACH ROW EXECUTE FUNCTION fail_late()");

        Replicator.Result failed = replicator.run("load");

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).contains("Failed tables:", "public.log_lines", "disk full (simulated)", "load --resume");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "log_lines")).as("the failed chunk rolled back").isZero();
            assertThat(Tables.text(t, "SELECT description FROM replicator.chunks")).isEqualTo("all rows");
            assertThat(Tables.text(t, "SELECT status || ': ' || error FROM replicator.tables")).startsWith("failed: ").contains("disk full");
        }

        TestPostgres.execute(target, "DROP TRIGGER fail_late ON log_lines");
        Replicator.Result resumed = replicator.run("load", "--resume");

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "log_lines")).isEqualTo(100_000);
            assertThat(Tables.contentHash(t, "log_lines", "at, line")).isEqualTo(Tables.contentHash(s, "log_lines", "at, line"));
        }
    }

    @Test
    void aFreshLoadEmptiesTheTargetTableButNoTruncateKeepsItsRowsAndWarns() throws Exception {
        String target = TestPostgres.newDatabase("truncate_target");
        Replicator chinook = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dataDir);
        assertThat(chinook.run("schema", "--tables=Genre").exitCode()).isZero();
        TestPostgres.execute(target, "INSERT INTO genre VALUES (1000, 'kept by the user')");

        Replicator.Result appended = chinook.run("load", "--tables=Genre", "--no-truncate");
        assertThat(appended.exitCode()).as(appended.all()).isZero();
        assertThat(appended.err()).contains("--no-truncate", "genre");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "genre")).isEqualTo(25 + 1);
        }

        Replicator.Result fresh = chinook.run("load", "--tables=Genre");
        assertThat(fresh.exitCode()).as(fresh.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "genre")).isEqualTo(25);
        }
    }

    @Test
    void startFromTableSkipsTheTablesBeforeItInPlanOrder() throws Exception {
        String target = TestPostgres.newDatabase("start_from");
        Replicator chinook = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dataDir);
        String plan = chinook.run("load", "--dry-run", "--tables=Album,Artist,Genre,MediaType").out();
        assertThat(plan).containsSubsequence("1  Album", "2  Artist", "3  Genre", "4  MediaType");

        Replicator.Result r = chinook.run("load", "--tables=Album,Artist,Genre,MediaType", "--start-from-table=Genre");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Tables: 4 total, 2 completed, 0 failed, 2 skipped");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).containsExactly("genre", "media_type");
            assertThat(Tables.rows(t, "SELECT table_name, status FROM replicator.tables ORDER BY plan_order").stream()
                    .map(row -> row.get(0) + " " + row.get(1)))
                    .containsExactly("Album skipped", "Artist skipped", "Genre done", "MediaType done");
        }
    }

    @Test
    void aDryRunWritesNothingAndShowsWhatAResumeWouldSkip() throws Exception {
        String target = TestPostgres.newDatabase("dry_run");
        Replicator chinook = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dataDir);

        Replicator.Result fresh = chinook.run("load", "--dry-run", "--chunk-rows=1000");
        assertThat(fresh.exitCode()).as(fresh.all()).isZero();
        assertThat(fresh.out()).contains("nothing is written", "InvoiceLine", "chunk 3/3: InvoiceLineId in [1495, +inf)",
                "CREATE TABLE IF NOT EXISTS public.invoice_line (", "no run recorded yet");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).isEmpty();
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'replicator'")).isZero();
        }

        assertThat(chinook.run("load", "--chunk-rows=1000").exitCode()).isZero();
        TestPostgres.execute(target, "UPDATE replicator.runs SET status = 'failed'",
                "UPDATE replicator.tables SET status = 'running' WHERE table_name = 'InvoiceLine'",
                "UPDATE replicator.chunks SET status = 'failed' WHERE table_name = 'InvoiceLine' AND chunk_no = 2");
        Replicator.Result unfinished = chinook.run("load", "--dry-run", "--chunk-rows=1000");
        assertThat(unfinished.out()).contains("run 1", "is unfinished", "--resume would skip:",
                "Track: the whole table (done)", "InvoiceLine: 2 of 3 chunks done (1,494 rows): 1 2");
    }
}

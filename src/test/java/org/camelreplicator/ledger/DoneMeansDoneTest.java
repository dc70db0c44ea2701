package org.camelreplicator.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table is done only with its rows: its whole chunk plan recorded and committed, and the target
 * table holding exactly the rows its chunks committed.
 */
class DoneMeansDoneTest {

    static final long ROWS = 30_000;

    @TempDir
    Path dir;

    static String source;

    @BeforeAll
    static void source() throws SQLException {
        source = TestPostgres.newDatabase("done_source");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", ROWS);
        }
    }

    @Test
    void aTableWhoseCreateWasRefusedIsCopiedByTheResumeAfterTheCauseIsFixedNotClosedEmpty() throws Exception {
        String target = TestPostgres.newDatabase("done_refused");
        // the privileges are all there (the run's up-front check passes); the table's name is taken by a view
        TestPostgres.execute(target, "CREATE VIEW items AS SELECT 1 AS id");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--chunk-rows=10000");

        Replicator.Result refused = replicator.run("load");

        assertThat(refused.exitCode()).as(refused.all()).isNotZero();
        assertThat(refused.all()).contains("failed public.items", "\"items\" is not a table");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT status, chunks_total FROM replicator.tables"))
                    .as("no plan was recorded for the refused table").containsExactly(java.util.Arrays.asList("failed", null));
        }

        TestPostgres.execute(target, "DROP VIEW items");
        Replicator.Result resumed = replicator.run("load", "--resume");

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(ROWS);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            assertThat(Tables.rows(t, "SELECT status, rows_copied, chunks_total FROM replicator.tables"))
                    .containsExactly(List.of("done", String.valueOf(ROWS), "3"));
        }
        assertThat(replicator.run("status").out()).contains("100.0% done", "30,000");
    }

    @Test
    void aTableMissingRowsItsChunksCommittedFailsNamingBothCountsAndWhatToDo() throws Exception {
        String target = TestPostgres.newDatabase("done_mismatch");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--chunk-rows=10000");
        assertThat(replicator.run("schema").exitCode()).isZero();
        // something on the target that the ledger does not know about drops rows as they arrive
        TestPostgres.execute(target, """
                CREATE FUNCTION drop_some() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.id % 1000 = 0 THEN RETURN NULL; END IF;
                  RETURN NEW;
                END $$""", "CREATE TRIGGER drop_some BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION drop_some()");

        Replicator.Result result = replicator.run("load");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.out()).contains("failed public.items", "the target table public.items holds 29,970 rows",
                "its committed chunks account for 30,000", "load --reset --tables=public.items");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT status FROM replicator.tables")).isEqualTo("failed");
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("failed");
        }
    }

    @Test
    void noTruncateCountsTheRowsTheTableHeldBeforeAndEndsDone() throws Exception {
        String target = TestPostgres.newDatabase("done_no_truncate");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--chunk-rows=10000");
        assertThat(replicator.run("schema").exitCode()).isZero();
        TestPostgres.execute(target, "INSERT INTO items (id, code) SELECT g, 'kept ' || g FROM generate_series(100001, 100025) g");

        Replicator.Result result = replicator.run("load", "--no-truncate");

        assertThat(result.exitCode()).as(result.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(ROWS + 25);
            assertThat(Tables.rows(t, "SELECT status, rows_copied, rows_before FROM replicator.tables"))
                    .containsExactly(List.of("done", String.valueOf(ROWS), "25"));
        }
    }

    @Test
    void aLedgerFromBeforeRowsBeforeGetsTheColumnFromStatusOrLoad() throws Exception {
        String target = TestPostgres.newDatabase("done_old_ledger");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--chunk-rows=10000");
        assertThat(replicator.run("load").exitCode()).isZero();
        TestPostgres.execute(target, "ALTER TABLE replicator.tables DROP COLUMN rows_before");

        Replicator.Result status = replicator.run("status");

        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("Run 1 (load): done");
        TestPostgres.execute(target, "ALTER TABLE replicator.tables DROP COLUMN rows_before");
        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT run_id, rows_before FROM replicator.tables ORDER BY run_id"))
                    .containsExactly(java.util.Arrays.asList("1", null), List.of("2", "0"));
        }
    }
}

package org.camelreplicator.faults;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.camelreplicator.support.Gate;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A chunk whose commit goes through while its answer is lost (the connection dies between the
 * server's commit and the client's reading of it) is done: the retry of that chunk must not copy
 * its rows again. Staged exactly: a deferred trigger holds the chunk's COMMIT at a gate until the
 * client has given up on it (socket timeout) and its retry waits for the chunk's ledger row; then
 * the commit goes through, and the retry finds the chunk done.
 */
class LostCommitAnswerTest {

    private static final long ROWS = 30_000;
    private static final long GATE = 4400;

    @TempDir
    Path dir;

    @Test
    void aRetryOfAChunkWhoseCommitWentThroughCopiesNothing() throws Exception {
        String source = TestPostgres.newDatabase("lost_answer_source");
        String target = TestPostgres.newDatabase("lost_answer_target");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", ROWS);
            SampleTables.createItems(c, "warmup", 10);
        }
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--workers=1", "--chunk-rows=10000",
                "--replicator.retry.initial-delay=50");
        // a first load creates the ledger the trigger sits on
        assertThat(replicator.run("load", "--tables=warmup").exitCode()).isZero();
        TestPostgres.execute(target, "CREATE TABLE gate_fired (at timestamptz)", """
                CREATE FUNCTION hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.status = 'done' AND NEW.table_name = 'public.items' AND NEW.chunk_no = 2
                     AND NOT EXISTS (SELECT 1 FROM gate_fired) THEN
                    INSERT INTO gate_fired VALUES (now());
                    PERFORM pg_advisory_xact_lock_shared(%d);
                  END IF;
                  RETURN NULL;
                END $$""".formatted(GATE),
                "CREATE CONSTRAINT TRIGGER hold_commit AFTER UPDATE ON replicator.chunks DEFERRABLE INITIALLY DEFERRED"
                        + " FOR EACH ROW EXECUTE FUNCTION hold_commit()");

        Replicator.Result result;
        try (Gate commit = Gate.advisoryLock(target, GATE)) {
            CompletableFuture<Replicator.Result> load = CompletableFuture.supplyAsync(() -> replicator.run("load", "--tables=items",
                    // the client gives up on the held COMMIT after 3 s, as on a dead connection
                    "--camel.beans.target.dataSourceProperties[socketTimeout]=3"));
            commit.awaitWaiting(1, load::isDone);
            // the retry of the chunk waits for the chunk's ledger row, which the held commit has updated
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .failFast("the load ended first", load::isDone)
                    .until(() -> {
                        try (Connection t = TestPostgres.connect(target)) {
                            return Tables.single(t, "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                    + " AND query LIKE 'UPDATE replicator.chunks SET status%'") == 1;
                        }
                    });
            commit.open();
            result = load.get(2, TimeUnit.MINUTES);
        }

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.err()).contains("was committed by an earlier attempt whose answer was lost (10000 rows)");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).as("each row once").isEqualTo(ROWS);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM gate_fired")).as("the held commit went through").isEqualTo(1);
        }
    }
}

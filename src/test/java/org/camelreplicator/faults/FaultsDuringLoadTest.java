package org.camelreplicator.faults;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real faults on real servers: sessions terminated by the server (pg_terminate_backend) on the
 * target and on the source, a deadlock error on the first attempt of every chunk, a value that does
 * not fit. Transient faults are retried until the copy is exact; a permanent one stops its table only.
 */
class FaultsDuringLoadTest {

    static final long ROWS = 1_000_000;

    @TempDir
    static Path dataDir;

    static String source;

    @BeforeAll
    static void sourceWithAMillionRows() throws SQLException {
        source = TestPostgres.newDatabase("faults_source");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", ROWS);
        }
    }

    @Test
    void targetSessionsTerminatedRepeatedlyAreRetriedAndTheCopyIsExact() throws Exception {
        String target = TestPostgres.newDatabase("faults_target_kills");
        loadWhileTerminating(source, target + "?ApplicationName=replicator-target", "replicator-target", "COPY %");
    }

    @Test
    void sourceSessionsTerminatedRepeatedlyAreRetriedAndTheCopyIsExact() throws Exception {
        String target = TestPostgres.newDatabase("faults_source_kills");
        loadWhileTerminating(source + "?ApplicationName=replicator-source", target, "replicator-source", "COPY (SELECT%");
    }

    private void loadWhileTerminating(String sourceUrl, String targetUrl, String victim, String query) throws Exception {
        Replicator replicator = Replicator.between(sourceUrl, "postgres", targetUrl, dataDir);
        CompletableFuture<Replicator.Result> load = CompletableFuture.supplyAsync(() -> replicator.run("load",
                "--chunk-rows=50000", "--workers=4", "--batch-rows=2000", "--replicator.retry.initial-delay=100",
                "--replicator.retry.max-retries=20"));
        int terminated = 0;
        for (int round = 0; round < 5; round++) {
            // wait until the replicator is copying again, then cut its sessions
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .failFast("the load ended before round " + round, load::isDone)
                    .until(() -> active(victim, query) > 0);
            terminated += terminate(victim);
        }
        Replicator.Result result = load.get(5, TimeUnit.MINUTES);

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(terminated).isGreaterThanOrEqualTo(5);
        assertThat(result.err()).contains("Retrying", "after a transient failure");
        String plainTarget = targetUrl.replaceAll("\\?.*", "");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(plainTarget)) {
            assertThat(Tables.count(t, "items")).isEqualTo(ROWS);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE attempts > 1")).isPositive();
        }
    }

    private static long active(String applicationName, String query) throws SQLException {
        try (Connection admin = TestPostgres.connect(TestPostgres.url("postgres"))) {
            return Tables.single(admin, "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + applicationName
                    + "' AND state = 'active' AND query LIKE '" + query + "'");
        }
    }

    private static int terminate(String applicationName) throws SQLException {
        try (Connection admin = TestPostgres.connect(TestPostgres.url("postgres"))) {
            return (int) Tables.single(admin, "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = '" + applicationName + "'");
        }
    }

    @Test
    void aDeadlockOnTheFirstAttemptOfEveryChunkIsRetriedAndTheCopyIsExact() throws Exception {
        String deadlockSource = TestPostgres.newDatabase("deadlock_source");
        String target = TestPostgres.newDatabase("deadlock_target");
        try (Connection c = TestPostgres.connect(deadlockSource)) {
            SampleTables.createItems(c, "items", 200_000);
        }
        Replicator replicator = Replicator.between(deadlockSource, "postgres", target, dataDir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        // chunks of 20,000 start at ids 1, 20001, 40001, ...: the first attempt at each hits a real 40P01
        try (Connection t = TestPostgres.connect(target); Statement st = t.createStatement()) {
            for (int start = 1; start < 200_000; start += 20_000) {
                st.execute("CREATE SEQUENCE attempts_" + start);
            }
            st.execute("""
                    CREATE FUNCTION deadlock_first_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF NEW.id % 20000 = 1 AND nextval('attempts_' || NEW.id) = 1 THEN
                        RAISE EXCEPTION 'deadlock detected (simulated for chunk starting at %)', NEW.id USING ERRCODE = '40P01';
                      END IF;
                      RETURN NEW;
                    END $$""");
            st.execute("CREATE TRIGGER deadlock_first_attempt BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION deadlock_first_attempt()");
        }

        Replicator.Result result = replicator.run("load", "--chunk-rows=20000", "--replicator.retry.initial-delay=50");

        assertThat(result.exitCode()).as(result.all()).isZero();
        try (Connection s = TestPostgres.connect(deadlockSource); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT DISTINCT attempts FROM replicator.chunks")).containsExactly(java.util.List.of("2"));
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks")).isEqualTo(10);
            assertThat(Tables.count(t, "items")).isEqualTo(200_000);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
        }
        assertThat(result.err()).contains("Retrying public.items chunk", "40P01");
    }

    @Test
    void aValueThatDoesNotFitFailsItsTableNamingColumnAndKeyWhileTheOthersComplete() throws Exception {
        String src = TestPostgres.newDatabase("permanent_source");
        String target = TestPostgres.newDatabase("permanent_target");
        try (Connection c = TestPostgres.connect(src); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE good (id integer PRIMARY KEY, note text)");
            st.execute("INSERT INTO good SELECT g, 'fine ' || g FROM generate_series(1, 1000) g");
            st.execute("CREATE TABLE bad (id integer PRIMARY KEY, amount numeric(12,2))");
            st.execute("INSERT INTO bad SELECT g, CASE WHEN g = 777 THEN 123456.78 ELSE g / 100.0 END FROM generate_series(1, 1000) g");
        }
        Replicator replicator = Replicator.between(src, "postgres", target, dataDir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        TestPostgres.execute(target, "ALTER TABLE bad ALTER COLUMN amount TYPE numeric(6,2)");

        Replicator.Result result = replicator.run("load");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("failed public.bad", "column amount", "row (id=777)", "numeric field overflow",
                "[SQLState 22003]", "done public.good", "Tables: 2 total, 1 completed, 1 failed", "Resume with:");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "good")).isEqualTo(1000);
            assertThat(Tables.count(t, "bad")).isZero();
            assertThat(Tables.text(t, "SELECT error FROM replicator.tables WHERE table_name = 'public.bad'"))
                    .contains("public.bad chunk 1/1", "column amount", "row (id=777)", "22003");
            assertThat(Tables.single(t, "SELECT attempts FROM replicator.chunks WHERE table_name = 'public.bad'"))
                    .as("a permanent error is not retried").isEqualTo(1);
        }
    }
}

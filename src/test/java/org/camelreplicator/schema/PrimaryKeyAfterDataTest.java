package org.camelreplicator.schema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A table the load creates gets its primary key after its rows, built once over them; a kill
 * between the data and the key build leaves a table without its key, and the resumed run builds it.
 */
class PrimaryKeyAfterDataTest {

    static final long ROWS = 100_000;
    static final String KEY_OID = "SELECT oid FROM pg_constraint WHERE contype = 'p' AND conrelid = 'items'::regclass";

    @TempDir
    Path dir;

    static String source;
    String target;

    @BeforeAll
    static void source() throws SQLException {
        source = TestPostgres.newDatabase("pk_after_source");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", ROWS);
        }
    }

    @BeforeEach
    void emptyTarget() {
        target = TestPostgres.newDatabase("pk_after_target");
    }

    @Test
    void killedBetweenTheDataAndTheKeyBuildTheResumedRunBuildsTheKey() throws Exception {
        ReplicatorProcess first = ReplicatorProcess.start(dir.resolve("first.log"), args("load"));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                .failFast("the replicator exited before its chunks ran", () -> !first.alive())
                .until(() -> single("SELECT COUNT(*) FROM replicator.chunks WHERE status IN ('running', 'done')") > 0);

        // a reader of the table holds off the key build (ALTER TABLE waits for every lock), not the COPYs
        try (Connection reader = TestPostgres.connect(target); Statement st = reader.createStatement()) {
            reader.setAutoCommit(false);
            st.execute("LOCK TABLE items IN ACCESS SHARE MODE");
            assertThat(primaryKeys()).as("the rows go into a table without its key").isZero();

            awaitOrFail(() -> single("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND query LIKE 'ALTER TABLE%ADD CONSTRAINT%PRIMARY KEY%'") == 1, first);
            assertThat(single("SELECT COUNT(*) FROM replicator.chunks WHERE status <> 'done'")).isZero();
            assertThat(first.kill()).isEqualTo(137);
            // the server has not yet noticed its client is gone; it would end the orphaned statement
            // when it does: do that now, before the lock goes
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE%ADD CONSTRAINT%PRIMARY KEY%'"
                    + " AND pid <> pg_backend_pid()");
            await().atMost(Duration.ofSeconds(30)).until(() -> single("SELECT COUNT(*) FROM pg_stat_activity"
                    + " WHERE query LIKE 'ALTER TABLE%ADD CONSTRAINT%PRIMARY KEY%'") == 0);
            reader.rollback();
        }
        assertThat(primaryKeys()).as("killed before the key was built").isZero();
        assertThat(single("SELECT COUNT(*) FROM items")).isEqualTo(ROWS);

        ReplicatorProcess resumed = ReplicatorProcess.start(dir.resolve("resumed.log"), args("load", "--resume"));
        assertThat(resumed.waitFor(180)).as(resumed.output()).isZero();

        assertThat(primaryKeys()).as("the resumed run built the key").isEqualTo(1);
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("done");
        }
    }

    @Test
    void aTableThatAlreadyHasItsKeyKeepsIt() throws Exception {
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        assertThat(primaryKeys()).as("schema creates tables with their keys").isEqualTo(1);
        long key = single(KEY_OID);
        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isZero();
        assertThat(single(KEY_OID)).as("the same key, neither dropped nor built again").isEqualTo(key);
        assertThat(single("SELECT COUNT(*) FROM items")).isEqualTo(ROWS);
    }

    private List<String> args(String... command) {
        List<String> args = new java.util.ArrayList<>(List.of(command));
        args.addAll(List.of("--workers=2", "--chunk-rows=20000", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir));
        return args;
    }

    private void awaitOrFail(Callable<Boolean> condition, ReplicatorProcess process) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .failFast("the replicator exited before building the key: " + dir, () -> !process.alive())
                .until(condition);
    }

    private long primaryKeys() throws SQLException {
        return single("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'p' AND conrelid = 'items'::regclass");
    }

    private long single(String sql) throws SQLException {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, sql);
        }
    }
}

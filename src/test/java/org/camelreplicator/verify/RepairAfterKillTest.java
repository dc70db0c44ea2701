package org.camelreplicator.verify;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Proof by crash: a repair in its own JVM is killed with SIGKILL while it rewrites its second
 * differing range (held there by a row lock this test takes, so the kill lands exactly there); the
 * range it finished stays repaired, the one it was in stays as it was, and a resumed repair mends the
 * rest: the target ends equal to the source.
 */
class RepairAfterKillTest {

    @TempDir
    Path dir;

    @Test
    void aRepairKilledMidwayKeepsWhatItCommittedAndTheResumedRepairEndsExact() throws Exception {
        String source = TestPostgres.newDatabase("repair_kill_source");
        String target = TestPostgres.newDatabase("repair_kill_target");
        try (Connection s = TestPostgres.connect(source)) {
            SampleTables.createItems(s, "items", 20_000);
        }
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--chunk-rows=5000");
        assertThat(replicator.run("load").exitCode()).isZero();
        TestPostgres.execute(target,
                "DELETE FROM items WHERE id = 100",
                "UPDATE items SET name = 'damaged' WHERE id = 6000",
                "UPDATE items SET price = -1 WHERE id = 16000");
        assertThat(replicator.run("verify").exitCode()).isEqualTo(1);

        try (Connection lock = TestPostgres.connect(target); Statement st = lock.createStatement()) {
            // a row of the second differing range, locked: that range's repair waits here until the kill
            lock.setAutoCommit(false);
            st.executeQuery("SELECT id FROM items WHERE id = 6001 FOR UPDATE").close();
            ReplicatorProcess repair = ReplicatorProcess.start(dir.resolve("repair.log"), List.of("verify", "--repair", "--resume",
                    "--workers=1", "--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                    "--target.username=postgres", "--replicator.data-dir=" + dir));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .failFast("the repair exited before it reached the locked range", () -> !repair.alive())
                    .until(() -> waitingOnTheLock(target) && ranges(target, "repaired") == 1);
            assertThat(repair.kill()).isEqualTo(137);
            lock.rollback();
        }
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT description, status FROM replicator.verify_ranges WHERE status IN ('differs', 'repaired')"
                    + " ORDER BY range_no")).containsExactly(List.of("id in [-inf, 5001)", "repaired"), List.of("id in [5001, 10001)", "differs"),
                    List.of("id in [15001, +inf)", "differs"));
            assertThat(Tables.single(t, "SELECT count(*) FROM items WHERE id = 100")).as("the first range's repair committed").isEqualTo(1);
            assertThat(Tables.text(t, "SELECT name FROM items WHERE id = 6000")).as("the second range's rolled back").isEqualTo("damaged");
        }

        Replicator.Result resumed = replicator.run("verify", "--repair", "--resume");

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.out()).contains("items: 2 ranges rewritten");
        assertThat(replicator.run("verify").exitCode()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            assertThat(Tables.single(t, "SELECT max(attempts) FROM replicator.verify_ranges WHERE description = 'id in [5001, 10001)'"))
                    .as("the killed range was attempted twice").isEqualTo(2);
        }
    }

    /** Whether a session of the replicator waits for a row lock in a DELETE of items (the repair of the locked range). */
    private static boolean waitingOnTheLock(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM public.items%'") == 1;
        }
    }

    private static long ranges(String target, String status) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, "SELECT count(*) FROM replicator.verify_ranges WHERE status = '" + status + "'");
        }
    }
}

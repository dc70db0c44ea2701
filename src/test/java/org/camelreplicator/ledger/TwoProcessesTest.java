package org.camelreplicator.ledger;

import java.nio.file.Path;
import java.sql.Connection;
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
 * Two processes on one ledger (a serve and a command-line run, two cron jobs): while one runs a load
 * or a sync, the other is refused with the process that holds the target; a killed holder frees it.
 */
class TwoProcessesTest {

    @TempDir
    Path dir;

    @Test
    void aSecondProcessIsRefusedWhileOneRunsAndGoesOnceTheFirstIsGone() throws Exception {
        String source = TestPostgres.newDatabase("two_source");
        String target = TestPostgres.newDatabase("two_target");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", 300_000);
        }
        TestPostgres.execute(source, "ALTER TABLE items ADD COLUMN updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day'");
        List<String> settings = List.of("--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--replicator.sync.watermark=updated_at",
                "--workers=1", "--batch-rows=1000", "--chunk-rows=50000");
        ReplicatorProcess first = ReplicatorProcess.start(dir.resolve("first.log"),
                concat(List.of("load"), settings));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .failFast("the first load ended before it was seen running", () -> !first.alive())
                .until(() -> rowsCopied(target) > 0);
        // hold the first load at its next chunk, so it surely runs while the others try
        Connection blocker = TestPostgres.connect(target);
        blocker.setAutoCommit(false);
        try (java.sql.Statement st = blocker.createStatement()) {
            st.execute("LOCK TABLE replicator.chunks IN EXCLUSIVE MODE");
        }

        Replicator.Result resume = Replicator.execute(concat(List.of("load", "--resume", "--replicator.lock-wait-seconds=1"), settings)
                .toArray(String[]::new));
        Replicator.Result sync = Replicator.execute(concat(List.of("sync", "--replicator.lock-wait-seconds=0"), settings).toArray(String[]::new));

        assertThat(resume.exitCode()).as(resume.all()).isEqualTo(2);
        assertThat(resume.err()).contains("Another process is running a load or sync with the ledger replicator on this target (load run 1, started ",
                "its PostgreSQL session ",
                "this load waited 1 s (replicator.lock-wait-seconds) and is refused");
        assertThat(sync.exitCode()).as(sync.all()).isEqualTo(2);
        assertThat(sync.err()).contains("this sync waited 0 s");
        assertThat(first.alive()).as("the first load went on").isTrue();

        assertThat(first.kill()).isEqualTo(137);
        blocker.rollback();
        blocker.close();
        Replicator.Result afterKill = Replicator.execute(concat(List.of("load", "--resume", "--replicator.lock-wait-seconds=60"), settings)
                .toArray(String[]::new));

        assertThat(afterKill.exitCode()).as(afterKill.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
        }
        Replicator.Result syncAfter = Replicator.execute(concat(List.of("sync"), settings).toArray(String[]::new));
        assertThat(syncAfter.exitCode()).as("the lock was released when the load ended: " + syncAfter.all()).isZero();
    }

    @Test
    void aLedgerLockLostWithItsSessionIsTakenAgainAtTheNextChunkAndStillRefusesASecondProcess() throws Exception {
        String source = TestPostgres.newDatabase("lock_lost_source");
        String target = TestPostgres.newDatabase("lock_lost_target");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", 200_000);
        }
        List<String> settings = List.of("--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--workers=1", "--chunk-rows=10000", "--batch-rows=1000");
        ReplicatorProcess first = ReplicatorProcess.start(dir.resolve("first.log"), concat(List.of("load"), settings));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .failFast("the load ended before it was seen running", () -> !first.alive())
                .until(() -> rowsCopied(target) > 0);
        long lockKey = org.camelreplicator.run.RunSlot.ledgerLockKey("replicator");
        String holder = "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = " + (lockKey >>> 32)
                + " AND l.objid::bigint = " + (lockKey & 0xFFFFFFFFL) + " AND l.objsubid = 1";

        // the load waits at its next ledger write while the session holding its lock is terminated
        try (Connection blocker = TestPostgres.connect(target); java.sql.Statement st = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            st.execute("LOCK TABLE replicator.chunks IN EXCLUSIVE MODE");
            assertThat(Tables.single(blocker, "SELECT COUNT(*) FROM replicator.chunks WHERE status <> 'done'")).as("chunks to go").isPositive();
            long lost = Tables.single(blocker, holder);
            assertThat(Tables.single(blocker, "SELECT COUNT(pg_terminate_backend(pid)) FROM (" + holder + ") h")).isEqualTo(1);
            blocker.rollback();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .failFast("the load ended before it took the lock again:\n" + first.output(), () -> !first.alive())
                    .until(() -> {
                        try (Connection t = TestPostgres.connect(target)) {
                            return Tables.single(t, holder) != lost;
                        }
                    });
        }

        // held again: a second process is still refused
        Connection blocker = TestPostgres.connect(target);
        blocker.setAutoCommit(false);
        try (java.sql.Statement st = blocker.createStatement()) {
            st.execute("LOCK TABLE replicator.chunks IN EXCLUSIVE MODE");
        }
        Replicator.Result second = Replicator.execute(concat(List.of("load", "--resume", "--replicator.lock-wait-seconds=0"), settings)
                .toArray(String[]::new));
        blocker.rollback();
        blocker.close();

        assertThat(second.exitCode()).as(second.all()).isEqualTo(2);
        assertThat(second.err()).contains("Another process is running a load or sync with the ledger replicator");
        assertThat(first.waitFor(120)).as(first.output()).isZero();
        assertThat(first.output()).contains("The target session that held the ledger's lock is gone");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
        }
    }

    /** Rows the running load has committed so far, as its ledger says. */
    private static long rowsCopied(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            if (Tables.single(t, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'replicator' AND table_name = 'chunks'") == 0) {
                return 0;
            }
            return Tables.single(t, "SELECT COALESCE(SUM(rows_copied), 0) FROM replicator.chunks WHERE status = 'done'");
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}

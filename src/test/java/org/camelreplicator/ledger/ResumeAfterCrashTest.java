package org.camelreplicator.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

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
 * Proof by crash: the real application, in its own JVM, is killed at several points of a
 * 1,000,000-row load with several workers, resumed each time, and the target ends with exactly the
 * source's rows, each once.
 */
class ResumeAfterCrashTest {

    static final long ROWS = 1_000_000;
    static final int CHUNKS = 20;

    @TempDir
    Path dir;

    static String source;
    String target;

    @BeforeAll
    static void sourceWithAMillionRows() throws SQLException {
        source = TestPostgres.newDatabase("crash_source");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", ROWS);
        }
    }

    @BeforeEach
    void emptyTarget() {
        target = TestPostgres.newDatabase("crash_target");
    }

    @Test
    void killedEarlyMidAndDuringTheLastChunkThenResumedCopiesEachRowOnce() throws Exception {
        ReplicatorProcess first = start("load", "first");
        awaitLedger(() -> chunks("status = 'running'") > 0 && chunks("status = 'done'") == 0, first);
        assertThat(first.kill()).as("killed early").isEqualTo(137);

        ReplicatorProcess second = start("load --resume", "second");
        awaitLedger(() -> chunks("status = 'done'") >= CHUNKS / 2, second);
        assertThat(second.kill()).as("killed mid-way").isEqualTo(137);
        List<List<String>> doneBeforeSecondKill = doneChunksWithAttempts();

        // one worker, so the last chunk runs alone and the kill surely lands inside it
        ReplicatorProcess third = start("load --resume --workers=1", "third");
        awaitLedger(() -> chunks("status = 'done'") == CHUNKS - 1 && chunks("status = 'running'") == 1, third);
        assertThat(third.kill()).as("killed during the last chunk").isEqualTo(137);

        ReplicatorProcess last = start("load --resume", "last");
        assertThat(last.waitFor(180)).as(last.output()).isZero();

        assertTargetEqualsSource();
        try (Connection t = TestPostgres.connect(target)) {
            // chunks finished before a kill were not attempted again
            assertThat(doneBeforeSecondKill).hasSizeGreaterThanOrEqualTo(CHUNKS / 2);
            for (List<String> chunk : doneBeforeSecondKill) {
                assertThat(Tables.single(t, "SELECT attempts FROM replicator.chunks WHERE chunk_no = " + chunk.get(0)))
                        .as("attempts of chunk %s, done before the second kill", chunk.get(0)).isEqualTo(Long.parseLong(chunk.get(1)));
            }
            // and the ones a kill interrupted were attempted again
            assertThat(Tables.single(t, "SELECT MAX(attempts) FROM replicator.chunks")).isGreaterThan(1);
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("done");
        }
    }

    @Test
    void sigtermStopsWithinSecondsAndLeavesAConsistentResumableLedger() throws Exception {
        ReplicatorProcess run = start("load", "terminated");
        awaitLedger(() -> chunks("status = 'done'") >= 4, run);

        double seconds = run.terminate(20);
        assertThat(seconds).as("seconds from SIGTERM to exit; output:%n%s", run.output()).isLessThan(10);
        assertThat(run.output()).contains("Stopping");

        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE status = 'running'")).isZero();
            long committed = Tables.single(t, "SELECT COALESCE(SUM(rows_copied), 0) FROM replicator.chunks WHERE status = 'done'");
            assertThat(Tables.count(t, "items")).as("rows in the target = rows of done chunks").isEqualTo(committed);
            assertThat(committed).isBetween(1L, ROWS - 1);
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("stopped");
        }

        ReplicatorProcess resumed = start("load --resume", "resumed");
        assertThat(resumed.waitFor(180)).as(resumed.output()).isZero();
        assertTargetEqualsSource();
    }

    @Test
    void aSecondSigtermEndsTheProcessAtOnceAndTheRunStillResumesExactly() throws Exception {
        // big batches make the graceful stop (at the next batch) take a while, so the second signal lands in it
        ReplicatorProcess run = start("load --batch-rows=200000", "twice");
        awaitLedger(() -> chunks("status = 'running'") >= 4, run);

        run.signalTerm();
        // signals of one kind that arrive together merge into one: send the second once the first is being handled
        await().atMost(Duration.ofSeconds(10)).until(() -> run.output().contains("Stopping:"));
        run.signalTerm();
        assertThat(run.waitFor(30)).as(run.output()).isEqualTo(143);
        assertThat(run.output()).contains("Second TERM: exiting now");

        try (Connection t = TestPostgres.connect(target)) {
            long committed = Tables.single(t, "SELECT COALESCE(SUM(rows_copied), 0) FROM replicator.chunks WHERE status = 'done'");
            assertThat(Tables.count(t, "items")).as("rows in the target = rows of done chunks").isEqualTo(committed);
        }
        ReplicatorProcess resumed = start("load --resume", "after-twice");
        assertThat(resumed.waitFor(180)).as(resumed.output()).isZero();
        assertTargetEqualsSource();
    }

    private ReplicatorProcess start(String command, String name) {
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        if (!command.contains("--workers")) {
            args.add("--workers=4");
        }
        args.addAll(List.of("--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir,
                "--chunk-rows=" + ROWS / CHUNKS));
        if (!command.contains("--batch-rows")) {
            args.add("--batch-rows=2000");
        }
        return ReplicatorProcess.start(dir.resolve(name + ".log"), args);
    }

    private void awaitLedger(java.util.concurrent.Callable<Boolean> condition, ReplicatorProcess process) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                .failFast("the replicator exited before the kill point", () -> !process.alive())
                .until(condition);
    }

    private long chunks(String where) throws SQLException {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE " + where);
        }
    }

    private List<List<String>> doneChunksWithAttempts() throws SQLException {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.rows(t, "SELECT chunk_no, attempts FROM replicator.chunks WHERE status = 'done'");
        }
    }

    private void assertTargetEqualsSource() throws SQLException {
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(ROWS);
            assertThat(Tables.single(t, "SELECT COUNT(DISTINCT id) FROM items")).isEqualTo(ROWS);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
        }
    }
}

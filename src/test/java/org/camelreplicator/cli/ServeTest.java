package org.camelreplicator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.camelreplicator.app.ReplicatorRuntime;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * serve with each trigger of routes/triggers.camel.yaml: a real timer, a real Quartz schedule and
 * real job files in a drop folder. The tests wait on what the ledger and the folders show.
 */
class ServeTest {

    @TempDir
    Path dir;

    @Test
    void theTimerLoadsAgainAndAgainAndATickDuringALoadIsSkipped() throws Exception {
        Databases db = databases("serve_timer", 30_000);
        // a tick every 100 ms while each load takes far longer: most ticks find a load running
        try (ReplicatorRuntime runtime = serve(db, Map.of("replicator.serve.every", "100"))) {
            await().atMost(Duration.ofSeconds(120)).until(() -> finishedRuns(db.target) >= 3);
        }
        assertRunsNeverOverlapped(db.target);
        try (Connection t = TestPostgres.connect(db.target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(30_000);
        }
    }

    @Test
    void aCronScheduleLoadsOnItsSeconds() throws Exception {
        Databases db = databases("serve_cron", 2_000);
        try (ReplicatorRuntime runtime = serve(db, Map.of("replicator.serve.cron", "* * * * * ?"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> finishedRuns(db.target) >= 2);
        }
        try (Connection t = TestPostgres.connect(db.target)) {
            assertThat(Tables.text(t, "SELECT string_agg(DISTINCT status, ',') FROM replicator.runs")).isEqualTo("done");
            assertThat(Tables.count(t, "items")).isEqualTo(2_000);
        }
    }

    @Test
    void aDroppedJobFileRunsAndMovesToDoneWithItsReport() throws Exception {
        Databases db = databases("serve_job", 5_000);
        try (Connection s = TestPostgres.connect(db.source)) {
            SampleTables.createItems(s, "other_items", 100);
        }
        Path inbox = dir.resolve("inbox");
        try (ReplicatorRuntime runtime = serve(db, Map.of("replicator.serve.inbox", inbox.toString()))) {
            Files.writeString(inbox.resolve("nightly.job"), "# only one table\ncommand=load\ntables=items\n");
            Path done = inbox.resolve("done");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(done.resolve("nightly.job.report.json")));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(done.resolve("nightly.job")));
            assertThat(Files.exists(inbox.resolve("nightly.job"))).isFalse();
            assertThat(Files.readString(done.resolve("nightly.job.report.json")))
                    .contains("\"public.items\"").contains("\"rows\" : 5000").doesNotContain("other_items");
        }
        try (Connection t = TestPostgres.connect(db.target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(5_000);
            assertThat(Tables.tableNames(t, "public")).doesNotContain("other_items");
        }
    }

    @Test
    void aJobFileThatCannotRunMovesToFailedWithTheReason() throws Exception {
        Databases db = databases("serve_badjob", 100);
        Path inbox = dir.resolve("inbox");
        Path failed = inbox.resolve("failed");
        try (ReplicatorRuntime runtime = serve(db, Map.of("replicator.serve.inbox", inbox.toString()))) {
            Files.createDirectories(inbox);
            Files.writeString(inbox.resolve("typo.job"), "tabels=items\n");
            Files.writeString(inbox.resolve("missing.job"), "tables=no_such_table\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(failed.resolve("typo.job.report.json"))
                    && Files.exists(failed.resolve("missing.job.report.json")));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(failed.resolve("typo.job")) && Files.exists(failed.resolve("missing.job")));
        }
        assertThat(Files.readString(failed.resolve("typo.job.report.json"))).contains("Unknown key 'tabels'");
        assertThat(Files.readString(failed.resolve("missing.job.report.json"))).contains("no_such_table");
        assertThat(Files.exists(inbox.resolve("done"))).isFalse();
    }

    @Test
    void aJobFileDroppedDuringALoadWaitsUntilItEnds() throws Exception {
        Databases db = databases("serve_overlap", 200_000);
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        try (ReplicatorRuntime runtime = serve(db, Map.of("replicator.serve.inbox", inbox.toString(), "replicator.chunk-rows", "20000"))) {
            CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return runtime.request("direct:load", RunRequest.of("load"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(60)).failFast("the first load ended before it was seen running", first::isDone)
                    .until(() -> chunksDone(db.target) > 0);
            assertThatThrownBy(() -> runtime.request("direct:sync", RunRequest.of("sync")))
                    .hasRootCauseInstanceOf(org.camelreplicator.run.LoadRunningException.class)
                    .rootCause().hasMessageContaining("A load (run 1) is already running in this process; this sync is refused");
            Files.writeString(inbox.resolve("again.job"), "resume=false\n");
            assertThat(first.get(120, TimeUnit.SECONDS)).isEqualTo(0);
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox.resolve("done").resolve("again.job.report.json")));
        }
        assertThat(finishedRuns(db.target)).isEqualTo(2);
        assertRunsNeverOverlapped(db.target);
    }

    @Test
    void aSyncJobFileBringsTheTargetInStepAfterALoad() throws Exception {
        Databases db = databases("serve_sync", 3_000);
        TestPostgres.execute(db.source, "ALTER TABLE items ADD COLUMN updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day'");
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        try (ReplicatorRuntime runtime = serve(db, Map.of("replicator.serve.inbox", inbox.toString(),
                "replicator.sync.watermark", "updated_at", "replicator.sync.overlap-seconds", "0"))) {
            assertThat(runtime.request("direct:load", RunRequest.of("load"))).isEqualTo(0);
            TestPostgres.execute(db.source, "UPDATE items SET qty = -1, updated_at = localtimestamp WHERE id <= 10");
            Files.writeString(inbox.resolve("changes.job"), "command=sync\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox.resolve("done").resolve("changes.job.report.json")));
            assertThat(Files.readString(inbox.resolve("done").resolve("changes.job.report.json"))).contains("\"command\" : \"sync\"");
        }
        try (Connection s = TestPostgres.connect(db.source); Connection t = TestPostgres.connect(db.target)) {
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            assertThat(Tables.single(t, "SELECT rows_copied FROM replicator.tables WHERE run_id = 2")).isEqualTo(10);
        }
    }

    @Test
    void theTimerSyncsAfterALoadAndAnIdleTickOnlyProbes() throws Exception {
        Databases db = databases("serve_timer_sync", 3_000);
        TestPostgres.execute(db.source, "ALTER TABLE items ADD COLUMN updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day'");
        assertThat(org.camelreplicator.support.Replicator.between(db.source, "postgres", db.target, dir)
                .run("load", "--replicator.sync.watermark=updated_at").exitCode()).isZero();
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (ReplicatorRuntime runtime = serve(db, Map.of("replicator.serve.every", "200", "replicator.serve.command", "sync",
                "replicator.sync.watermark", "updated_at", "replicator.sync.overlap-seconds", "0", "replicator.http.port", "" + port))) {
            TestPostgres.execute(db.source, "UPDATE items SET qty = -7, updated_at = localtimestamp WHERE id BETWEEN 101 AND 120");
            await().atMost(Duration.ofSeconds(60)).until(() -> tableRuns(db.target, "done") >= 1 && tableRuns(db.target, "unchanged") >= 2);
            // the meters say the same as the ledger: one sync that read, the others only probed
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("replicator_sync_tables_total{outcome=\"done\",table=\"public.items\"} 1.0")
                    .containsPattern("replicator_sync_tables_total\\{outcome=\"unchanged\",table=\"public.items\"\\} ([2-9]|[1-9][0-9]+)\\.0");
        }
        assertRunsNeverOverlapped(db.target);
        try (Connection s = TestPostgres.connect(db.source); Connection t = TestPostgres.connect(db.target)) {
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            assertThat(Tables.single(t, "SELECT SUM(rows_copied) FROM replicator.tables t JOIN replicator.runs r USING (run_id)"
                    + " WHERE r.command = 'sync'")).as("the 20 changed rows read once, by one tick").isEqualTo(20);
        }
    }

    /** How many table entries of sync runs have this status. */
    private static long tableRuns(String target, String status) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, "SELECT count(*) FROM replicator.tables t JOIN replicator.runs r USING (run_id)"
                    + " WHERE r.command = 'sync' AND t.status = '" + status + "'");
        }
    }

    /** A source with one table of sample rows and an empty target, in the embedded PostgreSQL. */
    private record Databases(String source, String target) {
    }

    private static Databases databases(String prefix, int rows) throws Exception {
        Databases db = new Databases(TestPostgres.newDatabase(prefix + "_source"), TestPostgres.newDatabase(prefix + "_target"));
        try (Connection s = TestPostgres.connect(db.source)) {
            SampleTables.createItems(s, "items", rows);
        }
        return db;
    }

    private ReplicatorRuntime serve(Databases db, Map<String, String> triggers) throws Exception {
        Map<String, String> settings = new HashMap<>(triggers);
        settings.put("source.url", db.source);
        settings.put("source.username", "postgres");
        settings.put("target.url", db.target);
        settings.put("target.username", "postgres");
        settings.put("replicator.data-dir", dir.toString());
        settings.put("replicator.serving", "true");
        return ReplicatorRuntime.start(settings, null);
    }

    private static long finishedRuns(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.tableNames(t, "replicator").contains("runs")
                    ? Tables.single(t, "SELECT count(*) FROM replicator.runs WHERE finished_at IS NOT NULL") : 0;
        }
    }

    private static long chunksDone(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.tableNames(t, "replicator").contains("chunks")
                    ? Tables.single(t, "SELECT count(*) FROM replicator.chunks WHERE status = 'done'") : 0;
        }
    }

    /** Each run started after the one before it had finished: two loads never ran at once. */
    private static void assertRunsNeverOverlapped(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            List<List<String>> overlaps = Tables.rows(t, """
                    SELECT a.run_id, b.run_id FROM replicator.runs a JOIN replicator.runs b
                      ON b.run_id > a.run_id AND b.started_at < a.finished_at""");
            assertThat(overlaps).isEmpty();
        }
    }
}

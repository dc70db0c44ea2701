package org.camelreplicator.stream;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.camelreplicator.cli.ReplicatorCli;
import org.camelreplicator.support.Gate;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * load --stream's exact hand-off: the load reads under the snapshot its slot exported, so a change made while the load
 * runs is not in the load's rows and is applied by the stream once; convergent replay would show it in the load's rows
 * and apply it again.
 */
class ExactHandOffTest {

    @TempDir
    Path dir;

    @Test
    void changesMadeWhileLoadStreamCopiesAreNotInTheLoadsRowsAndAreAppliedOnceByTheStream() throws Exception {
        String source = TestPostgres.newDatabase("handoff_source");
        String target = TestPostgres.newDatabase("handoff_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--replicator.stream.max-latency-ms=100",
                "--replicator.chunk-rows=500");
        // a first load makes the target tables, so that the audit trigger and the gate exist before the load under test
        assertThat(replicator.run("load").exitCode()).isZero();
        TestPostgres.execute(target, "CREATE TABLE applied (id int, op text, statement text, name text)",
                "CREATE FUNCTION item_applied() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO applied VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END, TG_OP,"
                        + " upper(split_part(ltrim(current_query()), ' ', 1)), CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.name END);"
                        + " RETURN NULL; END $$",
                "CREATE TRIGGER item_applied AFTER INSERT OR UPDATE OR DELETE ON items FOR EACH ROW EXECUTE FUNCTION item_applied()");

        CompletableFuture<Replicator.Result> run;
        // load --reset --stream waits at items' TRUNCATE, after its slot and snapshot were made and before it reads items
        try (Gate truncate = Gate.lock(target, "items", "LOCK TABLE items IN ACCESS SHARE MODE")) {
            run = CompletableFuture.supplyAsync(() -> replicator.run("load", "--reset", "--stream"));
            truncate.awaitWaiting(1, run::isDone);
            TestPostgres.execute(target, "TRUNCATE applied");
            TestPostgres.execute(source, "UPDATE items SET name = 'after the snapshot' WHERE id <= 10",
                    "DELETE FROM items WHERE id = 15",
                    "INSERT INTO items VALUES (9001, 'inserted after the snapshot', 1, 'x')",
                    "UPDATE notes SET body = 'after the snapshot' WHERE code = 'n1'");
        }
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> !run.isDone()
                    && Tables.single(t, "SELECT count(*) FROM replicator.runs WHERE status = 'done'") == 1
                    && Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                    && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));

            // the load's COPY wrote the rows as they were at the snapshot: the old names, id 15, not id 9001
            assertThat(Tables.single(t, "SELECT count(*) FROM applied WHERE statement = 'COPY'")).isEqualTo(3000);
            assertThat(Tables.single(t, "SELECT count(*) FROM applied WHERE statement = 'COPY' AND id <= 10 AND name = 'item ' || id"))
                    .isEqualTo(10);
            assertThat(Tables.single(t, "SELECT count(*) FROM applied WHERE statement = 'COPY' AND id = 15")).isOne();
            assertThat(Tables.single(t, "SELECT count(*) FROM applied WHERE statement = 'COPY' AND id = 9001")).isZero();
            // the stream applied each later change once, and nothing the load had copied
            List<String> streamed = Tables.rows(t, "SELECT id || ' ' || op || ' ' || coalesce(name, '-') FROM applied"
                    + " WHERE statement <> 'COPY' ORDER BY id, op").stream().map(r -> r.get(0)).toList();
            assertThat(streamed).containsExactly("1 UPDATE after the snapshot", "2 UPDATE after the snapshot",
                    "3 UPDATE after the snapshot", "4 UPDATE after the snapshot", "5 UPDATE after the snapshot",
                    "6 UPDATE after the snapshot", "7 UPDATE after the snapshot", "8 UPDATE after the snapshot",
                    "9 UPDATE after the snapshot", "10 UPDATE after the snapshot", "15 DELETE -",
                    "9001 INSERT inserted after the snapshot");
            assertThat(Tables.text(t, "SELECT hand_off FROM replicator.stream_offsets")).isEqualTo("exact");
        }
        assertThat(ReplicatorCli.execute("stream", "--stop", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir)).isZero();
        Replicator.Result result = run.get(60, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("The load reads every table under the slot's exported snapshot",
                "Hand-off to the stream: exact", "stopped by stream --stop");
        Replicator.Result status = replicator.run("status");
        assertThat(status.out()).as(status.all()).contains("hand-off from the load: exact");

        // a plain load afterwards reads the current rows: the stream's replay over them is convergent, and the ledger says so
        Replicator.Result reload = replicator.run("load", "--reset");
        assertThat(reload.exitCode()).as(reload.all()).isZero();
        assertThat(reload.out()).contains("Hand-off to stream camel_replicator_handoff_target_", "convergent replay from now on, no longer exact");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT hand_off FROM replicator.stream_offsets")).isEqualTo("convergent");
        }
        Replicator.Result after = replicator.run("status");
        assertThat(after.out()).as(after.all()).contains("hand-off from the load: convergent");
        assertThat(replicator.run("stream", "--drop-slot").exitCode()).isZero();
    }

    @Test
    void aResumedLoadStreamAfterKillMinus9DuringTheCopyEndsConvergentAndEqualToTheSource() throws Exception {
        String source = TestPostgres.newDatabase("handoff_kill_source");
        String target = TestPostgres.newDatabase("handoff_kill_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with(settings());
        assertThat(replicator.run("load").exitCode()).isZero();

        // the copy of items stops at the row with id 1700 (a chunk in the middle), in a JVM of its own, and is killed there
        try (Gate copy = Gate.trigger(target, "items", "BEFORE INSERT", "NEW.id = 1700")) {
            List<String> args = new ArrayList<>(List.of("load", "--reset", "--stream", "--source.url=" + source,
                    "--source.username=postgres", "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir));
            args.addAll(List.of(settings()));
            ReplicatorProcess load = ReplicatorProcess.start(dir.resolve("killed-load.log"), args);
            copy.awaitWaiting(1, () -> !load.alive());
            // after the slot's snapshot: the chunks not done yet will read these as they are now
            TestPostgres.execute(source, "UPDATE items SET name = 'after the kill point' WHERE id IN (5, 1701, 2900)",
                    "DELETE FROM items WHERE id = 1702", "INSERT INTO items VALUES (9002, 'inserted', 1, 'x')");
            assertThat(load.kill()).isEqualTo(137);
            copy.terminateWaiting();
            assertThat(load.output()).contains("exact hand-off");
        }
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT hand_off FROM replicator.stream_offsets")).isEqualTo("snapshot");
        }

        CompletableFuture<Replicator.Result> run = CompletableFuture.supplyAsync(() -> replicator.run("load", "--resume", "--stream"));
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> !run.isDone()
                    && Tables.single(t, "SELECT count(*) FROM replicator.runs WHERE status = 'done'") == 1);
            new StreamWorkload(source, 11).run(60);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> !run.isDone()
                    && Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                    && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));
            assertThat(Tables.count(t, "items")).isEqualTo(Tables.count(s, "items"));
            assertThat(Tables.text(t, "SELECT hand_off FROM replicator.stream_offsets")).isEqualTo("convergent");
        }
        assertThat(ReplicatorCli.execute("stream", "--stop", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir)).isZero();
        Replicator.Result result = run.get(60, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.all()).contains("Hand-off to the stream: convergent replay, not exact. load --resume",
                "Hand-off to the stream: convergent replay. The load read the source's current rows");
        assertThat(replicator.run("stream", "--drop-slot").exitCode()).isZero();
    }

    @Test
    void aLoadWhoseSnapshotIsLostFailsTheTableSayingToResumeWithConvergentReplay() throws Exception {
        String source = TestPostgres.newDatabase("handoff_lost_source");
        String target = TestPostgres.newDatabase("handoff_lost_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with(settings());
        assertThat(replicator.run("load").exitCode()).isZero();

        CompletableFuture<Replicator.Result> run;
        try (Gate truncate = Gate.lock(target, "items", "LOCK TABLE items IN ACCESS SHARE MODE")) {
            run = CompletableFuture.supplyAsync(() -> replicator.run("load", "--reset", "--stream"));
            truncate.awaitWaiting(1, run::isDone);
            // the session that exported the snapshot ends (as in a source restart): the snapshot ends with it
            try (Connection s = TestPostgres.connect(source)) {
                assertThat(Tables.single(s, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE backend_type = 'walsender' AND datname = current_database()")).isOne();
            }
        }
        Replicator.Result result = run.get(120, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.all()).isNotZero();
        assertThat(result.all()).contains("public.items", "could not import it", "Run load --resume --stream",
                "convergent replay", "The load did not finish, so the stream does not start");
        assertThat(result.all()).doesNotContain("Streaming changes");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT count(*) FROM replicator.tables WHERE table_name = 'public.items' AND status = 'failed'"))
                    .isOne();
        }
        assertThat(replicator.run("stream", "--drop-slot").exitCode()).isZero();
    }

    private static String[] settings() {
        return new String[] {"--replicator.stream.max-latency-ms=100", "--replicator.chunk-rows=500", "--replicator.workers=2"};
    }
}

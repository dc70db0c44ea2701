package org.camelreplicator.stream;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.camelreplicator.support.Gate;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source server restarts under a running stream: once while the stream waits for changes, once
 * while a batch is being applied (its target transaction held by a gate, so the batch's next source
 * read meets the restart). The source is a PostgreSQL server of this test's own (the shared test
 * server cannot be restarted under the other tests), on the same port and data folder each time, so
 * the slot survives as it would on a real server; the stream goes on by itself and the target ends
 * equal to the source.
 */
class StreamSourceRestartTest {

    @TempDir
    Path dir;

    private EmbeddedPostgres server;
    private int port;

    @AfterEach
    void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSourceRestartingUnderARunningStreamLosesNothing() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        startServer();
        String source = "jdbc:postgresql://localhost:" + port + "/postgres";
        String target = TestPostgres.newDatabase("stream_restart_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        assertThat(replicator.run("stream", "--create-slot").exitCode()).isZero();
        assertThat(replicator.run("load").exitCode()).isZero();
        StreamWorkload workload = new StreamWorkload(source, 27);

        ReplicatorProcess stream = start(source, target);
        workload.run(40);
        awaitEqual(source, target, stream);

        // 1. the stream waits for changes: its heartbeat lets the slot confirm the source's position past the last change
        // (the slot keeps no WAL for an idle stream); the source goes away and comes back
        long afterTheChanges = position(source, "pg_current_wal_insert_lsn()");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> position(source, "(SELECT confirmed_flush_lsn FROM pg_replication_slots)") > afterTheChanges);
        restartServer();
        workload.run(40);
        awaitEqual(source, target, stream);

        // 2. a batch is being applied: its first table's rows wait at the gate; the source restarts meanwhile,
        // and the batch's next read of the source meets a new server
        try (Gate rows = Gate.trigger(target, "items", "BEFORE INSERT OR UPDATE", "NEW.name = 'gate'")) {
            TestPostgres.execute(source, "BEGIN; UPDATE items SET name = 'gate' WHERE id = 7;"
                    + " INSERT INTO notes VALUES ('gate', 1, 'after the gate'); COMMIT");
            rows.awaitWaiting(1, () -> !stream.alive());
            restartServer();
            rows.open();
        }
        workload.run(40);
        awaitEqual(source, target, stream);
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT name FROM items WHERE id = 7")).isEqualTo("gate");
            assertThat(Tables.single(t, "SELECT count(*) FROM notes WHERE code = 'gate'")).isOne();
        }

        assertThat(replicator.run("stream", "--stop").exitCode()).isZero();
        assertThat(stream.waitFor(120)).as(stream.output()).isZero();
        assertThat(stream.output()).contains("stopped by stream --stop");
    }

    private void awaitEqual(String source, String target, ReplicatorProcess stream) throws Exception {
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .failFast("the stream ended: " + stream.output(), () -> !stream.alive())
                    .until(() -> Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                            && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));
        }
    }

    private static long position(String source, String lsn) throws java.sql.SQLException {
        try (Connection s = TestPostgres.connect(source)) {
            return Tables.single(s, "SELECT pg_wal_lsn_diff(" + lsn + ", '0/0')::bigint");
        }
    }

    /**
     * wal_sender_timeout bounds how long a fast shutdown waits for a stream that has not confirmed everything (step 2's
     * batch held at the gate): the embedded server's stop gives up after 5 s.
     */
    private void startServer() throws IOException {
        server = EmbeddedPostgres.builder().setServerConfig("wal_sender_timeout", "3s").setDataDirectory(dir.resolve("source-pg")).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("wal_level", "logical").setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4").start();
    }

    /** A fast shutdown (every session ended, the walsender too), then the same server again. */
    private void restartServer() throws IOException {
        server.close();
        server = null;
        startServer();
    }

    private ReplicatorProcess start(String source, String target) {
        List<String> args = new ArrayList<>(List.of("stream", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir,
                "--replicator.stream.batch-rows=200", "--replicator.stream.max-latency-ms=100", "--replicator.stream.heartbeat-ms=500"));
        return ReplicatorProcess.start(dir.resolve("stream.log"), args);
    }
}

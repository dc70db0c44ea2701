package org.camelreplicator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelreplicator.embedded.EmbeddedPostgresServer;
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
 * SIGTERM and Ctrl-C on the default target, the embedded PostgreSQL the process starts itself: the
 * load stops first (its chunks roll back, the ledger says stopped), then the server, so the console
 * shows a few lines instead of the server's "terminating connection" errors, the exit status is the
 * documented one, and load --resume ends with the source's rows, each once.
 */
class StopOnSignalTest {

    static final long ROWS = 400_000;
    static final int CHUNKS = 12;

    static String source;

    @TempDir
    Path dir;

    int port;

    @BeforeAll
    static void sourceWithManyChunks() throws SQLException {
        source = TestPostgres.newDatabase("signal_source");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", ROWS);
        }
    }

    @BeforeEach
    void embeddedPort() throws Exception {
        port = freePort();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void sigtermThenCtrlCDuringALoadStopTheLoadBeforeTheEmbeddedPostgresAndTheRunResumesExactly() throws Exception {
        ReplicatorProcess first = ReplicatorProcess.start(dir.resolve("term.log"), args("load"));
        long doneAtTerm = awaitChunksDone(first, 2);
        first.signalTerm();
        assertThat(first.waitFor(60)).as(first.output()).isEqualTo(143);
        assertStoppedQuietly(first.output(), "SIGTERM");
        assertThat(dir.resolve("postgres/postmaster.pid")).as("the embedded PostgreSQL stopped with the process").doesNotExist();
        assertThat(lastRunStatus()).isEqualTo("stopped");

        // Ctrl-C at a terminal: SIGINT to the whole foreground process group
        ReplicatorProcess second = ReplicatorProcess.startInOwnProcessGroup(dir.resolve("int.log"), args("load", "--resume"));
        awaitChunksDone(second, doneAtTerm + 2);
        second.interruptProcessGroup();
        assertThat(second.waitFor(60)).as(second.output()).isEqualTo(130);
        assertStoppedQuietly(second.output(), "SIGINT");
        assertThat(lastRunStatus()).isEqualTo("stopped");

        Replicator.Result resumed = Replicator.execute(args("load", "--resume").toArray(String[]::new));
        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertTargetEqualsSource();
    }

    @Test
    void sigtermToServeStopsItsRunningLoadBeforeTheEmbeddedPostgres() throws Exception {
        int httpPort = freePort();
        ReplicatorProcess serve = ReplicatorProcess.start(dir.resolve("serve.log"),
                args("serve", "--http-port=" + httpPort, "--replicator.serve.every=1000"));
        awaitChunksDone(serve, 2);
        serve.signalTerm();
        assertThat(serve.waitFor(60)).as("serve ends normally when it is stopped; output:%n%s", serve.output()).isZero();
        assertStoppedQuietly(serve.output(), "SIGTERM");
        assertThat(lastRunStatus()).isEqualTo("stopped");

        Replicator.Result resumed = Replicator.execute(args("load", "--resume").toArray(String[]::new));
        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertTargetEqualsSource();
    }

    /** No target URL: the embedded PostgreSQL on a free port, its data in the test's folder. */
    private List<String> args(String command, String... options) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of(options));
        args.addAll(List.of("--source.url=" + source, "--source.username=postgres", "--replicator.data-dir=" + dir,
                "--replicator.embedded.port=" + port, "--workers=2", "--chunk-rows=" + ROWS / CHUNKS, "--batch-rows=2000"));
        return args;
    }

    /** Waits until the ledger in the embedded target shows this many chunks done, and answers how many it saw. */
    private long awaitChunksDone(ReplicatorProcess process, long atLeast) {
        long[] seen = new long[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .failFast("the replicator exited before the stop; output:\n" + process.output(), () -> !process.alive())
                .until(() -> {
                    try (Connection t = embedded()) {
                        seen[0] = Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE status = 'done'");
                    }
                    return seen[0] >= atLeast;
                });
        assertThat(seen[0]).as("the stop must land in the middle of the load").isLessThan(CHUNKS);
        return seen[0];
    }

    private Connection embedded() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
    }

    /** A few lines say it stopped; no stack trace, no error of a server that went away under the run. */
    private void assertStoppedQuietly(String output, String signal) {
        assertThat(output).contains("Stopping: " + signal + " received", "Tables not finished: 1", "Resume with:")
                .doesNotContain("\tat ", "terminating connection", "administrator command", "Exception", "ERROR");
        assertThat(output.lines().filter(l -> l.contains(" WARN ")).count()).as("warnings in:%n%s", output).isLessThanOrEqualTo(3);
    }

    /** The latest run's status, as status --json reports it (this starts the embedded target again, and stops it). */
    private String lastRunStatus() throws Exception {
        Replicator.Result status = Replicator.execute(args("status", "--json").toArray(String[]::new));
        return new ObjectMapper().readTree(status.out()).path("status").asText();
    }

    private void assertTargetEqualsSource() throws Exception {
        EmbeddedPostgresServer target = new EmbeddedPostgresServer(dir.resolve("postgres"), port);
        target.start();
        try (Connection s = TestPostgres.connect(source); Connection t = embedded()) {
            assertThat(Tables.count(t, "items")).isEqualTo(ROWS);
            assertThat(Tables.single(t, "SELECT COUNT(DISTINCT id) FROM items")).isEqualTo(ROWS);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
        } finally {
            target.stop();
        }
        assertThat(Files.exists(dir.resolve("postgres/postmaster.pid"))).isFalse();
    }
}

package org.camelreplicator.stream;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * serve with replicator.serve.command=stream: the stream runs from serve's start, with its lag in
 * seconds and bytes on /metrics, a health rule on the lag (DOWN while a batch is held, UP again after),
 * its lag in status, and a warning at start about an inactive slot of ours that holds WAL; SIGTERM
 * ends it with its offset recorded.
 */
class StreamServeTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void serveRunsTheStreamWithLagMetersAHealthRuleOnLagItsStatusAndAWarningAboutAForgottenSlot() throws Exception {
        String source = TestPostgres.newDatabase("stream_serve_source");
        String target = TestPostgres.newDatabase("stream_serve_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        assertThat(replicator.run("stream", "--create-slot").exitCode()).isZero();
        assertThat(replicator.run("load").exitCode()).isZero();
        // a slot of ours that nobody reads, and more than 1 MB of WAL written after it
        TestPostgres.execute(source, "SELECT pg_create_logical_replication_slot('camel_replicator_forgotten', 'pgoutput')",
                "SELECT pg_logical_emit_message(false, 'test', repeat('w', 3000000))");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ReplicatorProcess serve = ReplicatorProcess.start(dir.resolve("serve.log"), List.of("serve", "--source.url=" + source,
                "--source.username=postgres", "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir,
                "--replicator.http.port=" + port, "--replicator.serve.command=stream", "--replicator.stream.max-latency-ms=100",
                "--replicator.stream.heartbeat-ms=500", "--replicator.stream.max-slot-wal-mb=1", "--replicator.health.max-stream-lag-seconds=5"));
        try {
            await().atMost(Duration.ofSeconds(120)).failFast("serve ended: " + serve.output(), () -> !serve.alive())
                    .until(() -> serve.output().contains("Streaming changes of 2 table(s)"));
            assertThat(serve.output()).contains("Replication slot camel_replicator_forgotten (database stream_serve_source_",
                    "is inactive and holds", "replicator.stream.max-slot-wal-mb=1", "stream --drop-slot --replicator.stream.slot=camel_replicator_forgotten",
                    "pg_drop_replication_slot('camel_replicator_forgotten')");

            new StreamWorkload(source, 41).run(50);
            awaitEqual(source, target, serve);
            // caught up and idle: the heartbeat (every 0.5 s) keeps the lag under the rule's 5 s (a loaded machine took 3 s)
            await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/health").statusCode() == 200);
            String metrics = get(port, "/metrics").body();
            assertThat(gauge(metrics, "replicator_stream_lag_seconds")).isBetween(0.0, 5.0);
            assertThat(gauge(metrics, "replicator_stream_lag_bytes")).isGreaterThanOrEqualTo(0.0);
            assertThat(gauge(metrics, "replicator_stream_changes_total")).isGreaterThan(0.0);

            // a batch held at the target: the lag grows past the rule, health is DOWN; let go, UP again
            try (Gate held = Gate.trigger(target, "items", "BEFORE INSERT OR UPDATE", "NEW.name = 'held'")) {
                TestPostgres.execute(source, "UPDATE items SET name = 'held' WHERE id = 5");
                held.awaitWaiting(1, () -> !serve.alive());
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> get(port, "/health").statusCode() == 503);
                assertThat(get(port, "/health").body()).contains("behind its source", "replicator.health.max-stream-lag-seconds=5");
                assertThat(gauge(get(port, "/metrics").body(), "replicator_stream_lag_seconds")).isGreaterThan(5.0);
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> get(port, "/health").statusCode() == 200);
            awaitEqual(source, target, serve);

            Replicator.Result status = replicator.run("status");
            assertThat(status.exitCode()).as(status.all()).isZero();
            assertThat(status.out()).containsPattern("Stream camel_replicator_stream_serve_target_\\d+: [\\d,]+ changes applied, last at ")
                    .contains("; lag ", "bytes of source WAL behind; slot being read");
            Replicator.Result json = replicator.run("status", "--json");
            assertThat(json.out()).contains("\"stream_state\"", "\"lag_seconds\"", "\"lag_bytes\"", "\"slot_active\" : true");

            assertThat(serve.terminate(60)).isLessThan(60);
            assertThat(serve.exitValue()).as(serve.output()).isEqualTo(143);
            assertThat(serve.output()).contains("stopped by a signal", "the ledger holds its offset (LSN");
        } catch (Exception | AssertionError e) {
            throw new AssertionError("serve's output:\n" + serve.output(), e);
        } finally {
            if (serve.alive()) {
                serve.kill();
            }
            TestPostgres.execute(source, "SELECT pg_drop_replication_slot('camel_replicator_forgotten')");
            replicator.run("stream", "--drop-slot");
        }
    }

    private static void awaitEqual(String source, String target, ReplicatorProcess serve) throws Exception {
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .failFast("serve ended: " + serve.output(), () -> !serve.alive())
                    .until(() -> Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                            && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A meter's value in the Prometheus text (a line without tags). */
    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(name + " in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }
}

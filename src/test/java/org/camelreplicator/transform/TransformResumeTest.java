package org.camelreplicator.transform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * A filtered, transformed load killed (kill -9) while some of its chunks are committed and others
 * are being written: load --resume copies the rest, and the target holds exactly the filtered source
 * rows as the transform makes them, each once.
 */
class TransformResumeTest {

    private static final String SALT = "resume-salt";

    @TempDir
    Path dir;

    @Test
    void aKilledFilteredTransformedLoadResumesToExactlyTheTransformedRowsTheFilterKeeps() throws Exception {
        String source = TestPostgres.newDatabase("transform_kill_source");
        String target = TestPostgres.newDatabase("transform_kill_target");
        TestPostgres.execute(source, "CREATE TABLE events (id int PRIMARY KEY, email text, kind int NOT NULL, deleted boolean NOT NULL,"
                        + " label text, payload text)",
                "INSERT INTO events SELECT g, 'user' || g || '@example.com', g % 5, g % 11 = 0, 'event ' || g, repeat('x', 50)"
                        + " FROM generate_series(1, 60000) g");
        Path route = dir.resolve("shape-events.camel.yaml");
        Files.writeString(route, """
                - route:
                    id: shape-events
                    routeConfigurationId: caller-reports-failures
                    from:
                      uri: direct:shape-events
                      steps:
                        - removeHeader:
                            name: payload
                        - setHeader:
                            name: email
                            method:
                              ref: masks
                              method: "hash(${header.email})"
                        - setHeader:
                            name: label_upper
                            simple:
                              expression: "${header.label.toUpperCase()}"
                              resultType: java.lang.String
                """);
        List<String> settings = List.of("--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--chunk-rows=5000", "--workers=2",
                "--replicator.table.events.where=kind <> 3", "--replicator.table.events.soft-delete=deleted",
                "--replicator.table.events.transform=" + route, "--replicator.mask.salt=" + SALT);
        // the table exists before the load (as the transform shapes it), so a gate can hold its inserts
        assertThat(Replicator.execute(command("schema", settings)).exitCode()).isZero();

        try (Gate copy = Gate.trigger(target, "events", "BEFORE INSERT", "NEW.id > 30000")) {
            ReplicatorProcess p = ReplicatorProcess.start(dir.resolve("killed.log"), List.of(command("load", settings)));
            copy.awaitWaiting(1, () -> !p.alive());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> ledger(target, "SELECT COUNT(*) FROM replicator.chunks WHERE status = 'done'") >= 1);
            assertThat(p.kill()).isEqualTo(137);
            copy.terminateWaiting();
        }
        long done = ledger(target, "SELECT COUNT(*) FROM replicator.chunks WHERE status = 'done'");
        long total = ledger(target, "SELECT COUNT(*) FROM replicator.chunks");
        assertThat(done).as("killed in the middle: some chunks committed, some not").isBetween(1L, total - 1);

        Replicator.Result resume = Replicator.execute(command("load", settings, "--resume"));

        assertThat(resume.exitCode()).as(resume.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            List<List<String>> expected = Tables.rows(s, "SELECT id, encode(sha256(convert_to('" + SALT + "' || email, 'UTF8')), 'hex'),"
                    + " kind, deleted, label, upper(label) FROM events WHERE kind <> 3 AND NOT deleted ORDER BY id");
            assertThat(expected).hasSize(43637);
            assertThat(Tables.rows(t, "SELECT id, email, kind, deleted, label, label_upper FROM events ORDER BY id")).isEqualTo(expected);
            assertThat(Tables.columns(t, "public", "events")).containsExactly("id", "email", "kind", "deleted", "label", "label_upper");
        }
    }

    private static String[] command(String command, List<String> settings, String... options) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(settings);
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    private static long ledger(String target, String sql) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, sql);
        }
    }
}

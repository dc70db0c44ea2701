package org.camelreplicator.stream;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelreplicator.cli.ReplicatorCli;
import org.camelreplicator.support.Gate;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestMariaDb;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * stream from the test MariaDB's binlog into PostgreSQL: the position recorded before the load, then the
 * load, then inserts, updates (also of the key), deletes and a transaction over two tables, streamed
 * until the target equals what a fresh load of the source gives (content hash, table by table); a
 * stream resumed after the source kept writing; kill -9 in the middle of a batch; the refusals when
 * the binlog is not in row format and when the recorded binlog file was purged.
 */
class StreamMariaDbTest {


    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tables and the order their content hash is taken in. */
    private static final Map<String, String> TABLES = Map.of("items", "id", "notes", "code, part", "events", "at, seq");

    @TempDir
    Path dir;

    /** A MariaDB of the test's own, for the one that restarts its source. */
    private TestMariaDb.Server own;

    @AfterEach
    void stopOwnServer() {
        if (own != null) {
            TestMariaDb.stop(own);
        }
    }

    static final String[] SCHEMA = {
            "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2), flag TINYINT(1),"
                    + " kind ENUM('small','large'), doc JSON, seen DATETIME(3), stamp TIMESTAMP NULL, data BLOB, qty INT)",
            "INSERT INTO items SELECT seq, CONCAT('item ', seq), seq * 1.25, seq % 2, IF(seq % 3 = 0, 'large', 'small'),"
                    + " JSON_OBJECT('n', seq), TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq MINUTE, NULL, UNHEX(HEX(seq)), seq % 97"
                    + " FROM seq_1_to_2000",
            "CREATE TABLE notes (code VARCHAR(20), part INT, body TEXT, PRIMARY KEY (code, part))",
            "INSERT INTO notes SELECT CONCAT('n', seq % 40), seq, CONCAT('note ', seq) FROM seq_1_to_500",
            // a key with a date and time: the change's key is read back through its text
            "CREATE TABLE events (at DATETIME(6), seq INT, what VARCHAR(40), PRIMARY KEY (at, seq))",
            "INSERT INTO events SELECT TIMESTAMP'2024-03-01 10:00:00.123456' + INTERVAL seq SECOND, seq, 'event' FROM seq_1_to_300"};

    @Test
    void binlogChangesAfterALoadReachTheTargetAndAStreamResumedAfterTheSourceKeptWritingCatchesUp() throws Exception {
        String source = TestMariaDb.newDatabase("stream_source");
        String target = TestPostgres.newDatabase("stream_maria_target");
        String reference = TestPostgres.newDatabase("stream_maria_reference");
        execute(source, SCHEMA);
        // a user with the grants the README asks for, no more
        String user = "streamer_" + target.substring(target.lastIndexOf('_') + 1);
        execute(TestMariaDb.url(""), "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'secret'",
                "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'%'");
        Replicator streaming = Replicator.between(source, user, target, dir).with("--source.password=secret",
                "--replicator.stream.max-latency-ms=200", "--replicator.stream.batch-rows=300");

        Replicator.Result early = streaming.run("stream");
        assertThat(early.exitCode()).as(early.all()).isEqualTo(2);
        assertThat(early.err()).contains("Run stream --create-slot before the load");

        Replicator.Result created = streaming.run("stream", "--create-slot");
        assertThat(created.exitCode()).as(created.all()).isZero();
        assertThat(created.out()).contains("starts at binlog position mariadb-bin.", "run load now, then stream");
        // changes after the recorded position but before the load: replayed, and converging by key
        execute(source, "UPDATE items SET name = 'before the load' WHERE id <= 10");
        assertThat(streaming.run("load").exitCode()).isZero();

        execute(source,
                "INSERT INTO items (id, name, price, flag, kind, doc, seen, stamp, data, qty) SELECT seq, CONCAT('new ', seq), 0.5, 1,"
                        + " 'large', JSON_ARRAY(seq, 'x'), NOW(3), '2024-05-05 05:05:05', x'00ff10', 1 FROM seq_2001_to_2400",
                "UPDATE items SET price = price + 1, flag = 1 - flag, kind = 'large', doc = JSON_OBJECT('changed', TRUE),"
                        + " seen = seen + INTERVAL 1 DAY, stamp = '2025-01-02 03:04:05', data = NULL WHERE id BETWEEN 100 AND 400",
                "UPDATE items SET id = id + 10000 WHERE id BETWEEN 500 AND 520",
                "DELETE FROM items WHERE id BETWEEN 600 AND 650",
                "UPDATE notes SET part = part + 1000 WHERE code = 'n7'",
                "DELETE FROM notes WHERE code = 'n8'",
                "UPDATE events SET at = at + INTERVAL 1 DAY WHERE seq <= 20",
                "DELETE FROM events WHERE seq BETWEEN 100 AND 110");
        try (Connection c = TestMariaDb.connect(source)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO items (id, name) VALUES (5000, 'pair')");
                st.execute("INSERT INTO notes VALUES ('pair', 1, 'with item 5000')");
                st.execute("DELETE FROM items WHERE id = 1");
            }
            c.commit();
        }

        // the source is still from here on: its fresh load is what the target must reach (loaded first: Replicator.run
        // holds one lock while a stream runs in it)
        loadReference(source, reference);
        CompletableFuture<Replicator.Result> run = CompletableFuture.supplyAsync(() -> streaming.run("stream"));
        awaitEqual(target, reference, run::isDone);
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(2000 + 400 + 1 - 51 - 1);
            assertThat(Tables.text(t, "SELECT name FROM items WHERE id = 5")).isEqualTo("before the load");
        }
        assertThat(ReplicatorCli.execute(arguments(source, target, "stream", "--stop"))).isZero();
        Replicator.Result stopped = run.get(60, TimeUnit.SECONDS);
        assertThat(stopped.exitCode()).as(stopped.all()).isZero();
        assertThat(stopped.out()).contains("Streaming changes of 3 table(s)", "stopped by stream --stop",
                "the ledger holds its offset (binlog mariadb-bin.");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT count(*) FROM replicator.stream_schema_history")).as("the connector's schema history")
                    .isPositive();
        }
        Replicator.Result status = streaming.run("status");
        assertThat(status.out()).as(status.all()).containsPattern("Stream camel_replicator_stream_maria_target_\\d+: [\\d,]+ changes applied")
                .contains("; lag ", "bytes of source binlog behind");

        // the source writes on while no stream runs; the stream resumes from the ledger's offset and catches up
        new MariaDbWorkload(source, 7).run(120);
        loadReference(source, reference);
        CompletableFuture<Replicator.Result> resumed = CompletableFuture.supplyAsync(() -> streaming.run("stream"));
        awaitEqual(target, reference, resumed::isDone);
        assertThat(ReplicatorCli.execute(arguments(source, target, "stream", "--stop"))).isZero();
        Replicator.Result second = resumed.get(60, TimeUnit.SECONDS);
        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(second.out()).contains("from binlog mariadb-bin.");

        Replicator.Result drop = streaming.run("stream", "--drop-slot");
        assertThat(drop.exitCode()).as(drop.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT count(*) FROM replicator.stream_offsets")).isZero();
            assertThat(Tables.single(t, "SELECT count(*) FROM replicator.stream_schema_history")).isZero();
        }
    }

    @Test
    void theSourceRestartingUnderARunningStreamLosesNothing() throws Exception {
        own = TestMariaDb.dedicated();
        String source = TestMariaDb.newDatabase(own, "stream_restart_source");
        String target = TestPostgres.newDatabase("stream_maria_restart_target");
        String reference = TestPostgres.newDatabase("stream_maria_restart_reference");
        execute(source, SCHEMA);
        Replicator streaming = Replicator.between(source, TestMariaDb.USER, target, dir).with("--replicator.stream.max-latency-ms=200");
        assertThat(streaming.run("stream", "--create-slot").exitCode()).isZero();
        assertThat(streaming.run("load").exitCode()).isZero();

        CompletableFuture<Replicator.Result> run = CompletableFuture.supplyAsync(() -> streaming.run("stream"));
        MariaDbWorkload workload = new MariaDbWorkload(source, 31);
        workload.run(60);
        execute(source, "UPDATE items SET name = 'before the restart' WHERE id = 3");
        awaitName(target, 3, "before the restart", run);

        // a clean shutdown and start of the source on its port and data folder, under the running stream
        own = TestMariaDb.restart(own);
        workload.run(60);
        execute(source, "UPDATE items SET name = 'after the restart' WHERE id = 4");
        awaitName(target, 4, "after the restart", run);

        assertThat(ReplicatorCli.execute(arguments(source, target, "stream", "--stop"))).isZero();
        Replicator.Result stopped = run.get(60, TimeUnit.SECONDS);
        assertThat(stopped.exitCode()).as(stopped.all()).isZero();
        // the source is still now: the stream applied every change up to the last marker, and the target equals a fresh load
        loadReference(source, reference);
        awaitEqual(target, reference, () -> false);
    }

    /** Waits until the target's item {@code id} has {@code name}, failing fast when the stream ends. */
    private static void awaitName(String target, int id, String name, CompletableFuture<Replicator.Result> run) throws SQLException {
        try (Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .failFast("the stream ended", run::isDone)
                    .until(() -> name.equals(Tables.text(t, "SELECT name FROM items WHERE id = " + id)));
        }
    }

    @Test
    void loadWithStreamThenKilledMidBatchTheRestartedStreamEndsEqualToTheSource() throws Exception {
        String source = TestMariaDb.newDatabase("stream_kill_source");
        String target = TestPostgres.newDatabase("stream_maria_kill_target");
        String reference = TestPostgres.newDatabase("stream_maria_kill_reference");
        execute(source, SCHEMA);
        List<String> settings = List.of("--replicator.stream.batch-rows=200", "--replicator.stream.max-latency-ms=100");
        Replicator replicator = Replicator.between(source, TestMariaDb.USER, target, dir).with(settings.toArray(String[]::new));
        MariaDbWorkload workload = new MariaDbWorkload(source, 15);

        // load --stream records the position, loads, and streams, in one JVM the test can kill
        List<String> args = new ArrayList<>(List.of("load", "--stream", "--source.url=" + source, "--source.username=" + TestMariaDb.USER,
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir));
        args.addAll(settings);
        ReplicatorProcess first = ReplicatorProcess.start(dir.resolve("1-load-stream.log"), args);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .failFast("the stream ended: " + first.output(), () -> !first.alive())
                .until(() -> first.output().contains("Streaming changes of 3 table(s)"));
        assertThat(first.output()).contains("starts at binlog position", "Load summary");
        // a batch whose rows are half applied: the upsert of items waits at the row the gate catches
        try (Gate rows = Gate.trigger(target, "items", "BEFORE INSERT OR UPDATE", "NEW.name = 'gate 1'")) {
            workload.run(40);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .failFast("the stream ended: " + first.output(), () -> !first.alive())
                    .until(() -> applied(target) > 0);
            // one source transaction over both tables, in the batch the gate stops
            execute(source, "START TRANSACTION", "INSERT INTO notes VALUES ('gate', 1, 'with gate 1')", "UPDATE items SET qty = -1 WHERE id = 8",
                    "UPDATE items SET name = 'gate 1' WHERE id = 7", "COMMIT");
            workload.run(30);
            rows.awaitWaiting(1, () -> !first.alive());
            long appliedBefore = applied(target);
            String offsetBefore = offset(target);
            assertThat(first.kill()).isEqualTo(137);
            rows.terminateWaiting();

            try (Connection t = TestPostgres.connect(target)) {
                assertThat(Tables.single(t, "SELECT count(*) FROM notes WHERE code = 'gate'")).as("none of the batch committed").isZero();
                assertThat(Tables.single(t, "SELECT qty FROM items WHERE id = 8")).isNotEqualTo(-1);
            }
            assertThat(applied(target)).isEqualTo(appliedBefore);
            assertThat(offset(target)).as("the ledger's offset stays before the killed batch").isEqualTo(offsetBefore);
        }

        // the source writes while no stream runs; the restarted stream catches up while the source writes on
        workload.run(60);
        List<String> restart = new ArrayList<>(args.subList(1, args.size()));
        restart.set(0, "stream");
        ReplicatorProcess second = ReplicatorProcess.start(dir.resolve("2-stream.log"), restart);
        workload.run(40);
        loadReference(source, reference);
        try (Connection t = TestPostgres.connect(target)) {
            awaitEqual(target, reference, () -> !second.alive());
            assertThat(Tables.single(t, "SELECT count(*) FROM notes WHERE code = 'gate'")).isOne();
            assertThat(Tables.text(t, "SELECT name FROM items WHERE id = 7")).isEqualTo("gate 1");
        }
        assertThat(second.alive()).as(second.output()).isTrue();
        assertThat(replicator.run("stream", "--stop").exitCode()).isZero();
        assertThat(second.waitFor(120)).as(second.output()).isZero();
        assertThat(second.output()).contains("stopped by stream --stop");
    }

    @Test
    void aBinlogNotInRowFormatAndAPurgedBinlogFileAreRefusedNamingWhatToDo() throws Exception {
        String source = TestMariaDb.newDatabase("stream_refusal_source");
        String target = TestPostgres.newDatabase("stream_maria_refusal_target");
        execute(source, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))", "INSERT INTO items VALUES (1, 'one')");
        Replicator replicator = Replicator.between(source, TestMariaDb.USER, target, dir);

        // this test JVM's own server: set back before anything else uses it
        execute(TestMariaDb.url(""), "SET GLOBAL binlog_format = 'MIXED'");
        Replicator.Result mixed;
        try {
            mixed = replicator.run("stream", "--create-slot");
        } finally {
            execute(TestMariaDb.url(""), "SET GLOBAL binlog_format = 'ROW'");
        }
        assertThat(mixed.exitCode()).as(mixed.all()).isEqualTo(2);
        assertThat(mixed.err()).contains("binlog_format=MIXED", "Set binlog_format=ROW");

        assertThat(replicator.run("stream", "--create-slot").exitCode()).isZero();
        assertThat(replicator.run("load").exitCode()).isZero();
        // the recorded file purged: FLUSH starts a new one, PURGE removes every file before it, once the server's binlog
        // checkpoint has passed them (until then it keeps them, with a warning only)
        String recorded;
        try (Connection t = TestPostgres.connect(target)) {
            recorded = (String) JSON.readValue(Tables.text(t, "SELECT source_offset FROM replicator.stream_offsets"), Map.class).get("file");
        }
        try (Connection c = TestMariaDb.connect(TestMariaDb.url("")); Statement st = c.createStatement()) {
            st.execute("FLUSH BINARY LOGS");
            String current = Tables.text(c, "SHOW MASTER STATUS");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                st.execute("PURGE BINARY LOGS TO '" + current + "'");
                return Tables.rows(c, "SHOW BINARY LOGS").stream().noneMatch(log -> log.get(0).equals(recorded));
            });
        }
        Replicator.Result purged = replicator.run("stream");
        assertThat(purged.exitCode()).as(purged.all()).isEqualTo(2);
        assertThat(purged.err()).contains("is no longer on the source", "changes made since are lost", "stream --drop-slot",
                "load --reset --stream", "binlog_expire_logs_seconds");
    }

    /** The source as a fresh load copies it: what the stream's target must equal. */
    private void loadReference(String source, String reference) {
        Replicator.Result load = Replicator.between(source, TestMariaDb.USER, reference, dir.resolve("reference")).run("load", "--reset");
        assertThat(load.exitCode()).as(load.all()).isZero();
    }

    /** Waits until every table of the target equals the reference load's, by content hash. */
    private void awaitEqual(String target, String reference, java.util.function.BooleanSupplier ended) throws Exception {
        try (Connection r = TestPostgres.connect(reference); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .failFast("the stream ended", ended::getAsBoolean)
                    .until(() -> {
                        for (Map.Entry<String, String> table : TABLES.entrySet()) {
                            if (!Tables.contentHash(t, table.getKey(), table.getValue()).equals(Tables.contentHash(r, table.getKey(), table.getValue()))) {
                                return false;
                            }
                        }
                        return true;
                    });
            assertThat(Tables.count(t, "items")).isEqualTo(Tables.count(r, "items"));
        }
    }

    static void execute(String url, String... statements) throws SQLException {
        try (Connection c = TestMariaDb.connect(url); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private String[] arguments(String source, String target, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--source.url=" + source, "--source.username=" + TestMariaDb.USER, "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir));
        return args.toArray(String[]::new);
    }

    private static long applied(String target) throws SQLException {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, "SELECT changes_applied FROM replicator.stream_offsets");
        }
    }

    private static String offset(String target) throws SQLException {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.text(t, "SELECT source_offset FROM replicator.stream_offsets");
        }
    }
}

package org.camelreplicator.stream;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.camelreplicator.cli.ReplicatorCli;
import org.camelreplicator.support.Gate;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * stream, PostgreSQL to PostgreSQL through a logical replication slot: slot first, then load, then the
 * stream carries inserts, updates (also of the key), deletes and a transaction over two tables, and the
 * target ends equal to the source; key-less tables and a new source column stop it with a message.
 */
class StreamTest {

    @TempDir
    Path dir;

    @Test
    void changesAfterALoadReachTheTargetExactlyAndANewColumnStopsTheStream() throws Exception {
        String source = TestPostgres.newDatabase("stream_source");
        String target = TestPostgres.newDatabase("stream_target");
        TestPostgres.execute(source,
                "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), tags text[], seen timestamp, body text)",
                "INSERT INTO items SELECT g, 'item ' || g, g * 1.25, ARRAY['a', 't' || g], timestamp '2024-01-01' + g * interval '1 minute',"
                        + " repeat('x', CASE WHEN g % 100 = 0 THEN 5000 ELSE 10 END) FROM generate_series(1, 2000) g",
                "CREATE TABLE notes (code varchar(20), part int, body text, PRIMARY KEY (code, part))",
                "INSERT INTO notes SELECT 'n' || (g % 50), g, 'note ' || g FROM generate_series(1, 500) g",
                "CREATE TABLE loose (a int, b text)");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);

        Replicator.Result keyless = replicator.run("stream", "--create-slot");
        assertThat(keyless.exitCode()).as(keyless.all()).isEqualTo(2);
        assertThat(keyless.err()).contains("public.loose have no primary key", "stream refuses them");

        Replicator streaming = replicator.with("--replicator.exclude=loose", "--replicator.stream.max-latency-ms=200",
                "--replicator.stream.batch-rows=500");
        Replicator.Result early = streaming.run("stream");
        assertThat(early.exitCode()).as(early.all()).isEqualTo(2);
        assertThat(early.err()).contains("Run stream --create-slot before the load");

        Replicator.Result slot = streaming.run("stream", "--create-slot");
        assertThat(slot.exitCode()).as(slot.all()).isZero();
        assertThat(slot.out()).contains("Replication slot camel_replicator_stream_target_");
        // changes made after the slot but before (and while) the load are replayed: convergent by key
        TestPostgres.execute(source, "UPDATE items SET name = 'before the load' WHERE id <= 10");
        assertThat(streaming.run("load").exitCode()).isZero();

        TestPostgres.execute(source,
                "INSERT INTO items SELECT g, 'new ' || g, g, NULL, NULL, NULL FROM generate_series(2001, 2600) g",
                "UPDATE items SET price = price + 1, tags = ARRAY['changed'] WHERE id BETWEEN 100 AND 400",
                "UPDATE items SET name = 'toast kept' WHERE id = 300",
                "UPDATE items SET id = id + 10000 WHERE id BETWEEN 500 AND 520",
                "DELETE FROM items WHERE id BETWEEN 600 AND 650",
                "UPDATE notes SET part = part + 1000 WHERE code = 'n7'",
                "DELETE FROM notes WHERE code = 'n8'",
                "BEGIN; INSERT INTO items VALUES (5000, 'pair', 1, NULL, NULL, NULL); INSERT INTO notes VALUES ('pair', 1, 'with item 5000');"
                        + " DELETE FROM items WHERE id = 1; COMMIT");

        CompletableFuture<Replicator.Result> run = CompletableFuture.supplyAsync(() -> streaming.run("stream"));
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> !run.isDone()
                    && Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                    && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));
            assertThat(Tables.count(t, "items")).isEqualTo(2000 + 600 + 1 - 51 - 1);
        }
        assertThat(ReplicatorCli.execute(arguments(source, target, "stream", "--stop"))).isZero();
        Replicator.Result stopped = run.get(60, TimeUnit.SECONDS);
        assertThat(stopped.exitCode()).as(stopped.all()).isZero();
        assertThat(stopped.out()).contains("stopped by stream --stop", "the ledger holds its offset (LSN");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT source_offset FROM replicator.stream_offsets")).contains("\"lsn\"");
        }

        // a column added on the source: the stream refuses to go on, saying how to carry it; nothing is dropped silently
        TestPostgres.execute(source, "ALTER TABLE notes ADD COLUMN extra text", "UPDATE notes SET extra = 'new' WHERE code = 'n9'");
        Replicator.Result added = streaming.run("stream");
        assertThat(added.exitCode()).as(added.all()).isEqualTo(2);
        assertThat(added.err()).contains("Target table public.notes has no column(s) [extra]", "ALTER TABLE", "verify --repair");

        Replicator.Result drop = streaming.run("stream", "--drop-slot");
        assertThat(drop.exitCode()).as(drop.all()).isZero();
        try (Connection s = TestPostgres.connect(source)) {
            assertThat(Tables.single(s, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).isZero();
            assertThat(Tables.single(s, "SELECT count(*) FROM pg_publication")).isZero();
        }
    }

    @Test
    void aColumnAddedUnderARunningStreamStopsItSayingHowToCarryItAndTheStreamGoesOnOnceTheTargetHasIt() throws Exception {
        String source = TestPostgres.newDatabase("stream_column_source");
        String target = TestPostgres.newDatabase("stream_column_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator streaming = Replicator.between(source, "postgres", target, dir).with("--replicator.stream.max-latency-ms=100");
        CompletableFuture<Replicator.Result> first = streamingAfterLoad(streaming, source, target,
                "UPDATE items SET qty = 0 WHERE id <= 100", "SELECT count(*) FROM items WHERE id <= 100 AND qty = 0", 100);
        String before;
        try (Connection t = TestPostgres.connect(target)) {
            before = Tables.text(t, "SELECT source_offset FROM replicator.stream_offsets");
        }

        TestPostgres.execute(source, "ALTER TABLE notes ADD COLUMN extra text",
                "BEGIN; UPDATE items SET qty = 1 WHERE id = 1; UPDATE notes SET extra = 'new' WHERE code = 'n9'; COMMIT");
        Replicator.Result stopped = first.get(120, TimeUnit.SECONDS);

        assertThat(stopped.exitCode()).as(stopped.all()).isEqualTo(1);
        assertThat(stopped.err()).contains("Column extra was added to source table public.notes",
                "ALTER TABLE public.notes ADD COLUMN", "then run stream again", "verify --repair", "Nothing of this batch was applied");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT qty FROM items WHERE id = 1")).as("the batch's other table").isZero();
            assertThat(Tables.text(t, "SELECT source_offset FROM replicator.stream_offsets")).isEqualTo(before);
        }

        // carried as the message says: the column on the target, then stream again
        TestPostgres.execute(target, "ALTER TABLE notes ADD COLUMN extra text");
        CompletableFuture<Replicator.Result> second = CompletableFuture.supplyAsync(() -> streaming.run("stream"));
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> !second.isDone()
                    && Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                    && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));
            assertThat(Tables.single(t, "SELECT count(*) FROM notes WHERE extra = 'new'")).isEqualTo(Tables.single(s,
                    "SELECT count(*) FROM notes WHERE code = 'n9'")).isPositive();
        }
        // Replicator.run holds its lock while the stream runs: the stop request goes through the command line directly
        assertThat(ReplicatorCli.execute("stream", "--stop", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir)).isZero();
        assertThat(second.get(60, TimeUnit.SECONDS).exitCode()).isZero();
        assertThat(streaming.run("stream", "--drop-slot").exitCode()).isZero();
    }

    @Test
    void aTruncateOnTheSourceStopsTheStreamNamingTheTableInsteadOfLeavingTheTargetsRows() throws Exception {
        String source = TestPostgres.newDatabase("stream_truncate_source");
        String target = TestPostgres.newDatabase("stream_truncate_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator streaming = Replicator.between(source, "postgres", target, dir).with("--replicator.stream.max-latency-ms=100");
        CompletableFuture<Replicator.Result> running = streamingAfterLoad(streaming, source, target,
                "UPDATE items SET qty = 0 WHERE id = 1", "SELECT count(*) FROM items WHERE id = 1 AND qty = 0", 1);
        long rows;
        try (Connection t = TestPostgres.connect(target)) {
            rows = Tables.count(t, "notes");
        }

        TestPostgres.execute(source, "TRUNCATE notes");
        Replicator.Result stopped = running.get(120, TimeUnit.SECONDS);

        assertThat(stopped.exitCode()).as(stopped.all()).isEqualTo(1);
        assertThat(stopped.err()).contains("Table public.notes was truncated on the source", "load --tables=public.notes --reset");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "notes")).as("nothing of the batch applied").isEqualTo(rows).isPositive();
        }
        assertThat(streaming.run("stream", "--drop-slot").exitCode()).isZero();
    }

    @Test
    void aStreamRestartedAfterTheSlotConfirmedWalBeyondTheLedgersLastChangeStartsFromTheSlot() throws Exception {
        String source = TestPostgres.newDatabase("stream_ahead_source");
        String target = TestPostgres.newDatabase("stream_ahead_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator streaming = Replicator.between(source, "postgres", target, dir).with("--replicator.stream.max-latency-ms=100");
        CompletableFuture<Replicator.Result> first = streamingAfterLoad(streaming, source, target,
                "UPDATE items SET qty = 0 WHERE id = 1", "SELECT count(*) FROM items WHERE id = 1 AND qty = 0", 1);
        assertThat(ReplicatorCli.execute(arguments(source, target, "stream", "--stop"))).isZero();
        assertThat(first.get(60, TimeUnit.SECONDS).exitCode()).isZero();

        // WAL without changes of ours, confirmed by the slot while the stream is stopped (what the driver's keepalives
        // and heartbeats do on an idle source): the slot's restart point passes the ledger's last applied change
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            String applied = Tables.text(t, "SELECT source_offset FROM replicator.stream_offsets");
            long ledgerLsn = Long.parseLong(applied.replaceAll(".*\"lsn\":(\\d+).*", "$1"));
            TestPostgres.execute(source, "SELECT pg_logical_emit_message(false, 'filler', repeat('x', 100000))",
                    "SELECT pg_log_standby_snapshot()", "CHECKPOINT", "SELECT pg_log_standby_snapshot()",
                    "SELECT pg_replication_slot_advance(slot_name, pg_current_wal_lsn()) FROM pg_replication_slots"
                            + " WHERE database = current_database()");
            assertThat(Tables.single(s, "SELECT pg_wal_lsn_diff(restart_lsn, '0/0')::bigint FROM pg_replication_slots"
                    + " WHERE database = current_database()")).as("the slot's restart point passed the ledger").isGreaterThan(ledgerLsn);
        }

        TestPostgres.execute(source, "UPDATE items SET qty = 7 WHERE id = 2");
        CompletableFuture<Replicator.Result> second = CompletableFuture.supplyAsync(() -> streaming.run("stream"));
        try (Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> second.isDone() || Tables.single(t, "SELECT count(*) FROM items WHERE id = 2 AND qty = 7") == 1);
        }
        assertThat(second.isDone()).as("the restarted stream runs and applies the next change").isFalse();
        assertThat(ReplicatorCli.execute(arguments(source, target, "stream", "--stop"))).isZero();
        Replicator.Result stopped = second.get(60, TimeUnit.SECONDS);
        assertThat(stopped.exitCode()).as(stopped.all()).isZero();
        assertThat(streaming.run("stream", "--drop-slot").exitCode()).isZero();
    }

    @Test
    void aSourceTransactionThatFitsABatchIsAppliedInOneTargetTransactionEvenWhereABatchWouldCutIt() throws Exception {
        String source = TestPostgres.newDatabase("stream_tx_source");
        String target = TestPostgres.newDatabase("stream_tx_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator streaming = Replicator.between(source, "postgres", target, dir).with("--replicator.stream.max-latency-ms=100",
                "--replicator.stream.batch-rows=200");
        assertThat(streaming.run("stream", "--create-slot").exitCode()).isZero();
        assertThat(streaming.run("load").exitCode()).isZero();
        recordWritingTransactions(target);
        // the first batch waits at the target while the source writes, so the next batch is taken from a full queue: 150
        // changes, then a transaction of 100 over both tables, then 50 more; a batch of 200 would end inside the transaction
        CompletableFuture<Replicator.Result> run;
        try (Gate first = Gate.trigger(target, "items", "BEFORE UPDATE", "NEW.name = 'hold'")) {
            TestPostgres.execute(source, "UPDATE items SET name = 'hold' WHERE id = 5");
            run = CompletableFuture.supplyAsync(() -> streaming.run("stream"));
            first.awaitWaiting(1, run::isDone);
            TestPostgres.execute(source, "UPDATE items SET name = 'first' WHERE id BETWEEN 101 AND 250",
                    "BEGIN; UPDATE items SET name = 'straddle' WHERE id BETWEEN 301 AND 360;"
                            + " UPDATE notes SET body = 'straddle' WHERE (code, part) IN (SELECT code, part FROM notes ORDER BY part LIMIT 40); COMMIT",
                    "UPDATE items SET name = 'after' WHERE id BETWEEN 401 AND 450");
            try (Connection s = TestPostgres.connect(source)) {
                long written = Tables.single(s, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint");
                await().atMost(Duration.ofSeconds(60)).until(() -> Tables.single(s, "SELECT coalesce(max(pg_wal_lsn_diff(r.sent_lsn, '0/0')), 0)::bigint"
                        + " FROM pg_stat_replication r JOIN pg_replication_slots l ON l.active_pid = r.pid WHERE l.database = current_database()") >= written);
            }
        }
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> !run.isDone()
                    && Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                    && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));
            assertThat(Tables.single(t, "SELECT count(*) FROM written WHERE tag = 'straddle'")).isEqualTo(100);
            assertThat(Tables.single(t, "SELECT count(DISTINCT tx) FROM written WHERE tag = 'straddle'"))
                    .as("target transactions that applied the one source transaction").isOne();
        }
        assertThat(ReplicatorCli.execute("stream", "--stop", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir)).isZero();
        assertThat(run.get(60, TimeUnit.SECONDS).exitCode()).isZero();
        assertThat(streaming.run("stream", "--drop-slot").exitCode()).isZero();
    }

    @Test
    void aBacklogOfOneStatementTransactionsIsAppliedInTargetTransactionsOfBatchRowsChanges() throws Exception {
        String source = TestPostgres.newDatabase("stream_rows_source");
        String target = TestPostgres.newDatabase("stream_rows_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        // a poll of the engine waits for a full batch up to max-latency-ms (5 s at most, the engine's own limit); no heartbeat
        // record in between
        Replicator streaming = Replicator.between(source, "postgres", target, dir).with("--replicator.stream.max-latency-ms=5000",
                "--replicator.stream.batch-rows=100", "--replicator.stream.heartbeat-ms=600000");
        assertThat(streaming.run("stream", "--create-slot").exitCode()).isZero();
        assertThat(streaming.run("load").exitCode()).isZero();
        recordWritingTransactions(target);
        // the first batch waits at the target while the source makes the backlog, so the next batches come from a full queue:
        // 300 one-statement transactions, each a BEGIN, an update and an END record
        CompletableFuture<Replicator.Result> run;
        try (Gate first = Gate.trigger(target, "items", "BEFORE UPDATE", "NEW.name = 'hold'")) {
            TestPostgres.execute(source, "UPDATE items SET name = 'hold' WHERE id = 5");
            run = CompletableFuture.supplyAsync(() -> streaming.run("stream"));
            first.awaitWaiting(1, run::isDone);
            try (Connection s = TestPostgres.connect(source); Statement st = s.createStatement()) {
                for (int id = 101; id <= 400; id++) {
                    st.execute("UPDATE items SET name = 'backlog' WHERE id = " + id);
                }
                long written = Tables.single(s, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint");
                await().atMost(Duration.ofSeconds(60)).until(() -> Tables.single(s, "SELECT coalesce(max(pg_wal_lsn_diff(r.sent_lsn, '0/0')), 0)::bigint"
                        + " FROM pg_stat_replication r JOIN pg_replication_slots l ON l.active_pid = r.pid WHERE l.database = current_database()") >= written);
            }
        }
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> !run.isDone()
                    && Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id")));
            assertThat(Tables.single(t, "SELECT count(*) FROM written WHERE tag = 'backlog'")).isEqualTo(300);
            assertThat(Tables.single(t, "SELECT max(n) FROM (SELECT count(*) n FROM written WHERE tag = 'backlog' GROUP BY tx) x"))
                    .as("changes in one target transaction").isEqualTo(100);
            assertThat(Tables.single(t, "SELECT count(DISTINCT tx) FROM written WHERE tag = 'backlog'"))
                    .as("target transactions that applied 300 changes, at batch-rows=100").isEqualTo(3);
        }
        assertThat(ReplicatorCli.execute(arguments(source, target, "stream", "--stop"))).isZero();
        assertThat(run.get(60, TimeUnit.SECONDS).exitCode()).isZero();
        assertThat(streaming.run("stream", "--drop-slot").exitCode()).isZero();
    }

    @Test
    void loadWithStreamCreatesTheSlotLoadsAndStreamsInOneCommand() throws Exception {
        String source = TestPostgres.newDatabase("stream_load_source");
        String target = TestPostgres.newDatabase("stream_load_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--replicator.stream.max-latency-ms=100");

        Replicator.Result resumed = replicator.run("load", "--resume", "--stream");
        assertThat(resumed.exitCode()).as(resumed.all()).isEqualTo(2);
        assertThat(resumed.err()).contains("load --resume --stream: there is no replication slot", "load --reset --stream");
        try (Connection s = TestPostgres.connect(source)) {
            assertThat(Tables.single(s, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).isZero();
        }

        CompletableFuture<Replicator.Result> run = CompletableFuture.supplyAsync(() -> replicator.run("load", "--stream"));
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            // the ledger's tables appear as the command goes on; changes after the load are streamed
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> !run.isDone()
                    && Tables.single(t, "SELECT count(*) FROM replicator.runs WHERE status = 'done'") == 1);
            new StreamWorkload(source, 3).run(80);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> !run.isDone()
                    && Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                    && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));
            assertThat(Tables.single(t, "SELECT changes_applied FROM replicator.stream_offsets")).isPositive();
        }
        assertThat(ReplicatorCli.execute("stream", "--stop", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir)).isZero();
        Replicator.Result result = run.get(60, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("Replication slot camel_replicator_stream_load_target_", "Load summary",
                "Streaming changes of 2 table(s)", "stopped by stream --stop");

        // a stream --stop given while load --stream still loads (held at its first table's TRUNCATE): the load finishes,
        // and the stream, which keeps the request, ends at once
        try (Gate truncate = Gate.lock(target, "items", "LOCK TABLE items IN ACCESS SHARE MODE")) {
            CompletableFuture<Replicator.Result> again = CompletableFuture.supplyAsync(() -> replicator.run("load", "--reset", "--stream"));
            truncate.awaitWaiting(1, again::isDone);
            assertThat(ReplicatorCli.execute("stream", "--stop", "--source.url=" + source, "--source.username=postgres",
                    "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir)).isZero();
            truncate.open();
            Replicator.Result stoppedEarly = again.get(120, TimeUnit.SECONDS);
            assertThat(stoppedEarly.exitCode()).as(stoppedEarly.all()).isZero();
            assertThat(stoppedEarly.out()).contains("keeps the changes for the stream that follows the load", "Load summary",
                    "stopped by stream --stop");
        }
        assertThat(replicator.run("stream", "--drop-slot").exitCode()).isZero();
    }

    private String[] arguments(String source, String target, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--replicator.exclude=loose"));
        return args.toArray(String[]::new);
    }

    /** A table written on the target that records which target transaction wrote each row of items (its name) and notes (its body). */
    private static void recordWritingTransactions(String target) throws Exception {
        TestPostgres.execute(target, "CREATE TABLE written (tx bigint, tag text)",
                "CREATE FUNCTION item_written() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO written VALUES (txid_current(), NEW.name); RETURN NEW; END $$",
                "CREATE FUNCTION note_written() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO written VALUES (txid_current(), NEW.body); RETURN NEW; END $$",
                "CREATE TRIGGER items_written AFTER INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION item_written()",
                "CREATE TRIGGER notes_written AFTER INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION note_written()");
    }

    /**
     * A slot, a load, then a stream running in this JVM that has applied {@code change}: {@code applied} counts
     * {@code rows} on the target (or the stream ended first, which the caller's assertions then show).
     */
    private static CompletableFuture<Replicator.Result> streamingAfterLoad(Replicator streaming, String source, String target,
                                                                           String change, String applied, long rows) throws Exception {
        assertThat(streaming.run("stream", "--create-slot").exitCode()).isZero();
        assertThat(streaming.run("load").exitCode()).isZero();
        TestPostgres.execute(source, change);
        CompletableFuture<Replicator.Result> running = CompletableFuture.supplyAsync(() -> streaming.run("stream"));
        try (Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> running.isDone() || Tables.single(t, applied) == rows);
        }
        return running;
    }
}

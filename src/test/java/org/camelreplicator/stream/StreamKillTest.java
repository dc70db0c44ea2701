package org.camelreplicator.stream;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * kill -9 of a streaming JVM in the middle of a batch, at two exact steps made by gates on the
 * target (a batch's rows half applied; all its rows applied and its offset about to be recorded),
 * while the source goes on writing, also while no stream runs; the stream started again ends with
 * the target equal to the source: nothing lost, nothing applied twice in effect.
 */
class StreamKillTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void killedMidBatchTwiceWhileTheSourceWritesTheRestartedStreamEndsEqualToTheSource() throws Exception {
        String source = TestPostgres.newDatabase("stream_kill_source");
        String target = TestPostgres.newDatabase("stream_kill_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with(settings());
        Replicator.Result slot = replicator.run("stream", "--create-slot");
        assertThat(slot.exitCode()).as(slot.all()).isZero();
        assertThat(replicator.run("load").exitCode()).isZero();
        StreamWorkload workload = new StreamWorkload(source, 15);
        workload.run(60);

        // 1. a batch whose rows are half applied: the upsert of items waits at the row the gate catches
        try (Gate rows = Gate.trigger(target, "items", "BEFORE INSERT OR UPDATE", "NEW.name = 'gate 1'")) {
            ReplicatorProcess first = start(source, target, "1-rows");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .failFast("the stream ended: " + first.output(), () -> !first.alive())
                    .until(() -> applied(target) > 0);
            workload.run(30);
            // one source transaction over both tables, in the batch the gate stops
            long gateTransaction = sourcePosition(source);
            TestPostgres.execute(source, "BEGIN; INSERT INTO notes VALUES ('gate', 1, 'with gate 1'); UPDATE items SET qty = -1 WHERE id = 8;"
                    + " UPDATE items SET name = 'gate 1' WHERE id = 7; COMMIT");
            workload.run(30);
            rows.awaitWaiting(1, () -> !first.alive());
            long appliedBefore = applied(target);
            assertSlotNotAheadOfTheLedger(source, target);
            killWithItsSessions(first, rows);

            try (Connection t = TestPostgres.connect(target)) {
                assertThat(Tables.single(t, "SELECT count(*) FROM notes WHERE code = 'gate'")).as("none of the batch committed").isZero();
                assertThat(Tables.single(t, "SELECT qty FROM items WHERE id = 8")).isNotEqualTo(-1);
            }
            assertThat(applied(target)).isEqualTo(appliedBefore);
            assertThat(appliedPosition(target)).as("the ledger's offset stays before the killed batch").isLessThan(gateTransaction);
            assertThat(first.output()).contains("Streaming changes of 2 table(s)");
        }

        // 2. the source writes while no stream runs; the next stream's first batch has all its rows in and
        // waits to record its offset (the last statement of the batch's transaction)
        workload.run(40);
        try (Gate offset = Gate.trigger(target, "replicator.stream_offsets", "BEFORE UPDATE",
                "NEW.source_offset IS DISTINCT FROM OLD.source_offset")) {
            String recorded = offset(target);
            ReplicatorProcess second = start(source, target, "2-offset");
            offset.awaitWaiting(1, () -> !second.alive());
            assertSlotNotAheadOfTheLedger(source, target);
            killWithItsSessions(second, offset);
            assertThat(offset(target)).as("the offset of the killed batch").isEqualTo(recorded);
            try (Connection t = TestPostgres.connect(target)) {
                assertThat(Tables.single(t, "SELECT count(*) FROM notes WHERE code = 'gate'")).isZero();
            }
        }

        // 3. more writes while down, one transaction larger than a batch; the stream catches up while the source writes on
        workload.bigTransaction(700);
        workload.run(80);
        ReplicatorProcess third = start(source, target, "3-catch-up");
        workload.run(60);
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .failFast("the stream ended: " + third.output(), () -> !third.alive())
                    .until(() -> Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                            && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));
            assertThat(Tables.count(t, "items")).isEqualTo(Tables.count(s, "items"));
            assertThat(Tables.single(t, "SELECT count(*) FROM notes WHERE code = 'gate'")).isOne();
            assertThat(Tables.text(t, "SELECT name FROM items WHERE id = 7")).isEqualTo("gate 1");
        }
        Replicator.Result stop = replicator.run("stream", "--stop");
        assertThat(stop.exitCode()).as(stop.all()).isZero();
        assertThat(third.waitFor(120)).as(third.output()).isZero();
        assertThat(third.output()).contains("stopped by stream --stop");
        // the shared test server keeps no WAL for this test's slot
        assertThat(replicator.run("stream", "--drop-slot").exitCode()).isZero();
    }

    private String[] settings() {
        return new String[] {"--replicator.stream.batch-rows=200", "--replicator.stream.max-latency-ms=100"};
    }

    /** stream in a JVM of its own, which the test can kill. */
    private ReplicatorProcess start(String source, String target, String name) {
        List<String> args = new ArrayList<>(List.of("stream", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir));
        args.addAll(List.of(settings()));
        return ReplicatorProcess.start(dir.resolve(name + ".log"), args);
    }

    private static long sourcePosition(String source) throws SQLException {
        try (Connection s = TestPostgres.connect(source)) {
            return Tables.single(s, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint");
        }
    }

    /** The source position of the last change the ledger records as applied. */
    private static long appliedPosition(String target) throws Exception {
        return ((Number) JSON.readValue(offset(target), Map.class).get("lsn")).longValue();
    }

    /**
     * With a batch in flight, the slot has not confirmed (let the source drop) a position past the ledger's offset: the
     * changes after it are not applied yet. (Once a stream is idle the slot may go further, to WAL that holds none of its
     * changes: the driver confirms a keepalive's position when everything received before it was confirmed.)
     */
    private static void assertSlotNotAheadOfTheLedger(String source, String target) throws Exception {
        Map<?, ?> offset = JSON.readValue(offset(target), Map.class);
        long applied = Math.max(((Number) offset.get("lsn")).longValue(),
                offset.get("lsn_commit") == null ? 0 : ((Number) offset.get("lsn_commit")).longValue());
        String slot;
        try (Connection t = TestPostgres.connect(target)) {
            slot = Tables.text(t, "SELECT slot_name FROM replicator.stream_offsets");
        }
        try (Connection s = TestPostgres.connect(source)) {
            long confirmed = Tables.single(s, "SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint FROM pg_replication_slots"
                    + " WHERE slot_name = '" + slot + "'");
            assertThat(confirmed).as("the slot's confirmed position against the ledger's offset " + offset).isLessThanOrEqualTo(applied);
        }
    }

    /**
     * kill -9, and the end of the process's session waiting at the gate: a statement waiting for a lock
     * lives on in the server until it next talks to its (dead) client, and would still commit once the
     * gate opens.
     */
    private static void killWithItsSessions(ReplicatorProcess p, Gate gate) throws Exception {
        assertThat(p.kill()).isEqualTo(137);
        gate.terminateWaiting();
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

package org.camelreplicator.stream;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
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
 * kill -9 of the streaming JVM after a batch's target transaction (its rows and its offset in the ledger) committed and
 * before the slot took the confirmation of that position. The confirmation is not SQL but a status message on the
 * replication connection, sent by Debezium's offset commit right after the batch, so no lock on either database can hold
 * the JVM between the two. The gate is on the source instead: the walsender that serves the slot is stopped (SIGSTOP)
 * while the batch waits at a target gate, so whatever the JVM sends after the commit is not read; the JVM is killed, and
 * the walsender ended before it could read it. The restarted stream finds the ledger ahead of the slot and applies the
 * batch's changes no second time (a target audit trigger counts each write), and the target equals the source.
 */
class StreamConfirmKillTest {

    @TempDir
    Path dir;

    @Test
    void killedAfterTheTargetCommitAndBeforeTheSlotsConfirmationTheRestartedStreamAppliesNothingTwice() throws Exception {
        String source = TestPostgres.newDatabase("stream_confirm_source");
        String target = TestPostgres.newDatabase("stream_confirm_target");
        TestPostgres.execute(source, StreamWorkload.SCHEMA);
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with(settings());
        Replicator.Result slot = replicator.run("stream", "--create-slot");
        assertThat(slot.exitCode()).as(slot.all()).isZero();
        assertThat(replicator.run("load").exitCode()).isZero();
        // every write the stream makes to items, with the counter it wrote
        TestPostgres.execute(target, "CREATE TABLE applied (id int, op text, qty int, name text)",
                "CREATE FUNCTION item_applied() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO applied VALUES (NEW.id, TG_OP, NEW.qty, NEW.name); RETURN NULL; END $$",
                "CREATE TRIGGER item_applied AFTER INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION item_applied()");
        StreamWorkload workload = new StreamWorkload(source, 23);
        workload.run(40);

        long walsender;
        long confirmedBefore;
        try (Gate batch = Gate.trigger(target, "items", "BEFORE UPDATE", "NEW.name = 'gate'")) {
            ReplicatorProcess first = start(source, target, "1-killed");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .failFast("the stream ended: " + first.output(), () -> !first.alive())
                    .until(() -> applied(target) > 0);
            // the batch: a counter incremented on two rows and a row of the other table, in one source transaction
            TestPostgres.execute(source, "BEGIN; UPDATE items SET qty = qty + 1, name = 'gate' WHERE id = 7;"
                    + " UPDATE items SET qty = qty + 1 WHERE id = 8; INSERT INTO notes VALUES ('gate', 1, 'with the gate'); COMMIT");
            batch.awaitWaiting(1, () -> !first.alive());
            // the walsender has sent the batch; from now on it reads nothing the JVM sends
            walsender = walsender(source, slotName(target));
            confirmedBefore = confirmed(source, slotName(target));
            signal("STOP", walsender);
            try {
                String offsetBefore = offset(target);
                batch.open();
                try (Connection t = TestPostgres.connect(target)) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                            .failFast("the stream ended: " + first.output(), () -> !first.alive())
                            .until(() -> Tables.single(t, "SELECT count(*) FROM applied WHERE id = 7 AND name = 'gate'") == 1
                                    && !offset(target).equals(offsetBefore));
                }
                // the window: the batch and its offset are on the target, the slot has not confirmed them
                assertThat(confirmed(source, slotName(target))).isEqualTo(confirmedBefore).isLessThan(ledgerLsn(target));
                assertThat(first.kill()).isEqualTo(137);
                // ended before it reads what the killed JVM sent: SIGTERM is acted on before replies are read
                try (Connection s = TestPostgres.connect(source)) {
                    assertThat(Tables.single(s, "SELECT count(pg_terminate_backend(" + walsender + "))")).isOne();
                }
            } finally {
                signal("CONT", walsender);
            }
        }
        try (Connection s = TestPostgres.connect(source)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Tables.single(s, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + walsender) == 0);
        }
        assertThat(confirmed(source, slotName(target))).as("the slot never took the confirmation of the committed batch")
                .isEqualTo(confirmedBefore).isLessThan(ledgerLsn(target));

        workload.run(40);
        ReplicatorProcess second = start(source, target, "2-restarted");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .failFast("the stream ended: " + second.output(), () -> !second.alive())
                    .until(() -> Tables.contentHash(t, "items", "id").equals(Tables.contentHash(s, "items", "id"))
                            && Tables.contentHash(t, "notes", "code, part").equals(Tables.contentHash(s, "notes", "code, part")));
            assertThat(Tables.single(t, "SELECT count(*) FROM applied WHERE id = 7 AND name = 'gate'"))
                    .as("writes of the committed batch's row, once before the kill and none after").isOne();
            assertThat(Tables.single(t, "SELECT count(*) FROM applied WHERE id = 8 AND qty = "
                    + Tables.single(s, "SELECT qty FROM items WHERE id = 8"))).isOne();
            assertThat(Tables.single(t, "SELECT qty FROM items WHERE id = 7")).isEqualTo(Tables.single(s, "SELECT qty FROM items WHERE id = 7"));
            assertThat(Tables.single(t, "SELECT count(*) FROM notes WHERE code = 'gate'")).isOne();
        }
        Replicator.Result stop = replicator.run("stream", "--stop");
        assertThat(stop.exitCode()).as(stop.all()).isZero();
        assertThat(second.waitFor(120)).as(second.output()).isZero();
        assertThat(replicator.run("stream", "--drop-slot").exitCode()).isZero();
    }

    private static String[] settings() {
        return new String[] {"--replicator.stream.batch-rows=200", "--replicator.stream.max-latency-ms=100"};
    }

    private ReplicatorProcess start(String source, String target, String name) {
        List<String> args = new ArrayList<>(List.of("stream", "--source.url=" + source, "--source.username=postgres",
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dir));
        args.addAll(List.of(settings()));
        return ReplicatorProcess.start(dir.resolve(name + ".log"), args);
    }

    /** SIGSTOP or SIGCONT to a server process of the test's own PostgreSQL. */
    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
    }

    private static String slotName(String target) throws SQLException {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.text(t, "SELECT slot_name FROM replicator.stream_offsets");
        }
    }

    private static long walsender(String source, String slot) throws SQLException {
        try (Connection s = TestPostgres.connect(source)) {
            return Tables.single(s, "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active");
        }
    }

    private static long confirmed(String source, String slot) throws SQLException {
        try (Connection s = TestPostgres.connect(source)) {
            return Tables.single(s, "SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint FROM pg_replication_slots"
                    + " WHERE slot_name = '" + slot + "'");
        }
    }

    /** The source position the ledger records as applied (the last change's LSN). */
    private static long ledgerLsn(String target) throws Exception {
        return ((Number) new com.fasterxml.jackson.databind.ObjectMapper().readValue(offset(target), java.util.Map.class).get("lsn"))
                .longValue();
    }

    private static long applied(String target) throws SQLException {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, "SELECT changes_applied FROM replicator.stream_offsets");
        }
    }

    private static String offset(String target) throws SQLException {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.text(t, "SELECT coalesce(source_offset, '') FROM replicator.stream_offsets");
        }
    }
}

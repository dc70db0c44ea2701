package org.camelreplicator.ledger;

import java.nio.file.Path;
import java.sql.Connection;
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

/**
 * kill -9 in the middle of a load into a partitioned table (replicator.table.<t>.partition-by): the
 * partitions were created with the chunk plan, before any chunk; each month chunk and its done mark
 * committed together, so the target holds exactly the done months; load --resume finds the partitions,
 * copies only the months that were not done, and ends with an exact copy.
 */
class PartitionedResumeTest {

    @TempDir
    Path dir;

    @Test
    void aLoadIntoPartitionsKilledMidwayResumesToAnExactCopyWithoutCopyingADoneMonthAgain() throws Exception {
        String source = TestPostgres.newDatabase("partition_kill_source");
        String target = TestPostgres.newDatabase("partition_kill_target");
        TestPostgres.execute(source,
                "CREATE TABLE events (id bigint NOT NULL, happened_at timestamp NOT NULL, kind text, PRIMARY KEY (id, happened_at))",
                "INSERT INTO events SELECT g, timestamp '2022-01-01' + (g % 730) * interval '1 day' + (g % 86400) * interval '1 second',"
                        + " 'kind ' || g % 7 FROM generate_series(1, 50000) g");
        List<String> settings = List.of("--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--workers=1",
                "--replicator.table.events.partition-by=happened_at:month");
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--replicator.table.events.partition-by=happened_at:month");
        // the table first (with its DEFAULT partition), so the gate's row trigger is on it, and cloned to each partition the load adds
        assertThat(replicator.run("schema").exitCode()).isZero();

        List<List<String>> doneBefore;
        try (Gate copy = Gate.trigger(target, "events", "BEFORE INSERT", "NEW.happened_at >= timestamp '2023-01-01'")) {
            List<String> args = new ArrayList<>(List.of("load"));
            args.addAll(settings);
            ReplicatorProcess p = ReplicatorProcess.start(dir.resolve("killed.log"), args);
            // one worker, months in order: the 2023-01 chunk's COPY into its partition waits, every 2022 month has committed
            copy.awaitWaiting(1, () -> !p.alive());
            try (Connection t = TestPostgres.connect(target)) {
                assertThat(Tables.single(t, "SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'events'::regclass"))
                        .as("24 months and DEFAULT, created before the first chunk").isEqualTo(25);
                doneBefore = Tables.rows(t, "SELECT chunk_no, rows_copied, finished_at FROM replicator.chunks WHERE status = 'done' ORDER BY 1");
            }
            assertThat(p.kill()).isEqualTo(137);
            copy.terminateWaiting();
        }
        assertThat(doneBefore).as("the twelve months of 2022").hasSize(12);
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "events")).as("the target holds exactly the done months")
                    .isEqualTo(doneBefore.stream().mapToLong(r -> Long.parseLong(r.get(1))).sum());
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM events WHERE happened_at >= timestamp '2023-01-01'")).isZero();
        }
        Replicator.Result resumed = replicator.run("load", "--resume");

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "events")).isEqualTo(50_000);
            assertThat(Tables.contentHash(t, "events", "id")).isEqualTo(Tables.contentHash(s, "events", "id"));
            assertThat(Tables.rows(t, "SELECT tableoid::regclass::text, COUNT(*) FROM events GROUP BY 1 ORDER BY 1"))
                    .isEqualTo(Tables.rows(s, "SELECT 'events_y' || to_char(happened_at, 'YYYY') || 'm' || to_char(happened_at, 'MM'),"
                            + " COUNT(*) FROM events GROUP BY 1 ORDER BY 1"));
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'events'::regclass")).isEqualTo(25);
            assertThat(Tables.rows(t, "SELECT run_id, status FROM replicator.runs")).containsExactly(List.of("1", "done"));
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE status <> 'done'")).isZero();
            List<List<String>> after = Tables.rows(t, "SELECT chunk_no, rows_copied, finished_at FROM replicator.chunks ORDER BY 1");
            assertThat(after).as("the months done before the kill were not copied again").containsAll(doneBefore);
        }
    }
}

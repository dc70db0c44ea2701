package org.camelreplicator.sync;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long catch-up in windows (replicator.sync.window, window-ids): each window commits its rows with
 * its watermark, so a sync that fails half-way keeps what it committed and the next one goes on from there.
 */
class SyncCatchUpTest {

    @TempDir
    Path dir;

    @Test
    void monthByMonthCatchUpKeepsTheMonthsItCommittedWhenALaterMonthFails() throws Exception {
        String source = TestPostgres.newDatabase("catchup_source");
        String target = TestPostgres.newDatabase("catchup_target");
        TestPostgres.execute(source, "CREATE TABLE orders (id int PRIMARY KEY, amount numeric(10,2) NOT NULL, updated_at timestamp NOT NULL)",
                "INSERT INTO orders SELECT g, g / 10.0, localtimestamp - interval '1 year' FROM generate_series(1, 12000) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--replicator.sync.watermark=updated_at", "--replicator.sync.overlap-seconds=0", "--replicator.sync.window=month");
        assertThat(replicator.run("load").exitCode()).isZero();
        // changes in each of the 8 months before this one: 100 rows per month, ids k*1000+1 .. k*1000+100
        List<String> changes = new ArrayList<>();
        for (int k = 1; k <= 8; k++) {
            changes.add("UPDATE orders SET amount = amount + 1, updated_at = date_trunc('month', localtimestamp) - interval '" + k
                    + " months' + interval '9 days 12 hours' WHERE id BETWEEN " + (k * 1000 + 1) + " AND " + (k * 1000 + 100));
        }
        // a row the target refuses, in the month 4 months back: the 4 older months commit before it
        changes.add("UPDATE orders SET amount = -1 WHERE id = 4050");
        TestPostgres.execute(source, changes.toArray(String[]::new));
        TestPostgres.execute(target, "ALTER TABLE orders ADD CONSTRAINT no_refunds CHECK (amount <> -1)");

        Replicator.Result failed = replicator.run("sync");

        assertThat(failed.exitCode()).as(failed.all()).isNotZero();
        assertThat(failed.all()).contains("catching up in 8 windows",
                "public.orders: Upserting the changed rows of public.orders into public.orders on (id) failed", "no_refunds");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT watermark FROM replicator.sync_state"))
                    .as("advanced to the end of the last month that committed")
                    .isEqualTo("T:" + Tables.text(s, "SELECT to_char(date_trunc('month', localtimestamp) - interval '4 months',"
                            + " 'YYYY-MM-DD\"T\"HH24:MI')"));
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM orders WHERE amount <> id / 10.0"))
                    .as("the 4 committed months' 400 changed rows, nothing of later months").isEqualTo(400);
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM orders WHERE amount <> id / 10.0 AND id BETWEEN 5001 AND 8100"))
                    .isEqualTo(400);
        }

        TestPostgres.execute(target, "ALTER TABLE orders DROP CONSTRAINT no_refunds");
        Replicator.Result resumed = replicator.run("sync");

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.all()).contains("catching up in 4 windows");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "orders", "id")).isEqualTo(Tables.contentHash(s, "orders", "id"));
            assertThat(Tables.single(t, "SELECT rows_copied FROM replicator.tables WHERE run_id = 3"))
                    .as("only the 4 months not committed before were read").isEqualTo(400);
        }
    }

    @Test
    void anInsertOnlyTableSyncsByItsGrowingIdInWindowsOfIdsOrAllAtOnce() throws Exception {
        String source = TestPostgres.newDatabase("catchup_id_source");
        String target = TestPostgres.newDatabase("catchup_id_target");
        TestPostgres.execute(source, "CREATE TABLE events (id bigint PRIMARY KEY, kind text)",
                "INSERT INTO events SELECT g, 'boot' FROM generate_series(1, 3000) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--replicator.table.events.sync.watermark=id", "--replicator.sync.overlap-ids=10");
        assertThat(replicator.run("load").exitCode()).isZero();
        TestPostgres.execute(source, "INSERT INTO events SELECT g, 'click' FROM generate_series(3001, 3500) g");

        Replicator.Result windows = replicator.run("sync", "--replicator.sync.window-ids=100");

        assertThat(windows.exitCode()).as(windows.all()).isZero();
        // from 2991 (10 below the watermark): ends 3090, 3190, 3290, 3390, 3490, then the rest
        assertThat(windows.all()).contains("catching up in 6 windows");
        TestPostgres.execute(source, "INSERT INTO events SELECT g, 'scroll' FROM generate_series(3501, 3600) g");
        Replicator.Result allAtOnce = replicator.run("sync");
        assertThat(allAtOnce.exitCode()).as(allAtOnce.all()).isZero();
        assertThat(allAtOnce.all()).doesNotContain("catching up in");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "events", "id")).isEqualTo(Tables.contentHash(s, "events", "id"));
            assertThat(Tables.rows(t, "SELECT rows_copied FROM replicator.tables WHERE run_id > 1 ORDER BY run_id"))
                    .as("new rows and the 10 below the watermark read again, each time")
                    .containsExactly(List.of("510"), List.of("110"));
            assertThat(Tables.text(t, "SELECT watermark FROM replicator.sync_state")).isEqualTo("l:3600");
        }
    }

    @Test
    void aWindowThatIsNotOneIsNamed() {
        Replicator.Result r = Replicator.execute("sync", "--replicator.sync.window=fortnight");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("replicator.sync.window", "fortnight", "PT6H");
    }
}

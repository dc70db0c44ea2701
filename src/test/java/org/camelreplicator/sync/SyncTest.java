package org.camelreplicator.sync;

import java.nio.file.Path;
import java.sql.Connection;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** sync after a load, PostgreSQL to PostgreSQL: inserts, updates and deletes arrive exactly; unchanged tables are not read. */
class SyncTest {

    @TempDir
    Path dir;

    @Test
    void insertsUpdatesAndDeletesAfterALoadReachTheTargetExactly() throws Exception {
        String source = TestPostgres.newDatabase("sync_source");
        String target = TestPostgres.newDatabase("sync_target");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", 20_000);
        }
        TestPostgres.execute(source, "ALTER TABLE items ADD COLUMN updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day'",
                "CREATE TABLE notes (id int PRIMARY KEY, body text, updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day')",
                "INSERT INTO notes (id, body) SELECT g, 'note ' || g FROM generate_series(1, 100) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--replicator.sync.watermark=updated_at", "--replicator.table.items.sync.deletes=reconcile",
                        "--replicator.sync.overlap-seconds=0");
        assertThat(replicator.run("load").exitCode()).isZero();

        TestPostgres.execute(source,
                "INSERT INTO items (id, code, name, updated_at) SELECT g, 'N-' || g, 'new ' || g, localtimestamp FROM generate_series(20001, 20100) g",
                "UPDATE items SET price = price + 1, tags = ARRAY['changed'], updated_at = localtimestamp WHERE id BETWEEN 101 AND 150",
                "UPDATE items SET name = 'first change', updated_at = localtimestamp WHERE id BETWEEN 201 AND 210",
                "UPDATE items SET name = 'second change', attrs = '{\"twice\": true}', updated_at = localtimestamp WHERE id BETWEEN 201 AND 210",
                "DELETE FROM items WHERE id BETWEEN 301 AND 330");

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        assertThat(sync.out()).contains("Sync summary", "1 synced, 1 unchanged, 0 failed", "Rows deleted (gone from the source): 30");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(20_070);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            assertThat(Tables.contentHash(t, "notes", "id")).isEqualTo(Tables.contentHash(s, "notes", "id"));
            assertThat(Tables.rows(t, "SELECT table_name, status, rows_copied FROM replicator.tables WHERE run_id = 2 ORDER BY 1"))
                    .as("only the 160 changed rows were read").containsExactly(
                            java.util.List.of("public.items", "done", "160"), java.util.List.of("public.notes", "unchanged", "0"));
            assertThat(Tables.single(t, "SELECT rows_deleted FROM replicator.sync_state WHERE table_name = 'public.items'")).isEqualTo(30);
        }

        Replicator.Result again = replicator.run("sync");
        assertThat(again.exitCode()).as(again.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT string_agg(status, ',' ORDER BY table_name) FROM replicator.tables WHERE run_id = 3"))
                    .as("nothing changed since: both tables only probed").isEqualTo("unchanged,unchanged");
        }
    }
}

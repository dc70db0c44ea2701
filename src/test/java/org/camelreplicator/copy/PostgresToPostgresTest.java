package org.camelreplicator.copy;

import java.nio.file.Path;
import java.sql.Connection;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A generated 200,000-row table with every common kind of value, PostgreSQL to PostgreSQL, in parallel chunks. */
class PostgresToPostgresTest {

    static final long ROWS = 200_000;

    @TempDir
    static Path dataDir;

    static String source;
    static String target;
    static Replicator.Result load;

    @BeforeAll
    static void copy() throws Exception {
        source = TestPostgres.newDatabase("p2p_source");
        target = TestPostgres.newDatabase("p2p_target");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", ROWS);
        }
        load = Replicator.between(source, "postgres", target, dataDir).run("load", "--chunk-rows=30000", "--workers=3");
    }

    @Test
    void everyRowArrivesOnceWithTheSameContent() throws Exception {
        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(ROWS);
            assertThat(Tables.single(t, "SELECT COUNT(DISTINCT id) FROM items")).isEqualTo(ROWS);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
        }
    }

    @Test
    void columnTypesAreTheSourceTypes() throws Exception {
        String types = "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)"
                + " FROM pg_attribute WHERE attrelid = 'items'::regclass AND attnum > 0";
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, types)).isEqualTo(Tables.text(s, types))
                    .contains("price numeric(12,2)", "tags text[]", "attrs jsonb", "ref uuid", "created_at timestamp with time zone");
        }
    }

    @Test
    void theBigTableIsSplitIntoChunksOfAboutChunkRows() throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE table_name = 'public.items' AND status = 'done'"))
                    .isEqualTo(7);
            assertThat(Tables.single(t, "SELECT MAX(rows_copied) FROM replicator.chunks")).isLessThanOrEqualTo(30_000);
        }
    }

    @Test
    void runningTheLoadAgainLeavesEachRowOnce() throws Exception {
        Replicator.Result again = Replicator.between(source, "postgres", target, dataDir).run("load", "--chunk-rows=30000");
        assertThat(again.exitCode()).as(again.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(ROWS);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
        }
    }
}

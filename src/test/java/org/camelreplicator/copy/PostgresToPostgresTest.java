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

    @Test
    void enumsDomainsRangesAndIntervalsKeepTheirTypesAndValues() throws Exception {
        String src = TestPostgres.newDatabase("p2p_types_source");
        String dst = TestPostgres.newDatabase("p2p_types_target");
        try (Connection c = TestPostgres.connect(src); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
            st.execute("CREATE DOMAIN positive_amount AS numeric(10,2) NOT NULL CHECK (VALUE > 0)");
            st.execute("CREATE TABLE feelings (id int PRIMARY KEY, mood mood, moods mood[], amount positive_amount,"
                    + " during tstzrange, took interval)");
            st.execute("INSERT INTO feelings VALUES (1, 'happy', '{sad,ok}', 12.50, '[2024-01-01 10:00+00,2024-01-02 00:00+00)', '1 day 02:03:04'),"
                    + " (2, 'sad', '{}', 0.01, 'empty', '-3 months')");
        }
        Replicator.Result r = Replicator.between(src, "postgres", dst, dataDir).run("load");
        assertThat(r.exitCode()).as(r.all()).isZero();
        String types = "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)"
                + " FROM pg_attribute WHERE attrelid = 'feelings'::regclass AND attnum > 0";
        try (Connection s = TestPostgres.connect(src); Connection t = TestPostgres.connect(dst)) {
            assertThat(Tables.text(t, types)).isEqualTo(Tables.text(s, types))
                    .isEqualTo("id integer, mood mood, moods mood[], amount positive_amount, during tstzrange, took interval");
            assertThat(Tables.contentHash(t, "feelings", "id")).isEqualTo(Tables.contentHash(s, "feelings", "id"));
            assertThat(Tables.text(t, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = 'positive_amount'::regtype AND contype = 'c'"))
                    .isEqualTo("CHECK ((VALUE > (0)::numeric))");
        }
    }
}

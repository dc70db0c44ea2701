package org.camelreplicator.copy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL to PostgreSQL, a load passes rows in binary COPY format where the target columns have
 * the source's types, and falls back to COPY text where they do not.
 */
class BinaryCopyTest {

    static final String TABLE = """
            CREATE TABLE t (id bigint PRIMARY KEY, n integer, s smallint, ts timestamp(3), tz timestamptz, d date,
                            amount numeric(12,2), x double precision, name varchar(64), note text, flag boolean,
                            code char(5), u uuid, b bytea, j jsonb, i interval)""";

    @TempDir
    Path dir;

    @Test
    void sameTypesGoInBinaryAndArriveExactly() throws Exception {
        String source = sourceWithRows("binary_same");
        String target = TestPostgres.newDatabase("binary_same_target");
        Replicator.Result load = Replicator.between(source, "postgres", target, dir).run("load", "--chunk-rows=700", "--batch-rows=100");
        assertThat(load.exitCode()).as(load.all()).isZero();
        assertSameRows(source, target);
    }

    @Test
    void aTargetColumnOfAnotherTypeGetsTheRowsAsText() throws Exception {
        String source = sourceWithRows("binary_other");
        String target = TestPostgres.newDatabase("binary_other_target");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        // binary integer or timestamp data would not load into these columns; their text does
        TestPostgres.execute(target, "ALTER TABLE t ALTER COLUMN n TYPE bigint", "ALTER TABLE t ALTER COLUMN d TYPE text");
        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT id, n, d FROM t ORDER BY id")).isEqualTo(Tables.rows(s, "SELECT id, n, d FROM t ORDER BY id"));
        }
    }

    @Test
    void aRowTheTargetRefusesIsNamedByItsKey() throws Exception {
        String source = sourceWithRows("binary_refused");
        String target = TestPostgres.newDatabase("binary_refused_target");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        TestPostgres.execute(target, "ALTER TABLE t ADD CONSTRAINT small CHECK (n < 1234 * 7)");
        Replicator.Result load = replicator.run("load", "--batch-rows=100");
        assertThat(load.exitCode()).isEqualTo(1);
        assertThat(load.out()).contains("failed public.t", "row (id=1234)", "violates check constraint");
    }

    @Test
    void binaryMessagesAreCountedAsRowsWithoutTheHeaderAndTrailer() throws IOException {
        byte[] header = header();
        byte[] row = row(42L, "x");
        assertThat(ChunkReader.binaryRows(concat(header, row))).isEqualTo(1);
        assertThat(ChunkReader.binaryRows(row)).isEqualTo(1);
        assertThat(ChunkReader.binaryRows(header)).isZero();
        assertThat(ChunkReader.binaryRows(new byte[] {(byte) 0xFF, (byte) 0xFF})).isEqualTo(-1);
        assertThat(ChunkReader.binaryRows(concat(header, new byte[] {(byte) 0xFF, (byte) 0xFF}))).as("no rows at all").isEqualTo(-1);
    }

    @Test
    void aBinaryBatchShowsTheValuesOfARow() throws IOException {
        byte[] data = concat(header(), concat(row(1L, "first"), row(2L, "second")));
        CopyBinaryBatch batch = new CopyBinaryBatch(data, data.length, 2);
        List<ColumnSpec> columns = List.of(new ColumnSpec("id", Types.BIGINT, "bigint", 19, 0, false, null, false),
                new ColumnSpec("name", Types.VARCHAR, "character varying(64)", 64, 0, true, null, false));
        assertThat(batch.values(1, columns)).containsExactly(2L, "second");
        assertThat(batch.values(0, columns)).containsExactly(1L, "first");
    }

    private static String sourceWithRows(String name) throws Exception {
        String source = TestPostgres.newDatabase(name);
        try (Connection c = TestPostgres.connect(source); Statement st = c.createStatement()) {
            st.execute(TABLE);
            st.execute("""
                    INSERT INTO t SELECT g, g * 7, (g % 30000)::smallint, timestamp '2020-01-01 00:00:00.123' + g * interval '1 hour',
                           timestamptz '2020-01-01 00:00:00+02' + g * interval '1 minute', date '1999-12-31' + g::int,
                           g / 100.0, g / 3.0, 'name ' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE repeat('é\\t', g::int % 5) END,
                           g % 2 = 0, lpad((g % 1000)::text, 5, '0'), md5(g::text)::uuid, decode(md5(g::text), 'hex'),
                           jsonb_build_object('g', g), g * interval '1 second'
                      FROM generate_series(1, 3000) g""");
        }
        return source;
    }

    private static void assertSameRows(String source, String target) throws Exception {
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "t")).isEqualTo(3000);
            assertThat(Tables.contentHash(t, "t", "id")).isEqualTo(Tables.contentHash(s, "t", "id"));
        }
    }

    private static byte[] header() {
        byte[] h = new byte[19];
        System.arraycopy("PGCOPY\n".getBytes(StandardCharsets.US_ASCII), 0, h, 0, 7);
        h[7] = (byte) 0xFF;
        h[8] = '\r';
        h[9] = '\n';
        return h;
    }

    private static byte[] row(long id, String name) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        out.writeShort(2);
        out.writeInt(8);
        out.writeLong(id);
        out.writeInt(text.length);
        out.write(text);
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

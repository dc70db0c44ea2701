package org.camelreplicator.copy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.Dialects;
import org.camelreplicator.plan.TablePlan;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Values encoded in binary COPY arrive as the same values written in COPY text: numeric's edges included. */
class CopyBinaryEncoderTest {

    static final List<String> TYPES = List.of("bigint", "integer", "smallint", "numeric(20,4)", "numeric", "double precision", "real",
            "boolean", "varchar(20)", "text", "char(5)", "date", "timestamp", "timestamptz", "time", "uuid", "bytea");

    @Test
    void binaryRowsEqualTheSameRowsInCopyText() throws Exception {
        String url = TestPostgres.newDatabase("binary_encoder");
        String columns = String.join(", ", TYPES.stream().map(t -> "c" + TYPES.indexOf(t) + " " + t).toList());
        TestPostgres.execute(url, "CREATE TABLE as_text (" + columns + ")", "CREATE TABLE as_binary (" + columns + ")");
        String[] numerics = {"0", "0.5", "-12345.6789", "10000", "0.0001", "99999999999999.9999", "-0.0100", "1", "123456789012"};
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < numerics.length; i++) {
            BigDecimal n = new BigDecimal(numerics[i]);
            rows.add(new Object[] {Long.MIN_VALUE + i, -i * 1000, (short) i, n, n.movePointLeft(3), i / 3.0, i / 7f, i % 2 == 0,
                    "näme " + i, i == 3 ? null : "text\t" + i, "ab" + i, LocalDate.of(1999, 12, 31).plusDays(i * 400L),
                    LocalDateTime.of(1970, 1, 1, 0, 0, 0, 123_456_000).plusDays(i * 1000L),
                    OffsetDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000, ZoneOffset.ofHours(i - 4)), LocalTime.of(i, 30, 15, 500_000),
                    new UUID(i, -i), new byte[] {(byte) i, 0, (byte) 255}});
        }
        try (Connection c = TestPostgres.connect(url)) {
            Dialect dialect = Dialects.of(c);
            PgCopyWriter writer = new PgCopyWriter(dialect);
            writer.write(c, plan("as_text"), new RowBatch(rows), WriteOptions.STRICT);
            CopyBinaryEncoder encoder = new CopyBinaryEncoder(TYPES);
            encoder.header();
            rows.forEach(encoder::row);
            BatchWriter.ChunkWrite binary = writer.open(c, plan("as_binary"), WriteOptions.STRICT);
            binary.write(encoder.take());
            binary.finish();

            assertThat(Tables.single(c, "SELECT COUNT(*) FROM as_binary")).isEqualTo(numerics.length);
            assertThat(Tables.rows(c, "SELECT * FROM as_binary EXCEPT ALL SELECT * FROM as_text")).isEmpty();
            assertThat(Tables.text(c, "SELECT string_agg(c3::text, ' ' ORDER BY c0) FROM as_binary"))
                    .isEqualTo("0.0000 0.5000 -12345.6789 10000.0000 0.0001 99999999999999.9999 -0.0100 1.0000 123456789012.0000");
        }
    }

    private static TablePlan plan(String table) {
        List<ColumnSpec> columns = new ArrayList<>();
        for (int i = 0; i < TYPES.size(); i++) {
            columns.add(new ColumnSpec("c" + i, java.sql.Types.OTHER, TYPES.get(i), 0, 0, true, null, false));
        }
        return new TablePlan(0, new TableSpec(null, "public", table, columns, List.of(), -1), "public", table,
                columns.stream().map(ColumnSpec::name).toList());
    }
}

package org.camelreplicator.copy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every value the encoder writes is read back from a real PostgreSQL exactly as it went in: the
 * only judge of the COPY text format is the server that parses it.
 */
class CopyTextEncoderTest {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static String database;

    @BeforeAll
    static void createDatabase() {
        database = TestPostgres.newDatabase("copy_text_encoder");
    }

    @Test
    void textWithCopyControlCharactersRoundTripsExactly() throws SQLException {
        List<String> values = Arrays.asList(
                "tab\there",
                "line\nbreak",
                "carriage\rreturn and crlf\r\n",
                "back\\slash",
                "\\N",
                "\\.",
                "\\t is not a tab",
                "ends with a backslash\\",
                "\u0001\u0008\u000B\u000C\u001B\u007F",
                "plain text");

        assertThat(roundTrip("text", (rs, i) -> rs.getString(i), values.toArray())).containsExactlyElementsOf(values);
    }

    @Test
    void emptyStringAndNullStayDistinct() throws SQLException {
        List<String> back = roundTrip("text", (rs, i) -> rs.getString(i), "", null, "\\N");

        assertThat(back).containsExactly("", null, "\\N");
    }

    @Test
    void nonAsciiAndFourByteCharactersRoundTripExactly() throws SQLException {
        List<String> values = List.of(
                "naïve café",
                "Größe",
                "顧客 Ωμέγα Кириллица עברית",
                "emoji 😀 and clef 𝄞 and 𠀋",
                "😀",
                "\u07FF\u0800\uFFFD\uFEFF\uFFFF",
                "😀".repeat(20_000));

        assertThat(roundTrip("text", (rs, i) -> rs.getString(i), values.toArray())).containsExactlyElementsOf(values);
    }

    @Test
    void byteaWithEveryByteValueRoundTripsExactly() throws SQLException {
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }

        List<byte[]> back = roundTrip("bytea", (rs, i) -> rs.getBytes(i), all, new byte[0], null);

        assertThat(back).hasSize(3);
        assertThat(back.get(0)).containsExactly(all);
        assertThat(back.get(1)).isEmpty();
        assertThat(back.get(2)).isNull();
    }

    @Test
    void numericWithManyDigitsRoundTripsWithItsScale() throws SQLException {
        List<BigDecimal> values = List.of(
                new BigDecimal("12345678901234567890123456789012345678901234567890.123456789012345678901234567890"),
                new BigDecimal("-0.000000000000000000000000000000000001"),
                new BigDecimal("123.4500"),
                new BigDecimal("0"));

        assertThat(roundTrip("numeric", (rs, i) -> rs.getBigDecimal(i), values.toArray())).containsExactlyElementsOf(values);
    }

    @Test
    void numericWithNegativeScaleIsWrittenInFull() throws SQLException {
        List<BigDecimal> back = roundTrip("numeric", (rs, i) -> rs.getBigDecimal(i), new BigDecimal("1E+30"), null);

        assertThat(back.get(0)).isEqualTo(new BigDecimal("1000000000000000000000000000000"));
        assertThat(back.get(1)).isNull();
    }

    @Test
    void doublesRoundTripBitForBit() throws SQLException {
        double[] values = {0.1 + 0.2, 1e-300, Double.MAX_VALUE, Double.MIN_NORMAL, -0.0, 0.0,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 12345.678901234567};
        Object[] boxed = Arrays.stream(values).boxed().toArray();

        List<Double> back = roundTrip("double precision", (rs, i) -> rs.getObject(i, Double.class), boxed);

        assertThat(back).hasSize(values.length);
        for (int i = 0; i < values.length; i++) {
            assertThat(Double.doubleToRawLongBits(back.get(i))).as("%s came back as %s", values[i], back.get(i))
                    .isEqualTo(Double.doubleToRawLongBits(values[i]));
        }
    }

    @Test
    void integersRoundTripAtTheirExtremes() throws SQLException {
        List<Long> back = roundTrip("bigint", (rs, i) -> rs.getObject(i, Long.class),
                Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, (short) -32768, (byte) 127, null);

        assertThat(back).containsExactly(Long.MIN_VALUE, Long.MAX_VALUE, (long) Integer.MIN_VALUE, -32768L, 127L, null);
    }

    @Test
    void booleansRoundTrip() throws SQLException {
        assertThat(roundTrip("boolean", (rs, i) -> rs.getObject(i, Boolean.class), true, false, null))
                .containsExactly(true, false, null);
    }

    @Test
    void datesRoundTrip() throws SQLException {
        List<LocalDate> values = Arrays.asList(
                LocalDate.of(2024, 2, 29), LocalDate.of(1970, 1, 1), LocalDate.of(1, 1, 1),
                LocalDate.of(1582, 10, 10), LocalDate.of(9999, 12, 31), null);

        assertThat(roundTrip("date", (rs, i) -> rs.getObject(i, LocalDate.class), values.toArray()))
                .containsExactlyElementsOf(values);
    }

    @Test
    void datesBeforeYearOneAndAfter9999RoundTripInPostgresEraNotation() throws SQLException {
        List<LocalDate> values = Arrays.asList(
                LocalDate.of(0, 12, 31), LocalDate.of(-43, 3, 15), LocalDate.of(10_000, 1, 1), LocalDate.of(5_874_897, 12, 31));

        assertThat(roundTrip("date", (rs, i) -> rs.getObject(i, LocalDate.class), values.toArray()))
                .containsExactlyElementsOf(values);
    }

    @Test
    void infinityReadByPgjdbcIsWrittenBackAsInfinity() throws SQLException {
        List<LocalDateTime> timestamps = Arrays.asList(LocalDateTime.MAX, LocalDateTime.MIN, LocalDateTime.of(-100, 1, 1, 12, 0));
        assertThat(roundTrip("timestamp", (rs, i) -> rs.getObject(i, LocalDateTime.class), timestamps.toArray()))
                .containsExactlyElementsOf(timestamps);
        assertThat(roundTrip("date", (rs, i) -> rs.getString(i), LocalDate.MAX, LocalDate.MIN))
                .containsExactly("infinity", "-infinity");
        assertThat(roundTrip("timestamptz", (rs, i) -> rs.getString(i), OffsetDateTime.MAX, OffsetDateTime.MIN))
                .containsExactly("infinity", "-infinity");
    }

    @Test
    void timestampsWithMicrosecondsRoundTripExactly() throws SQLException {
        List<LocalDateTime> values = Arrays.asList(
                LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000),
                LocalDateTime.of(2024, 1, 2, 0, 0),
                LocalDateTime.of(2024, 3, 31, 2, 30),
                LocalDateTime.of(1900, 12, 31, 23, 59, 59, 999_999_000),
                null);

        assertThat(roundTrip("timestamp", (rs, i) -> rs.getObject(i, LocalDateTime.class), values.toArray()))
                .containsExactlyElementsOf(values);
    }

    @Test
    void timestampNanosecondsAreRoundedToPostgresMicroseconds() throws SQLException {
        List<LocalDateTime> back = roundTrip("timestamp", (rs, i) -> rs.getObject(i, LocalDateTime.class),
                LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_789));

        assertThat(back).containsExactly(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_457_000));
    }

    @Test
    void timestampsWithOffsetKeepTheirInstant() throws SQLException {
        List<OffsetDateTime> values = List.of(
                OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.ofHoursMinutes(5, 30)),
                OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.ofHours(-8)),
                OffsetDateTime.of(2024, 6, 1, 12, 0, 0, 0, ZoneOffset.UTC));

        List<OffsetDateTime> back = roundTrip("timestamptz", (rs, i) -> rs.getObject(i, OffsetDateTime.class), values.toArray());

        assertThat(back.stream().map(OffsetDateTime::toInstant).toList())
                .containsExactly(
                        Instant.parse("2024-01-01T21:34:05.123456Z"),
                        Instant.parse("2000-01-01T07:59:59.999999Z"),
                        Instant.parse("2024-06-01T12:00:00Z"));
    }

    @Test
    void timesRoundTrip() throws SQLException {
        List<LocalTime> values = Arrays.asList(
                LocalTime.MIDNIGHT, LocalTime.of(12, 34, 56, 500_000_000), LocalTime.of(23, 59, 59, 999_999_000), null);

        assertThat(roundTrip("time", (rs, i) -> rs.getObject(i, LocalTime.class), values.toArray()))
                .containsExactlyElementsOf(values);
    }

    @Test
    void aRowOfEveryTypeKeepsEachValueInItsColumn() throws SQLException {
        String table = "t" + TABLES.incrementAndGet();
        Object[] row = {1, "a\tb\nc", new byte[] {0, (byte) 0xFF}, new BigDecimal("3.14"), 2.5, true,
                LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 2, 29, 13, 14, 15, 16_000),
                OffsetDateTime.of(2024, 2, 29, 13, 14, 15, 0, ZoneOffset.ofHoursMinutes(5, 30)), LocalTime.of(13, 14, 15)};
        Object[] nulls = {2, null, null, null, null, null, null, null, null, null};
        try (Connection c = TestPostgres.connect(database)) {
            execute(c, "CREATE TABLE " + table + " (id integer PRIMARY KEY, txt text, bin bytea, num numeric,"
                    + " dbl double precision, flag boolean, day date, ts timestamp, tstz timestamptz, tm time)");
            CopyTextEncoder encoder = new CopyTextEncoder(4, false);
            assertThat(encoder.row(row)).isEqualTo(-1);
            assertThat(encoder.row(nulls)).isEqualTo(-1);

            copyIn(c, "COPY " + table + " (id, txt, bin, num, dbl, flag, day, ts, tstz, tm) FROM STDIN", encoder);

            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("txt")).isEqualTo("a\tb\nc");
                assertThat(rs.getBytes("bin")).containsExactly(0, 0xFF);
                assertThat(rs.getBigDecimal("num")).isEqualTo(new BigDecimal("3.14"));
                assertThat(rs.getDouble("dbl")).isEqualTo(2.5);
                assertThat(rs.getObject("flag", Boolean.class)).isTrue();
                assertThat(rs.getObject("day", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
                assertThat(rs.getObject("ts", LocalDateTime.class)).isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 16_000));
                assertThat(rs.getObject("tstz", OffsetDateTime.class).toInstant()).isEqualTo(Instant.parse("2024-02-29T07:44:15Z"));
                assertThat(rs.getObject("tm", LocalTime.class)).isEqualTo(LocalTime.of(13, 14, 15));
                assertThat(rs.next()).isTrue();
                for (int column = 2; column <= 10; column++) {
                    assertThat(rs.getObject(column)).as("column %d", column).isNull();
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void textWithANulCharacterIsRejectedNamingItsColumn() {
        CopyTextEncoder encoder = new CopyTextEncoder(64, false);

        int bad = encoder.row(new Object[] {1, "ok", "before\u0000after"});

        assertThat(bad).isEqualTo(2);
        assertThat(encoder.problem()).contains("NUL character").contains("position 6").contains("PostgreSQL text cannot store");
        assertThat(encoder.length()).isZero();
    }

    @Test
    void textWithAnUnpairedSurrogateIsRejectedNamingItsColumn() {
        CopyTextEncoder encoder = new CopyTextEncoder(64, false);

        assertThat(encoder.row(new Object[] {"ab\uD83D"})).isZero();
        assertThat(encoder.problem()).contains("unpaired UTF-16 surrogate").contains("position 2");
        assertThat(encoder.row(new Object[] {1, "\uDE00x"})).isEqualTo(1);
        assertThat(encoder.problem()).contains("unpaired UTF-16 surrogate").contains("position 0");
        assertThat(encoder.row(new Object[] {1, "x\uD83Dy"})).isEqualTo(1);
        assertThat(encoder.problem()).contains("unpaired UTF-16 surrogate").contains("position 1");
    }

    @Test
    void aRejectedRowLeavesNothingBehindAndLaterRowsStillLoad() throws SQLException {
        String table = "t" + TABLES.incrementAndGet();
        try (Connection c = TestPostgres.connect(database)) {
            execute(c, "CREATE TABLE " + table + " (id integer PRIMARY KEY, a text, b text)");
            CopyTextEncoder encoder = new CopyTextEncoder(16, false);
            assertThat(encoder.row(new Object[] {1, "first", "row"})).isEqualTo(-1);
            int before = encoder.length();

            assertThat(encoder.row(new Object[] {2, "a long value that is written before the bad one", "bad\u0000"})).isEqualTo(2);
            assertThat(encoder.length()).isEqualTo(before);
            assertThat(encoder.row(new Object[] {3, "third", "row"})).isEqualTo(-1);

            copyIn(c, "COPY " + table + " (id, a, b) FROM STDIN", encoder);

            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id || ':' || a || ':' || b FROM " + table + " ORDER BY id")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                assertThat(rows).containsExactly("1:first:row", "3:third:row");
            }
        }
    }

    // ---- helpers

    @FunctionalInterface
    private interface Column<T> {
        T get(ResultSet rs, int index) throws SQLException;
    }

    /** Copies each value as one row into a fresh one-column table and reads the column back in order. */
    private static <T> List<T> roundTrip(String type, Column<T> column, Object... values) throws SQLException {
        String table = "t" + TABLES.incrementAndGet();
        try (Connection c = TestPostgres.connect(database)) {
            execute(c, "CREATE TABLE " + table + " (id integer PRIMARY KEY, v " + type + ")");
            CopyTextEncoder encoder = new CopyTextEncoder(16, false);
            for (int i = 0; i < values.length; i++) {
                assertThat(encoder.row(new Object[] {i, values[i]})).as("row %d: %s", i, encoder.problem()).isEqualTo(-1);
            }
            copyIn(c, "COPY " + table + " (id, v) FROM STDIN", encoder);
            List<T> result = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM " + table + " ORDER BY id")) {
                while (rs.next()) {
                    result.add(column.get(rs, 1));
                }
            }
            return result;
        }
    }

    private static void copyIn(Connection c, String sql, CopyTextEncoder encoder) throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            copy.writeToCopy(encoder.buffer(), 0, encoder.length());
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void withStripNulCharactersAreRemovedAndCounted() throws SQLException {
        CopyTextEncoder encoder = new CopyTextEncoder(64, true);
        assertThat(encoder.row(new Object[] {1, "a\u0000b\u0000"})).isEqualTo(-1);
        assertThat(encoder.strippedNuls()).isEqualTo(2);
        assertThat(new String(encoder.buffer(), 0, encoder.length(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("1\tab\n");
    }
}

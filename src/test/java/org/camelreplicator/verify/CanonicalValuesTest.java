package org.camelreplicator.verify;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The canonical text verify compares: what the target column holds for a source value by the
 * documented type rules, whichever side and driver the value came from.
 */
class CanonicalValuesTest {

    private static ValueForm form(int jdbcType, String targetType) {
        return ValueForm.of(new ColumnSpec("c", jdbcType, targetType, 0, 0, true, null, false));
    }

    @Test
    void decimalsCompareByValueAtTheColumnsScaleRoundedHalfAwayFromZeroAsNumericDoes() {
        ValueForm numeric = form(Types.NUMERIC, "numeric(10,2)");
        assertThat(numeric.canonical(new BigDecimal("1.50"))).isEqualTo(numeric.canonical("1.5")).isEqualTo(numeric.canonical(1.5d)).isEqualTo("1.5");
        assertThat(numeric.canonical(1.005d)).as("SQLite's REAL in a numeric(10,2) column").isEqualTo("1.01");
        assertThat(numeric.canonical(-1.005d)).isEqualTo("-1.01");
        assertThat(numeric.canonical("0.00")).isEqualTo(numeric.canonical(0L)).isEqualTo("0");
        assertThat(form(Types.NUMERIC, "numeric").canonical("NaN")).isEqualTo("nan");
        assertThat(form(Types.BIGINT, "bigint").canonical(42L)).isEqualTo(form(Types.BIGINT, "bigint").canonical("42"));
    }

    @Test
    void floatsCompareAsTheFloatTheColumnStores() {
        assertThat(form(Types.REAL, "real").canonical(0.1d)).as("a double written into real").isEqualTo(form(Types.REAL, "real").canonical("0.1"));
        assertThat(form(Types.DOUBLE, "double precision").canonical(0.1f)).as("a float written into double precision as its text")
                .isEqualTo("0.1");
        assertThat(form(Types.DOUBLE, "double precision").canonical(-0.0d)).isNotEqualTo(form(Types.DOUBLE, "double precision").canonical(0.0d));
    }

    @Test
    void timestampsCompareAtTheColumnsPrecisionRoundedAsPostgresRoundsThem() {
        ValueForm micro = form(Types.TIMESTAMP, "timestamp without time zone");
        assertThat(micro.canonical(LocalDateTime.parse("2024-01-02T03:04:05.1234565")))
                .as("rint of the parsed fraction: a 7th digit 5 rounds to even here")
                .isEqualTo(micro.canonical("2024-01-02 03:04:05.123456"));
        assertThat(micro.canonical("2009-01-01T00:00:00.000")).isEqualTo(micro.canonical(LocalDateTime.parse("2009-01-01T00:00")));
        assertThat(micro.canonical("2009-01-01")).as("a date written into a timestamp").isEqualTo(micro.canonical("2009-01-01 00:00:00"));
        ValueForm milli = form(Types.TIMESTAMP, "timestamp(3) without time zone");
        assertThat(milli.canonical(LocalDateTime.parse("2024-01-02T03:04:05.1235"))).isEqualTo("2024-01-02T03:04:05.124");
        assertThat(milli.canonical(LocalDateTime.parse("1999-12-31T23:59:59.9995")))
                .as("before 2000 a tie rounds toward the earlier time, as PostgreSQL counts from 2000").isEqualTo("1999-12-31T23:59:59.999");
        assertThat(micro.canonical("0044-03-15 10:00:00 BC")).isEqualTo(micro.canonical(LocalDateTime.of(-43, 3, 15, 10, 0)));
        assertThat(micro.canonical("infinity")).isEqualTo(micro.canonical(LocalDateTime.MAX)).isEqualTo("infinity");
    }

    /** The same values written into a real PostgreSQL: what it stores is what the canonical form predicts. */
    @Test
    void theFormsPredictWhatPostgresStores() throws Exception {
        String db = TestPostgres.newDatabase("canonical");
        Object[][] cases = {
            {"timestamp(3) without time zone", LocalDateTime.parse("1999-12-31T23:59:59.9995")},
            {"timestamp(3) without time zone", LocalDateTime.parse("2024-01-02T03:04:05.1235")},
            {"timestamp without time zone", LocalDateTime.parse("2024-01-02T03:04:05.1234565")},
            {"timestamp without time zone", LocalDateTime.parse("1970-06-01T00:00:00.0000005")},
            {"time(2) without time zone", java.time.LocalTime.parse("10:00:00.125")},
            {"numeric(10,2)", 1.005d},
            {"numeric(10,2)", -2.675d},
            {"real", 0.1d},
            {"timestamp with time zone", OffsetDateTime.parse("2024-03-31T02:30:00.0000015+02:00")},
        };
        try (Connection c = TestPostgres.connect(db); Statement st = c.createStatement()) {
            for (Object[] k : cases) {
                String type = (String) k[0];
                ValueForm form = form(Types.OTHER, type);
                String written = k[1] instanceof LocalDateTime t ? t.toString().replace('T', ' ')
                        : k[1] instanceof OffsetDateTime t ? t.toString().replace('T', ' ') : k[1].toString();
                try (ResultSet rs = st.executeQuery("SELECT CAST('" + written + "' AS " + type + ")")) {
                    rs.next();
                    assertThat(form.canonical(form.reader().read(rs, 1))).as("%s written as %s", type, written).isEqualTo(form.canonical(k[1]));
                }
            }
        }
    }

    @Test
    void aTimestampWithTimeZoneIsItsInstantAndATimestampWithoutIgnoresAnOffset() {
        ValueForm zoned = form(Types.TIMESTAMP, "timestamp with time zone");
        assertThat(zoned.canonical(OffsetDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2))))
                .isEqualTo(zoned.canonical("2024-01-01 10:00:00+00")).isEqualTo(zoned.canonical("2024-01-01 15:30:00+05:30"));
        assertThat(form(Types.TIMESTAMP, "timestamp without time zone").canonical(OffsetDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2))))
                .isEqualTo("2024-01-01T12:00");
        assertThat(form(Types.DATE, "date").canonical(java.sql.Date.valueOf("2024-02-29"))).isEqualTo(form(Types.DATE, "date").canonical(LocalDate.of(2024, 2, 29)));
    }

    @Test
    void booleansBinaryCharUuidAndJsonHaveOneFormEach() {
        ValueForm bool = form(Types.BIT, "boolean");
        assertThat(List.of(bool.canonical(true), bool.canonical(1), bool.canonical("t"), bool.canonical("TRUE"))).containsOnly("t");
        assertThat(List.of(bool.canonical(false), bool.canonical(0), bool.canonical("f"))).containsOnly("f");
        ValueForm bytea = form(Types.BINARY, "bytea");
        assertThat(bytea.canonical(new byte[] {(byte) 0xDE, (byte) 0xAD})).isEqualTo(bytea.canonical("\\xDEAD")).isEqualTo("dead");
        assertThat(form(Types.CHAR, "character(5)").canonical("ab   ")).isEqualTo("ab");
        assertThat(form(Types.VARCHAR, "character varying(5)").canonical("ab ")).isEqualTo("ab ");
        ValueForm uuid = form(Types.OTHER, "uuid");
        assertThat(uuid.canonical("{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}")).isEqualTo(uuid.canonical(java.util.UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")));
        ValueForm json = form(Types.OTHER, "jsonb");
        assertThat(json.canonical("{\"b\": 1.50, \"a\": [1, {\"y\": null, \"x\": \"t\\tab\"}]}"))
                .isEqualTo(json.canonical("{\"a\":[1,{\"x\":\"t\\tab\",\"y\":null}],\"b\":1.5}"));
    }

    @Test
    void nullAndEmptyTextDigestDifferentlyAndRowsDigestAlikeInAnyOrder() {
        assertThat(form(Types.VARCHAR, "text").canonical(null)).isNull();
        assertThat(Digest.hash(new String[] {"1", null})).isNotEqualTo(Digest.hash(new String[] {"1", ""}));
        assertThat(Digest.hash(new String[] {"ab", "c"})).isNotEqualTo(Digest.hash(new String[] {"a", "bc"}));
        Digest.Sum one = new Digest.Sum();
        Digest.Sum other = new Digest.Sum();
        String[][] rows = {{"1", "x"}, {"2", "y"}, {"2", "y"}};
        for (int i = 0; i < rows.length; i++) {
            one.add(rows[i]);
            other.add(rows[rows.length - 1 - i]);
        }
        assertThat(one.digest()).isEqualTo(other.digest());
        Digest.Sum once = new Digest.Sum();
        once.add(rows[0]);
        once.add(rows[1]);
        assertThat(once.digest()).as("a row there twice counts twice").isNotEqualTo(one.digest());
    }

    @Test
    void aDifferingKeyRangeSplitsIntoPartsThatCoverItExactly() {
        assertThat(TableSides.split("id", 1, 100, 16)).hasSize(15).startsWith(new KeyRange.IntegerRange("id", 1L, 8L))
                .endsWith(new KeyRange.IntegerRange("id", 99L, 101L));
        assertThat(TableSides.split("id", 5, 7, 16)).containsExactly(new KeyRange.IntegerRange("id", 5L, 6L),
                new KeyRange.IntegerRange("id", 6L, 7L), new KeyRange.IntegerRange("id", 7L, 8L));
        assertThat(TableSides.split("id", Long.MAX_VALUE - 1, Long.MAX_VALUE, 16)).last()
                .as("the largest key has no successor: the last part stays open").isEqualTo(new KeyRange.IntegerRange("id", Long.MAX_VALUE, null));
    }

    @Test
    void textKeysMergeByCodePoint() {
        assertThat(KeyMerge.codePointCompare("Zebra", "apple")).isNegative();
        assertThat(KeyMerge.codePointCompare("\uFFFD", "\uD83D\uDE00")).as("U+FFFD before U+1F600, though UTF-16 sorts them the other way").isNegative();
    }

    @Test
    void aKeyRangeLimitThatIsNoRangeIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> ReplicatorSettings.from(k -> k.equals("replicator.verify.keys") ? Optional.of("10-20") : Optional.empty()))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("replicator.verify.keys=10-20 is not a key range FROM..TO");
        assertThatThrownBy(() -> ReplicatorSettings.from(k -> k.equals("replicator.verify.keys") ? Optional.of("20..10") : Optional.empty()))
                .hasMessageContaining("ends before it begins");
        ReplicatorSettings open = ReplicatorSettings.from(k -> k.equals("replicator.verify.keys") ? Optional.of("1_000..") : Optional.empty());
        assertThat(open.verify().keysFrom()).isEqualTo(1000L);
        assertThat(open.verify().keysTo()).isNull();
        assertThatThrownBy(() -> ReplicatorSettings.from(k -> k.equals("replicator.serve.command") ? Optional.of("repair") : Optional.empty()))
                .hasMessageContaining("is not one of load, sync, verify");
    }
}

package org.camelreplicator.dialect.mysql;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.CatalogReader;
import org.camelreplicator.dialect.Dialects;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestMariaDb;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MySqlDialect: the type mapping from column types as the catalog reads them, then the catalog,
 * the value readers and a replication against a real MariaDB server ({@link TestMariaDb}).
 */
class MySqlDialectTest {

    private final MySqlDialect dialect = new MySqlDialect("MariaDB");

    /**
     * A column as CatalogReader builds it after {@link MySqlDialect#refine}: the driver's JDBC type
     * and size, information_schema's column_type as the type name.
     */
    private static ColumnSpec column(String columnType, int jdbcType, int size, int scale) {
        return new ColumnSpec("c", jdbcType, columnType, size, scale, true, null, false);
    }

    @ParameterizedTest(name = "{0} -> {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            tinyint(1)                    | 16  | 3          | 0 | boolean
            tinyint(1) unsigned           | 16  | 3          | 0 | boolean
            bit(1)                        | -7  | 1          | 0 | boolean
            tinyint(4)                    | -6  | 3          | 0 | smallint
            tinyint                       | -6  | 3          | 0 | smallint
            tinyint(3) unsigned           | -6  | 3          | 0 | smallint
            smallint(6)                   | 5   | 5          | 0 | smallint
            smallint(5) unsigned          | 5   | 5          | 0 | integer
            mediumint(9)                  | 4   | 7          | 0 | integer
            mediumint(8) unsigned         | 4   | 8          | 0 | integer
            int(11)                       | 4   | 10         | 0 | integer
            int                           | 4   | 10         | 0 | integer
            int(10) unsigned              | -5  | 10         | 0 | bigint
            int unsigned zerofill         | -5  | 10         | 0 | bigint
            bigint(20)                    | -5  | 19         | 0 | bigint
            bigint(20) unsigned           | 3   | 20         | 0 | numeric(20,0)
            decimal(10,2)                 | 3   | 10         | 2 | numeric(10,2)
            decimal(65,30)                | 3   | 65         | 30 | numeric(65,30)
            decimal(10,0) unsigned        | 3   | 10         | 0 | numeric(10,0)
            float                         | 7   | 12         | 0 | real
            float(7,4)                    | 7   | 7          | 4 | real
            double                        | 8   | 22         | 0 | double precision
            double(10,2)                  | 8   | 10         | 2 | double precision
            bit(5)                        | -7  | 5          | 0 | bit varying(5)
            bit(64)                       | -7  | 64         | 0 | bit varying(64)
            year(4)                       | 5   | 0          | 0 | smallint
            year                          | 5   | 0          | 0 | smallint
            date                          | 91  | 10         | 0 | date
            datetime                      | 93  | 19         | 0 | timestamp(0)
            datetime(3)                   | 93  | 23         | 0 | timestamp(3)
            datetime(6)                   | 93  | 26         | 0 | timestamp(6)
            timestamp                     | 93  | 19         | 0 | timestamp(0) with time zone
            timestamp(6)                  | 93  | 26         | 0 | timestamp(6) with time zone
            time                          | 92  | 10         | 0 | interval(0)
            time(2)                       | 92  | 13         | 0 | interval(2)
            char(5)                       | 1   | 5          | 0 | char(5)
            char(0)                       | 1   | 0          | 0 | text
            varchar(20)                   | 12  | 20         | 0 | varchar(20)
            varchar(16383)                | 12  | 16383      | 0 | varchar(16383)
            tinytext                      | 12  | 255        | 0 | text
            text                          | -1  | 65535      | 0 | text
            mediumtext                    | -1  | 16777215   | 0 | text
            longtext                      | -1  | 2147483647 | 0 | text
            binary(4)                     | -2  | 4          | 0 | bytea
            varbinary(10)                 | -3  | 10         | 0 | bytea
            tinyblob                      | -3  | 255        | 0 | bytea
            blob                          | -4  | 65535      | 0 | bytea
            mediumblob                    | -4  | 16777215   | 0 | bytea
            longblob                      | -4  | 2147483647 | 0 | bytea
            enum('a','bcd','ef')          | 12  | 3          | 0 | varchar(3)
            enum('it''s','back\\\\slash') | 12  | 10         | 0 | varchar(10)
            enum('ünïcödé','x')           | 12  | 7          | 0 | varchar(7)
            set('x','y','z')              | 12  | 5          | 0 | text
            json                          | -1  | 2147483647 | 0 | jsonb
            geometry                      | 1111 | 0         | 0 | bytea
            point                         | 1111 | 0         | 0 | bytea
            linestring                    | 1111 | 0         | 0 | bytea
            polygon                       | 1111 | 0         | 0 | bytea
            multipoint                    | 1111 | 0         | 0 | bytea
            multilinestring               | 1111 | 0         | 0 | bytea
            multipolygon                  | 1111 | 0         | 0 | bytea
            geometrycollection            | 1111 | 0         | 0 | bytea
            uuid                          | 1    | 36        | 0 | uuid
            inet6                         | 1    | 39        | 0 | inet
            """)
    void postgresTypeFollowsTheMySqlTypeRules(String columnType, int jdbcType, int size, int scale, String expected) {
        assertThat(dialect.postgresType(column(columnType, jdbcType, size, scale))).isEqualTo(expected);
    }

    /** Before refine (or for a type the catalog could not read), the driver's own names still map. */
    @ParameterizedTest(name = "{0} -> {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            BOOLEAN           | 16 | 3  | 0 | boolean
            TINYINT UNSIGNED  | -6 | 3  | 0 | smallint
            INT UNSIGNED      | 4  | 10 | 0 | bigint
            BIGINT UNSIGNED   | -5 | 20 | 0 | numeric(20,0)
            DECIMAL           | 3  | 12 | 4 | numeric(12,4)
            VARCHAR           | 12 | 40 | 0 | varchar(40)
            DATETIME          | 93 | 19 | 0 | timestamp(0)
            """)
    void driverTypeNamesMapToo(String typeName, int jdbcType, int size, int scale, String expected) {
        assertThat(dialect.postgresType(column(typeName, jdbcType, size, scale))).isEqualTo(expected);
    }

    @Test
    void identifiersAreQuotedWithBackticks() {
        assertThat(dialect.quote("Invoice Line")).isEqualTo("`Invoice Line`");
        assertThat(dialect.quote("we`ird")).isEqualTo("`we``ird`");
        assertThat(dialect.qualified(null, "Album")).isEqualTo("`Album`");
        assertThat(dialect.name()).isEqualTo("MariaDB");
        assertThat(new MySqlDialect().name()).isEqualTo("MySQL");
    }

    @Test
    void literalsMeanTheSameInEverySqlMode() {
        assertThat(dialect.literal(42L)).isEqualTo("42");
        assertThat(dialect.literal(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(dialect.literal("it's")).isEqualTo("'it''s'");
        assertThat(dialect.literal("back\\slash")).isEqualTo("_utf8mb4 X'6261636b5c736c617368'");
        assertThat(dialect.literal(new byte[] {1, (byte) 0xff})).isEqualTo("X'01ff'");
        assertThat(dialect.literal(LocalDateTime.of(2024, 3, 31, 1, 30))).isEqualTo("'2024-03-31 01:30'");
        assertThat(dialect.literal(true)).isEqualTo("TRUE");
    }

    @ParameterizedTest(name = "{0} default {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "null", textBlock = """
            int(11)        | 0                        | 0
            int(11)        | NULL                     | null
            decimal(5,2)   | 1.50                     | 1.50
            varchar(10)    | 'it''s\\\\x'             | 'it''s\\x'
            tinyint(1)     | 1                        | true
            tinyint(1)     | 0                        | false
            tinyint(1)     | 2                        | null
            bit(1)         | b'1'                     | true
            bit(4)         | b'101'                   | B'0101'
            datetime       | '0000-00-00 00:00:00'    | null
            date           | '0000-00-00'             | null
            date           | '2000-01-01'             | '2000-01-01'
            timestamp(3)   | current_timestamp(3)     | CURRENT_TIMESTAMP
            datetime       | current_timestamp()      | CURRENT_TIMESTAMP
            date           | curdate()                | CURRENT_DATE
            uuid           | uuid()                   | null
            time           | '10:00:00'               | '10:00:00'
            varbinary(4)   | 'ab'                     | '\\x6162'
            """)
    void defaultsTranslateWhereTheyMeanTheSame(String type, String mysqlDefault, String expected) {
        ColumnSpec c = new ColumnSpec("c", Types.OTHER, type, 0, 0, true, mysqlDefault, false);
        assertThat(dialect.postgresDefault(c)).isEqualTo(expected);
    }

    @Test
    void mySqlUnquotedStringDefaultsAreQuotedLikeMariaDbs() {
        assertThat(MySqlDialect.mariaDbStyleDefault("it's", "varchar(10)", "")).isEqualTo("'it''s'");
        assertThat(MySqlDialect.mariaDbStyleDefault("5", "int", "")).isEqualTo("5");
        assertThat(MySqlDialect.mariaDbStyleDefault("CURRENT_TIMESTAMP", "timestamp", "default_generated")).isEqualTo("CURRENT_TIMESTAMP");
        assertThat(MySqlDialect.mariaDbStyleDefault("uuid()", "char(36)", "default_generated")).isEqualTo("uuid()");
    }

    /** A geometry is stored as MySQL's bytes (SRID, then WKB): its PostGIS geometry for a spatial index reads both. */
    @Test
    void geometryColumnsHaveAPostgisGeometryOtherColumnsNone() {
        ColumnSpec shape = new ColumnSpec("shape", Types.BINARY, "point", 0, 0, false, null, false);
        assertThat(dialect.postgisGeometry(shape, "shape")).isEqualTo("ST_SetSRID(ST_GeomFromWKB(substring(shape from 5)),"
                + " get_byte(shape, 0) + 256 * get_byte(shape, 1) + 65536 * get_byte(shape, 2) + 16777216 * get_byte(shape, 3))");
        assertThat(dialect.postgisGeometry(new ColumnSpec("raw", Types.VARBINARY, "varbinary(10)", 10, 0, true, null, false), "raw"))
                .isNull();
    }

    @Test
    void zeroDatesAreRecognised() {
        assertThat(MySqlDialect.isZeroDate("0000-00-00")).isTrue();
        assertThat(MySqlDialect.isZeroDate("0000-00-00 00:00:00.000000")).isTrue();
        assertThat(MySqlDialect.isZeroDate("2020-00-00")).isFalse();
        assertThat(MySqlDialect.parse("2024-03-31 01:30:00.123456", false)).isEqualTo(LocalDateTime.of(2024, 3, 31, 1, 30, 0, 123_456_000));
    }

    /** Against a real MariaDB: the catalog, the value readers and streaming. */
    @Nested
    class AgainstMariaDb {

        static final String ALL_TYPES = """
                CREATE TABLE all_types (
                  id INT PRIMARY KEY,
                  flag TINYINT(1), tiny TINYINT, tiny_u TINYINT UNSIGNED, small_u SMALLINT UNSIGNED,
                  medium MEDIUMINT, int_u INT UNSIGNED, big BIGINT, big_u BIGINT UNSIGNED,
                  amount DECIMAL(10,2), ratio DOUBLE, one_bit BIT(1), five_bits BIT(5), yr YEAR,
                  day DATE, at DATETIME(3), stamp TIMESTAMP(6) NULL, span TIME(2),
                  code CHAR(5), name VARCHAR(20), body TEXT, raw VARBINARY(10), data BLOB,
                  choice ENUM('a','bcd','ef'), tags SET('x','y','z'), doc JSON, shape GEOMETRY,
                  ip INET6, ref UUID, approx FLOAT
                )""";
        static final String ROW_1 = """
                INSERT INTO all_types VALUES (1, 1, -128, 255, 65535, -8388608, 4294967295, -9223372036854775808,
                  18446744073709551615, 12345678.91, 0.30000000000000004, b'1', b'10101', 2024,
                  '2024-02-29', '2024-03-31 01:30:00.123', '2024-03-31 01:30:00.123456', '-838:59:59.99',
                  'ab', 'tab\\there \\\\ back', 'Zoë 渡辺', x'00ff', x'0102', 'bcd', 'x,z', '{"b": 1, "a": [1, 2]}',
                  ST_GeomFromText('POINT(1 2)'), '::ffff:1.2.3.4', '123e4567-e89b-12d3-a456-426614174000', 123456789)""";
        static final String ROW_2 = """
                INSERT INTO all_types (id, flag, big_u, five_bits, span) VALUES (2, 0, 9223372036854775808, b'0', '838:59:59')""";

        /**
         * MySQL 8 keeps a check's table in table_constraints (MYSQL_CHECKS_SQL), MariaDB in check_constraints:
         * both queries find a named check of a table, and neither lists MariaDB's JSON checks, which jsonb carries.
         */
        @Test
        void checkConstraintsAreListedButNotTheJsonChecksJsonbCarries() throws Exception {
            String url = TestMariaDb.newDatabase("checks");
            String db = url.substring(url.lastIndexOf('/') + 1);
            try (Connection c = TestMariaDb.connect(url)) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE films (id INT PRIMARY KEY, length INT, doc JSON, CONSTRAINT positive_length CHECK (length > 0))");
                }
                for (String sql : List.of(MySqlDialect.MARIADB_CHECKS_SQL, MySqlDialect.MYSQL_CHECKS_SQL)) {
                    assertThat(MySqlDialect.checkConstraints(c, db, sql)).as(sql)
                            .containsExactly(new NotCarried(NotCarried.Kind.CHECK, "films", "positive_length"));
                }
            }
        }

        /** FULLTEXT, SPATIAL and prefix indexes, which the drivers report as ordinary ones, come out as what they are. */
        @Test
        void indexKindsAndPrefixesComeFromTheServer() throws Exception {
            String url = TestMariaDb.newDatabase("index_kinds");
            try (Connection c = TestMariaDb.connect(url)) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE docs (id INT PRIMARY KEY, title VARCHAR(200), body TEXT, spot POINT NOT NULL,"
                            + " FULLTEXT KEY words (title, body), SPATIAL KEY place (spot), KEY starts (title(8), id), KEY plain (title))");
                }
                TableSpec docs = new CatalogReader(dialect).readTables(c, dialect.defaultSchema(c)).get(0);
                assertThat(docs.indexes()).extracting(IndexSpec::name, IndexSpec::kind, IndexSpec::columns, IndexSpec::prefixLengths)
                        .containsExactlyInAnyOrder(
                                tuple("words", IndexSpec.Kind.FULLTEXT, List.of("title", "body"), List.of(0, 0)),
                                tuple("place", IndexSpec.Kind.SPATIAL, List.of("spot"), List.of(0)),
                                tuple("starts", IndexSpec.Kind.PLAIN, List.of("title", "id"), List.of(8, 0)),
                                tuple("plain", IndexSpec.Kind.PLAIN, List.of("title"), List.of(0)));
            }
        }

        @Test
        void catalogReadsOnlyTheCurrentDatabaseWithExactTypes() throws Exception {
            String url = TestMariaDb.newDatabase("catalog");
            String other = TestMariaDb.newDatabase("catalog_other");
            try (Connection o = TestMariaDb.connect(other); Statement st = o.createStatement()) {
                st.execute("CREATE TABLE elsewhere (id INT PRIMARY KEY)");
            }
            try (Connection c = TestMariaDb.connect(url)) {
                try (Statement st = c.createStatement()) {
                    st.execute(ALL_TYPES);
                    st.execute(ROW_1);
                    st.execute(ROW_2);
                    st.execute("CREATE TABLE `no key` (`we``ird` INT, d DATE NOT NULL DEFAULT '2000-01-01', n VARCHAR(5) DEFAULT 'it''s')");
                    st.execute("ANALYZE TABLE all_types");
                }
                assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("MariaDB");
                String schema = dialect.defaultSchema(c);
                assertThat(schema).isNull();
                assertThat(dialect.catalog(c)).isEqualTo(url.substring(url.lastIndexOf('/') + 1));

                List<TableSpec> tables = new CatalogReader(dialect).readTables(c, schema);

                assertThat(tables).extracting(TableSpec::name).containsExactlyInAnyOrder("all_types", "no key");
                TableSpec t = tables.stream().filter(x -> x.name().equals("all_types")).findFirst().orElseThrow();
                assertThat(t.primaryKey()).containsExactly("id");
                assertThat(t.estimatedRows()).isEqualTo(2);
                assertThat(dialect.estimatedBytes(c, t)).isPositive();
                Map<String, String> types = new LinkedHashMap<>();
                t.columns().forEach(col -> types.put(col.name(), col.typeName()));
                assertThat(types).containsEntry("flag", "tinyint(1)").containsEntry("tiny_u", "tinyint(3) unsigned")
                        .containsEntry("int_u", "int(10) unsigned").containsEntry("big_u", "bigint(20) unsigned")
                        .containsEntry("amount", "decimal(10,2)").containsEntry("choice", "enum('a','bcd','ef')")
                        .containsEntry("span", "time(2)").containsEntry("doc", "json").containsEntry("yr", "year(4)");
                assertThat(t.column("yr").orElseThrow().jdbcType()).isEqualTo(Types.SMALLINT);
                assertThat(t.column("big_u").orElseThrow().jdbcType()).isEqualTo(Types.DECIMAL);
                Map<String, String> pg = new LinkedHashMap<>();
                t.columns().forEach(col -> pg.put(col.name(), dialect.postgresType(col)));
                assertThat(pg).containsEntry("flag", "boolean").containsEntry("big_u", "numeric(20,0)")
                        .containsEntry("one_bit", "boolean").containsEntry("five_bits", "bit varying(5)")
                        .containsEntry("stamp", "timestamp(6) with time zone").containsEntry("span", "interval(2)")
                        .containsEntry("choice", "varchar(3)").containsEntry("doc", "jsonb").containsEntry("shape", "bytea")
                        .containsEntry("ref", "uuid");

                TableSpec noKey = tables.stream().filter(x -> x.name().equals("no key")).findFirst().orElseThrow();
                assertThat(noKey.columns()).extracting(ColumnSpec::name).containsExactly("we`ird", "d", "n");
                assertThat(noKey.column("d").orElseThrow().nullable()).isFalse();
                assertThat(noKey.column("we`ird").orElseThrow().defaultValue()).isNull();
                assertThat(dialect.postgresDefault(noKey.column("d").orElseThrow())).isEqualTo("'2000-01-01'");
                assertThat(dialect.postgresDefault(noKey.column("n").orElseThrow())).isEqualTo("'it''s'");
            }
        }

        /** Without a database in the URL the drivers would list every database's tables, mysql and sys included. */
        @Test
        void aUrlWithoutADatabaseIsRefusedWithTheFix() throws Exception {
            try (Connection c = TestMariaDb.connect(TestMariaDb.url(""))) {
                assertThatThrownBy(() -> new CatalogReader(dialect).readTables(c, dialect.defaultSchema(c)))
                        .isInstanceOf(SQLException.class).hasMessageContaining("names no database")
                        .hasMessageContaining("jdbc:mariadb://host:3306/mydb");
            }
        }

        @Test
        void readersKeepEveryValueExactly() throws Exception {
            String url = TestMariaDb.newDatabase("readers");
            try (Connection c = TestMariaDb.connect(url)) {
                try (Statement st = c.createStatement()) {
                    st.execute(ALL_TYPES);
                    st.execute(ROW_1);
                    st.execute(ROW_2);
                }
                List<Map<String, Object>> rows = readAll(c, "all_types");
                Map<String, Object> r = rows.get(0);
                assertThat(r.get("flag")).isEqualTo(true);
                assertThat(r.get("tiny")).isEqualTo(-128);
                assertThat(r.get("tiny_u")).isEqualTo(255);
                assertThat(r.get("small_u")).isEqualTo(65535);
                assertThat(r.get("int_u")).isEqualTo(4_294_967_295L);
                assertThat(r.get("big")).isEqualTo(Long.MIN_VALUE);
                assertThat(r.get("big_u")).isEqualTo(new BigDecimal("18446744073709551615"));
                assertThat(r.get("amount")).isEqualTo(new BigDecimal("12345678.91"));
                assertThat(r.get("ratio")).isEqualTo(0.30000000000000004);
                assertThat(r.get("one_bit")).isEqualTo(true);
                assertThat(r.get("five_bits")).isEqualTo("10101");
                assertThat(r.get("yr")).isEqualTo(2024);
                assertThat(r.get("day")).isEqualTo(LocalDate.of(2024, 2, 29));
                assertThat(r.get("at")).isEqualTo(LocalDateTime.of(2024, 3, 31, 1, 30, 0, 123_000_000));
                assertThat(r.get("span")).isEqualTo("-838:59:59.99");
                assertThat(r.get("name")).isEqualTo("tab\there \\ back");
                assertThat(r.get("body")).isEqualTo("Zoë 渡辺");
                assertThat(r.get("raw")).isEqualTo(new byte[] {0, (byte) 0xff});
                assertThat(r.get("choice")).isEqualTo("bcd");
                assertThat(r.get("tags")).isEqualTo("x,z");
                assertThat(r.get("doc")).isEqualTo("{\"b\": 1, \"a\": [1, 2]}");
                // MySQL's own geometry format: the SRID (4 bytes, little-endian), then OGC WKB
                assertThat(java.util.HexFormat.of().formatHex((byte[]) r.get("shape")))
                        .isEqualTo("00000000" + "0101000000000000000000f03f0000000000000040");
                assertThat(r.get("ref")).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
                assertThat(r.get("approx")).isEqualTo(123456792f);
                Map<String, Object> r2 = rows.get(1);
                assertThat(r2.get("flag")).isEqualTo(false);
                assertThat(r2.get("big_u")).isEqualTo(new BigDecimal("9223372036854775808"));
                assertThat(r2.get("five_bits")).isEqualTo("00000");
                assertThat(r2.get("span")).isEqualTo("838:59:59.00");
                assertThat(r2.get("yr")).isNull();
                assertThat(r2.get("day")).isNull();
                assertThat(r2.get("one_bit")).isNull();
            }
        }

        /** TIMESTAMP is stored in UTC; read in a UTC session it keeps the instant, even in a repeated DST hour. */
        @Test
        void timestampsArriveAsUtcInstants() throws Exception {
            String url = TestMariaDb.newDatabase("stamps");
            try (Connection c = TestMariaDb.connect(url)) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE s (id INT PRIMARY KEY, t TIMESTAMP(3) NULL)");
                    st.execute("SET time_zone = '+05:30'");
                    st.execute("INSERT INTO s VALUES (1, '2024-01-01 05:30:00.250')");
                }
                assertThat(readAll(c, "s").get(0).get("t"))
                        .isEqualTo(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 250_000_000, ZoneOffset.UTC));
            }
        }

        @Test
        void zeroDatesBecomeNullOnlyWhereNullIsAllowed() throws Exception {
            String url = TestMariaDb.newDatabase("zero");
            try (Connection c = TestMariaDb.connect(url)) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET sql_mode = ''");
                    st.execute("CREATE TABLE nullable_dates (id INT PRIMARY KEY, d DATE NULL, t DATETIME NULL, s TIMESTAMP NULL)");
                    st.execute("INSERT INTO nullable_dates VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),"
                            + " (2, '2024-01-02', '2024-01-02 03:04:05', NULL)");
                    st.execute("CREATE TABLE required_dates (id INT PRIMARY KEY, d DATE NOT NULL)");
                    st.execute("INSERT INTO required_dates VALUES (1, '2024-01-01'), (7, '0000-00-00')");
                    st.execute("CREATE TABLE partial_dates (id INT PRIMARY KEY, d DATE NULL)");
                    st.execute("INSERT INTO partial_dates VALUES (3, '2020-05-00')");
                }
                List<Map<String, Object>> rows = readAll(c, "nullable_dates");
                assertThat(rows.get(0)).containsEntry("d", null).containsEntry("t", null).containsEntry("s", null);
                assertThat(rows.get(1)).containsEntry("d", LocalDate.of(2024, 1, 2))
                        .containsEntry("t", LocalDateTime.of(2024, 1, 2, 3, 4, 5));

                // the reader says what is wrong with the value; ChunkReader names the table, column and key (BadRowsFromMariaDbTest)
                assertThatThrownBy(() -> readAll(c, "required_dates")).isInstanceOf(SQLDataException.class)
                        .hasMessageContaining("holds the zero date '0000-00-00'").hasMessageContaining("NOT NULL")
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22007");
                assertThatThrownBy(() -> readAll(c, "partial_dates")).isInstanceOf(SQLDataException.class)
                        .hasMessageContaining("holds '2020-05-00'")
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22007");
            }
        }

        @Test
        void tinyint1OtherThanZeroOrOneIsRefusedNotTurnedIntoTrue() throws Exception {
            String url = TestMariaDb.newDatabase("flags");
            try (Connection c = TestMariaDb.connect(url)) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE flags (id INT PRIMARY KEY, f TINYINT(1))");
                    st.execute("INSERT INTO flags VALUES (1, 1), (2, 0), (3, NULL), (4, 5)");
                }
                assertThatThrownBy(() -> readAll(c, "flags")).isInstanceOf(SQLDataException.class)
                        .hasMessageContaining("holds 5").hasMessageContaining("boolean");
            }
        }

        /**
         * Over the text protocol MariaDB prints a FLOAT column rounded to 6 digits: selected as
         * (f * 1E0) it arrives exactly; a plain FLOAT column over text is refused; over the binary
         * protocol a plain FLOAT column is exact too.
         */
        @Test
        void floatArrivesExactlyAndIsNeverCopiedRounded() throws Exception {
            String url = TestMariaDb.newDatabase("floats");
            try (Connection c = TestMariaDb.connect(url)) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE f (id INT PRIMARY KEY, v FLOAT)");
                    st.execute("INSERT INTO f VALUES (1, NULL), (2, 123456789), (3, 0.1), (4, 1.4e-45)");
                }
                assertThat(readAll(c, "f")).extracting(r -> r.get("v")).containsExactly(null, 123456792f, 0.1f, Float.MIN_VALUE);
                assertThatThrownBy(() -> MySqlDialectTest.this.readAll(dialect, c, "f", true))
                        .isInstanceOf(SQLException.class).isNotInstanceOf(SQLDataException.class)
                        .hasMessageContaining("Column v is FLOAT").hasMessageContaining("123457000")
                        .hasMessageContaining("useServerPrepStmts=true");
            }
            try (Connection c = TestMariaDb.connect(url + "?useServerPrepStmts=true")) {
                assertThat(MySqlDialectTest.this.readAll(dialect, c, "f", true)).extracting(r -> r.get("v"))
                        .containsExactly(null, 123456792f, 0.1f, Float.MIN_VALUE);
            }
        }

        /** mariadb-java-client streams a result only when a fetch size is set: the dialect sets it. */
        @Test
        void readsStream() throws Exception {
            String url = TestMariaDb.newDatabase("streams");
            try (Connection c = TestMariaDb.connect(url)) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE n (id INT PRIMARY KEY)");
                    st.execute("INSERT INTO n SELECT seq FROM seq_1_to_20000");
                }
                dialect.prepareForStreaming(c);
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM n ORDER BY id", ResultSet.TYPE_FORWARD_ONLY,
                        ResultSet.CONCUR_READ_ONLY)) {
                    dialect.configureStreamingStatement(ps, 1000);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.getClass().getSimpleName()).isEqualTo("StreamingResult");
                        long n = 0;
                        while (rs.next()) {
                            n++;
                        }
                        assertThat(n).isEqualTo(20_000);
                    }
                }
            }
        }

        private List<Map<String, Object>> readAll(Connection c, String table) throws SQLException {
            return MySqlDialectTest.this.readAll(dialect, c, table);
        }
    }

    /** Every column of a table, selected and read with the dialect's expressions and readers as ChunkReader does, in key order. */
    List<Map<String, Object>> readAll(MySqlDialect dialect, Connection c, String table) throws SQLException {
        return readAll(dialect, c, table, false);
    }

    /** The same, with SELECT * instead of the dialect's select expressions when plainSelect. */
    List<Map<String, Object>> readAll(MySqlDialect dialect, Connection c, String table, boolean plainSelect) throws SQLException {
        TableSpec t = new CatalogReader(dialect).readTables(c, dialect.defaultSchema(c)).stream()
                .filter(x -> x.name().equals(table)).findFirst().orElseThrow();
        List<ValueReader> readers = t.columns().stream().map(dialect::reader).toList();
        dialect.prepareForStreaming(c);
        List<Map<String, Object>> rows = new ArrayList<>();
        String select = plainSelect ? "*" : t.columns().stream().map(dialect::selectExpression)
                .collect(java.util.stream.Collectors.joining(", "));
        try (PreparedStatement ps = c.prepareStatement("SELECT " + select + " FROM " + dialect.quote(table) + " ORDER BY 1",
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            dialect.configureStreamingStatement(ps, 100);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < readers.size(); i++) {
                        row.put(t.columns().get(i).name(), readers.get(i).read(rs, i + 1));
                    }
                    rows.add(row);
                }
            }
        } finally {
            c.setReadOnly(false);
        }
        return rows;
    }

    /**
     * MySQL Connector/J (product name "MySQL") against the same server: the catalog reads only the
     * URL's database, values arrive the same, and reads stream (fetch size Integer.MIN_VALUE, or the
     * fetch size with useCursorFetch=true).
     */
    @Nested
    class ThroughConnectorJ {

        private final MySqlDialect mysql = new MySqlDialect("MySQL");

        private String connectorJ(String mariaDbUrl) {
            return mariaDbUrl.replace("jdbc:mariadb:", "jdbc:mysql:");
        }

        @Test
        void valuesArriveAsWithMariaDbsDriver() throws Exception {
            String url = TestMariaDb.newDatabase("connector_j");
            try (Connection c = TestMariaDb.connect(url); Statement st = c.createStatement()) {
                st.execute(AgainstMariaDb.ALL_TYPES);
                st.execute(AgainstMariaDb.ROW_1);
                st.execute(AgainstMariaDb.ROW_2);
            }
            try (Connection c = java.sql.DriverManager.getConnection(connectorJ(url), TestMariaDb.USER, "")) {
                assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("MySQL");
                assertThat(c.getMetaData().getDriverName()).contains("MySQL Connector");
                List<Map<String, Object>> rows = readAll(mysql, c, "all_types");
                Map<String, Object> r = rows.get(0);
                assertThat(r).containsEntry("flag", true).containsEntry("tiny_u", 255).containsEntry("int_u", 4_294_967_295L)
                        .containsEntry("big_u", new BigDecimal("18446744073709551615")).containsEntry("one_bit", true)
                        .containsEntry("five_bits", "10101").containsEntry("yr", 2024)
                        .containsEntry("day", LocalDate.of(2024, 2, 29))
                        .containsEntry("at", LocalDateTime.of(2024, 3, 31, 1, 30, 0, 123_000_000))
                        .containsEntry("stamp", OffsetDateTime.of(2024, 3, 31, 1, 30, 0, 123_456_000, ZoneOffset.UTC))
                        .containsEntry("span", "-838:59:59.99").containsEntry("name", "tab\there \\ back")
                        .containsEntry("doc", "{\"b\": 1, \"a\": [1, 2]}").containsEntry("approx", 123456792f);
                assertThat(rows.get(1)).containsEntry("big_u", new BigDecimal("9223372036854775808"))
                        .containsEntry("span", "838:59:59").containsEntry("yr", null);
            }
        }

        @Test
        void readsStreamRowByRowOrWithACursor() throws Exception {
            String url = TestMariaDb.newDatabase("connector_j_stream");
            try (Connection c = TestMariaDb.connect(url); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE n (id INT PRIMARY KEY)");
                st.execute("INSERT INTO n SELECT seq FROM seq_1_to_20000");
            }
            for (String options : List.of("", "?useCursorFetch=true")) {
                try (Connection c = java.sql.DriverManager.getConnection(connectorJ(url) + options, TestMariaDb.USER, "")) {
                    mysql.prepareForStreaming(c);
                    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM n ORDER BY id", ResultSet.TYPE_FORWARD_ONLY,
                            ResultSet.CONCUR_READ_ONLY)) {
                        mysql.configureStreamingStatement(ps, 1000);
                        assertThat(ps.getFetchSize()).as(options).isEqualTo(options.isEmpty() ? Integer.MIN_VALUE : 1000);
                        try (ResultSet rs = ps.executeQuery()) {
                            long n = 0;
                            while (rs.next()) {
                                n++;
                            }
                            assertThat(n).isEqualTo(20_000);
                        }
                    }
                }
            }
        }
    }

    /**
     * The product end to end (needs Dialects.of to pick MySqlDialect for MariaDB): every type is created
     * on PostgreSQL as mapped and every value arrives as PostgreSQL prints it; a NOT NULL zero date
     * stops its table with the table, column and key named, and the other tables go on.
     */
    @Nested
    class ReplicatedToPostgres {

        @TempDir
        Path dataDir;

        @Test
        void everyTypeArrivesAndANotNullZeroDateStopsOnlyItsTable() throws Exception {
            String source = TestMariaDb.newDatabase("types_source");
            try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
                st.execute(AgainstMariaDb.ALL_TYPES);
                st.execute(AgainstMariaDb.ROW_1);
                st.execute(AgainstMariaDb.ROW_2);
                st.execute("SET sql_mode = ''");
                st.execute("CREATE TABLE required_dates (id INT PRIMARY KEY, d DATE NOT NULL)");
                st.execute("INSERT INTO required_dates VALUES (1, '2024-01-01'), (7, '0000-00-00')");
            }
            try (Connection c = TestMariaDb.connect(source)) {
                assertThat(Dialects.of(c)).as("Dialects.of must pick MySqlDialect for MariaDB").isInstanceOf(MySqlDialect.class);
            }
            String target = TestPostgres.newDatabase("types_target");

            Replicator.Result load = Replicator.between(source, TestMariaDb.USER, target, dataDir).run("load");

            assertThat(load.exitCode()).as(load.all()).isEqualTo(1);
            assertThat(load.all()).contains("required_dates").contains("column d, row (id=7)").contains("zero date");
            try (Connection pg = TestPostgres.connect(target)) {
                String types = Tables.text(pg, "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)"
                        + " FROM pg_attribute WHERE attrelid = 'all_types'::regclass AND attnum > 0");
                assertThat(types).contains("flag boolean", "tiny smallint", "tiny_u smallint", "small_u integer",
                        "medium integer", "int_u bigint", "big bigint", "big_u numeric(20,0)", "amount numeric(10,2)",
                        "ratio double precision", "one_bit boolean", "five_bits bit varying(5)", "yr smallint", "day date",
                        "at timestamp(3) without time zone", "stamp timestamp(6) with time zone", "span interval(2)",
                        "code character(5)", "name character varying(20)", "body text", "raw bytea", "data bytea",
                        "choice character varying(3)", "tags text", "doc jsonb", "shape bytea", "ip inet", "ref uuid", "approx real");
                List<List<String>> rows = Tables.rows(pg, "SELECT flag, tiny_u, int_u, big, big_u, amount, ratio, one_bit,"
                        + " five_bits, yr, day, at, stamp AT TIME ZONE 'UTC', span, name, body, encode(raw, 'hex'), choice, tags,"
                        + " doc::text, encode(shape, 'hex'), ip, ref, approx::float8 FROM all_types ORDER BY id");
                assertThat(rows.get(0)).containsExactly("t", "255", "4294967295", "-9223372036854775808",
                        "18446744073709551615", "12345678.91", "0.30000000000000004", "t", "10101", "2024", "2024-02-29",
                        "2024-03-31 01:30:00.123", "2024-03-31 01:30:00.123456", "-838:59:59.99", "tab\there \\ back",
                        "Zoë 渡辺", "00ff", "bcd", "x,z", "{\"a\": [1, 2], \"b\": 1}",
                        "000000000101000000000000000000f03f0000000000000040", "::ffff:1.2.3.4",
                        "123e4567-e89b-12d3-a456-426614174000", "123456792");
                assertThat(rows.get(1)).startsWith("f", null, null, null, "9223372036854775808");
                assertThat(rows.get(1).get(13)).isEqualTo("838:59:59");
                assertThat(Tables.count(pg, "required_dates")).isZero();
            }
        }

        /** The same table through MySQL Connector/J (jdbc:mysql:), which streams with fetch size Integer.MIN_VALUE. */
        @Test
        void connectorJSourceGivesTheSameRows() throws Exception {
            String source = TestMariaDb.newDatabase("types_source_cj");
            try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
                st.execute(AgainstMariaDb.ALL_TYPES);
                st.execute(AgainstMariaDb.ROW_1);
                st.execute(AgainstMariaDb.ROW_2);
            }
            String connectorJ = source.replace("jdbc:mariadb:", "jdbc:mysql:");
            try (Connection c = java.sql.DriverManager.getConnection(connectorJ, TestMariaDb.USER, "")) {
                assertThat(Dialects.of(c)).as("Dialects.of must pick MySqlDialect for MySQL").isInstanceOf(MySqlDialect.class);
            }
            String target = TestPostgres.newDatabase("types_target_cj");

            Replicator.Result load = Replicator.between(connectorJ, TestMariaDb.USER, target, dataDir).run("load");

            assertThat(load.exitCode()).as(load.all()).isZero();
            try (Connection pg = TestPostgres.connect(target)) {
                assertThat(Tables.rows(pg, "SELECT flag, int_u, big_u, five_bits, yr, day, at, stamp AT TIME ZONE 'UTC', span,"
                        + " name, doc::text, approx::float8 FROM all_types ORDER BY id")).containsExactly(
                        List.of("t", "4294967295", "18446744073709551615", "10101", "2024", "2024-02-29", "2024-03-31 01:30:00.123",
                                "2024-03-31 01:30:00.123456", "-838:59:59.99", "tab\there \\ back", "{\"a\": [1, 2], \"b\": 1}",
                                "123456792"),
                        java.util.Arrays.asList("f", null, "9223372036854775808", "00000", null, null, null, null, "838:59:59",
                                null, null, null));
            }
        }
    }
}

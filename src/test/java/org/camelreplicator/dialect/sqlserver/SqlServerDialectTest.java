package org.camelreplicator.dialect.sqlserver;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.dialect.NotCarriedQuery;
import org.camelreplicator.dialect.PostgresTypes;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.dialect.ValueReaders;
import org.camelreplicator.dialect.sqlserver.SqlServerDialect.SysColumn;
import org.camelreplicator.support.Chinook;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SQL Server as a source, without a SQL Server (none can run here): every column below is built
 * the way {@link SqlServerDialect#refine} builds it from a row of sys.columns joined to sys.types,
 * with the values SQL Server keeps for that declaration (max_length in bytes, -1 for max, precision,
 * scale), so the mapping is tested from SQL Server's own catalog names.
 */
class SqlServerDialectTest {

    private final SqlServerDialect dialect = new SqlServerDialect();

    // ---- from the catalog to PostgreSQL

    /** One row of sys.columns for a declaration, the JDBC code mssql-jdbc reports for it, and what must come out. */
    private record Case(String declared, SysColumn sys, int jdbcType, String typeName, String postgresType) {
    }

    private static final List<Case> EVERY_TYPE = List.of(
            new Case("bit", SysColumn.of("bit", 1, 1, 0), Types.BIT, "bit", "boolean"),
            new Case("tinyint", SysColumn.of("tinyint", 1, 3, 0), Types.TINYINT, "tinyint", "smallint"),
            new Case("smallint", SysColumn.of("smallint", 2, 5, 0), Types.SMALLINT, "smallint", "smallint"),
            new Case("int", SysColumn.of("int", 4, 10, 0), Types.INTEGER, "int", "integer"),
            new Case("bigint", SysColumn.of("bigint", 8, 19, 0), Types.BIGINT, "bigint", "bigint"),
            new Case("decimal(19,4)", SysColumn.of("decimal", 9, 19, 4), Types.DECIMAL, "decimal(19,4)", "numeric(19,4)"),
            new Case("numeric(38,10)", SysColumn.of("numeric", 17, 38, 10), Types.NUMERIC, "numeric(38,10)", "numeric(38,10)"),
            new Case("money", SysColumn.of("money", 8, 19, 4), Types.DECIMAL, "money", "numeric(19,4)"),
            new Case("smallmoney", SysColumn.of("smallmoney", 4, 10, 4), Types.DECIMAL, "smallmoney", "numeric(10,4)"),
            new Case("float", SysColumn.of("float", 8, 53, 0), Types.DOUBLE, "float(53)", "double precision"),
            new Case("float(24)", SysColumn.of("real", 4, 24, 0), Types.REAL, "real", "real"),
            new Case("real", SysColumn.of("real", 4, 24, 0), Types.REAL, "real", "real"),
            new Case("date", SysColumn.of("date", 3, 10, 0), Types.DATE, "date", "date"),
            new Case("time", SysColumn.of("time", 5, 16, 7), Types.TIME, "time(7)", "time(6)"),
            new Case("time(3)", SysColumn.of("time", 4, 12, 3), Types.TIME, "time(3)", "time(3)"),
            new Case("datetime", SysColumn.of("datetime", 8, 23, 3), Types.TIMESTAMP, "datetime", "timestamp(3)"),
            new Case("datetime2", SysColumn.of("datetime2", 8, 27, 7), Types.TIMESTAMP, "datetime2(7)", "timestamp(6)"),
            new Case("datetime2(0)", SysColumn.of("datetime2", 6, 19, 0), Types.TIMESTAMP, "datetime2(0)", "timestamp(0)"),
            new Case("smalldatetime", SysColumn.of("smalldatetime", 4, 16, 0), Types.TIMESTAMP, "smalldatetime", "timestamp(0)"),
            new Case("datetimeoffset", SysColumn.of("datetimeoffset", 10, 34, 7), microsoft.sql.Types.DATETIMEOFFSET,
                    "datetimeoffset(7)", "timestamp(6) with time zone"),
            new Case("datetimeoffset(0)", SysColumn.of("datetimeoffset", 8, 26, 0), microsoft.sql.Types.DATETIMEOFFSET,
                    "datetimeoffset(0)", "timestamp(0) with time zone"),
            new Case("char(10)", SysColumn.of("char", 10, 0, 0), Types.CHAR, "char(10)", "char(10)"),
            new Case("varchar(50)", SysColumn.of("varchar", 50, 0, 0), Types.VARCHAR, "varchar(50)", "varchar(50)"),
            new Case("nchar(10)", SysColumn.of("nchar", 20, 0, 0), Types.NCHAR, "nchar(10)", "char(10)"),
            new Case("nvarchar(4000)", SysColumn.of("nvarchar", 8000, 0, 0), Types.NVARCHAR, "nvarchar(4000)", "varchar(4000)"),
            new Case("varchar(max)", SysColumn.of("varchar", -1, 0, 0), Types.VARCHAR, "varchar(max)", "text"),
            new Case("nvarchar(max)", SysColumn.of("nvarchar", -1, 0, 0), Types.NVARCHAR, "nvarchar(max)", "text"),
            new Case("text", SysColumn.of("text", 16, 0, 0), Types.LONGVARCHAR, "text", "text"),
            new Case("ntext", SysColumn.of("ntext", 16, 0, 0), Types.LONGNVARCHAR, "ntext", "text"),
            new Case("binary(16)", SysColumn.of("binary", 16, 0, 0), Types.BINARY, "binary(16)", "bytea"),
            new Case("varbinary(256)", SysColumn.of("varbinary", 256, 0, 0), Types.VARBINARY, "varbinary(256)", "bytea"),
            new Case("varbinary(max)", SysColumn.of("varbinary", -1, 0, 0), Types.VARBINARY, "varbinary(max)", "bytea"),
            new Case("image", SysColumn.of("image", 16, 0, 0), Types.LONGVARBINARY, "image", "bytea"),
            new Case("uniqueidentifier", SysColumn.of("uniqueidentifier", 16, 0, 0), Types.CHAR, "uniqueidentifier", "uuid"),
            new Case("xml", SysColumn.of("xml", -1, 0, 0), Types.LONGNVARCHAR, "xml", "xml"),
            new Case("rowversion", SysColumn.of("timestamp", 8, 0, 0), Types.BINARY, "rowversion", "bytea"),
            new Case("sql_variant", SysColumn.of("sql_variant", 8016, 0, 0), microsoft.sql.Types.SQL_VARIANT,
                    "sql_variant", "text"),
            new Case("hierarchyid", SysColumn.of("hierarchyid", 892, 0, 0), Types.VARBINARY, "hierarchyid", "text"),
            new Case("geography", SysColumn.of("geography", -1, 0, 0), Types.VARBINARY, "geography", "text"),
            new Case("geometry", SysColumn.of("geometry", -1, 0, 0), Types.VARBINARY, "geometry", "text"));

    @Test
    void everyCatalogTypeNameMapsToAPostgresTypeThatHoldsItsValues() {
        SoftAssertions softly = new SoftAssertions();
        for (Case c : EVERY_TYPE) {
            ColumnSpec column = SqlServerDialect.refined(driverColumn("c", c.jdbcType()), c.sys());
            softly.assertThat(column.typeName()).as("typeName of %s", c.declared()).isEqualTo(c.typeName());
            softly.assertThat(dialect.postgresType(column)).as("PostgreSQL type of %s", c.declared()).isEqualTo(c.postgresType());
        }
        softly.assertAll();
    }

    @Test
    void lengthsAreCharactersAndMaxHasNoLength() {
        ColumnSpec nvarchar = SqlServerDialect.refined(driverColumn("Title", Types.NVARCHAR), SysColumn.of("nvarchar", 320, 0, 0));
        assertThat(nvarchar.size()).as("nvarchar(160) keeps 320 bytes, 160 characters").isEqualTo(160);
        ColumnSpec max = SqlServerDialect.refined(driverColumn("Body", Types.NVARCHAR), SysColumn.of("nvarchar", -1, 0, 0));
        assertThat(max.size()).isZero();
        ColumnSpec money = SqlServerDialect.refined(driverColumn("Price", Types.DECIMAL), SysColumn.of("money", 8, 19, 4));
        assertThat(money.size()).isEqualTo(19);
        assertThat(money.scale()).isEqualTo(4);
    }

    /** The driver's own metadata would be wrong here: uniqueidentifier is CHAR(36) by JDBC code, identity is in the name. */
    @Test
    void theCatalogNameDecidesNotTheDriversJdbcCode() {
        ColumnSpec asDriverReportsIt = new ColumnSpec("RowGuid", Types.CHAR, "uniqueidentifier", 36, 0, false, null, false);
        assertThat(PostgresTypes.fromJdbc(asDriverReportsIt)).isEqualTo("char(36)");
        assertThat(dialect.postgresType(asDriverReportsIt)).isEqualTo("uuid");

        ColumnSpec identityAsDriverNamesIt = new ColumnSpec("Id", Types.INTEGER, "int identity", 10, 0, false, null, true);
        assertThat(dialect.postgresType(identityAsDriverNamesIt)).isEqualTo("integer");
    }

    /**
     * The Chinook script's own CREATE TABLE statements, stored as SQL Server stores them, map to the
     * types of the Chinook PostgreSQL script, except DATETIME: SQL Server keeps milliseconds, so
     * timestamp(3) where the PostgreSQL script says timestamp.
     */
    @Test
    void chinookSqlServerColumnsMapToTheChinookPostgresTypes() throws IOException {
        Map<String, String> declared = columns(Chinook.DIR.resolve("Chinook_SqlServer.sql"),
                Pattern.compile("CREATE TABLE \\[dbo]\\.\\[(\\w+)]"), Pattern.compile("\\s*\\[(\\w+)]\\s+(\\w+(?:\\(\\d+(?:,\\d+)?\\))?).*"));
        Map<String, String> postgres = columns(Chinook.DIR.resolve("Chinook_PostgreSql.sql"),
                Pattern.compile("CREATE TABLE (\\w+)"), Pattern.compile("\\s*(\\w+)\\s+(\\w+(?:\\(\\d+(?:,\\d+)?\\))?).*"));
        assertThat(declared).hasSize(64);
        assertThat(declared.values()).containsOnly("INT", "NVARCHAR(10)", "NVARCHAR(20)", "NVARCHAR(24)", "NVARCHAR(30)",
                "NVARCHAR(40)", "NVARCHAR(60)", "NVARCHAR(70)", "NVARCHAR(80)", "NVARCHAR(120)", "NVARCHAR(160)",
                "NVARCHAR(200)", "NVARCHAR(220)", "NUMERIC(10,2)", "DATETIME");

        SoftAssertions softly = new SoftAssertions();
        int datetimes = 0;
        for (Map.Entry<String, String> e : declared.entrySet()) {
            ColumnSpec column = storedBySqlServer(e.getKey(), e.getValue());
            String expected = postgres.get(snake(e.getKey()));
            softly.assertThat(expected).as("%s in the PostgreSQL script", e.getKey()).isNotNull();
            if (expected == null) {
                continue;
            }
            expected = expected.toLowerCase(Locale.ROOT);
            if (expected.equals("int")) {
                expected = "integer";
            }
            if (e.getValue().equals("DATETIME")) {
                softly.assertThat(expected).isEqualTo("timestamp");
                expected = "timestamp(3)";
                datetimes++;
            }
            softly.assertThat(dialect.postgresType(column)).as("%s %s", e.getKey(), e.getValue()).isEqualTo(expected);
            // the declaration as the script spells it maps the same way as the catalog's name for it
            ColumnSpec asWritten = new ColumnSpec(column.name(), column.jdbcType(), e.getValue(), column.size(),
                    column.scale(), column.nullable(), null, false);
            softly.assertThat(dialect.postgresType(asWritten)).as("%s as written", e.getKey()).isEqualTo(expected);
        }
        softly.assertAll();
        assertThat(datetimes).isEqualTo(3);

        assertThat(storedBySqlServer("Album.Title", "NVARCHAR(160)").typeName()).isEqualTo("nvarchar(160)");
        assertThat(storedBySqlServer("Invoice.Total", "NUMERIC(10,2)").typeName()).isEqualTo("numeric(10,2)");
        assertThat(storedBySqlServer("Employee.BirthDate", "DATETIME").typeName()).isEqualTo("datetime");
        assertThat(storedBySqlServer("Track.Milliseconds", "INT").typeName()).isEqualTo("int");
    }

    // ---- identity, computed columns, defaults

    @Test
    void anIdentityColumnKeepsItsTypeAndCarriesSeedAndIncrementForTheSequenceStep() {
        ColumnSpec id = SqlServerDialect.refined(driverColumn("InvoiceId", Types.INTEGER),
                SysColumn.of("int", 4, 10, 0).identity("1000", "-1"));
        assertThat(id.autoIncrement()).isTrue();
        assertThat(id.typeName()).isEqualTo("int");
        assertThat(id.defaultValue()).isEqualTo("IDENTITY(1000,-1)");
        assertThat(dialect.postgresType(id)).isEqualTo("integer");
        assertThat(dialect.postgresDefault(id)).isNull();
        assertThat(SqlServerDialect.isComputed(id)).isFalse();
    }

    @Test
    void aComputedColumnIsFlaggedInItsTypeNameAndMapsToItsResultType() {
        ColumnSpec full = SqlServerDialect.refined(driverColumn("FullName", Types.NVARCHAR),
                SysColumn.of("nvarchar", 124, 0, 0).computed("([FirstName]+N' '+[LastName])", false));
        assertThat(full.typeName()).isEqualTo("nvarchar(62) AS ([FirstName]+N' '+[LastName])");
        assertThat(SqlServerDialect.isComputed(full)).isTrue();
        assertThat(SqlServerDialect.computedDefinition(full)).isEqualTo("([FirstName]+N' '+[LastName])");
        assertThat(dialect.postgresType(full)).isEqualTo("varchar(62)");
        assertThat(dialect.postgresDefault(full)).isNull();

        ColumnSpec persisted = SqlServerDialect.refined(driverColumn("Net", Types.NUMERIC),
                SysColumn.of("numeric", 9, 12, 2).computed("(CONVERT([numeric](12,2),[Total]/(1.2)))", true));
        assertThat(persisted.typeName()).isEqualTo("numeric(12,2) AS (CONVERT([numeric](12,2),[Total]/(1.2))) PERSISTED");
        assertThat(SqlServerDialect.computedDefinition(persisted)).isEqualTo("(CONVERT([numeric](12,2),[Total]/(1.2)))");
        assertThat(dialect.postgresType(persisted)).isEqualTo("numeric(12,2)");
        assertThat(dialect.reader(persisted)).isSameAs(ValueReaders.DECIMAL);
    }

    @Test
    void defaultsAsSqlServerReportsThemBecomePostgresDefaultsOrNone() {
        assertThat(dialect.postgresDefault(withDefault("bit", "((0))"))).isEqualTo("false");
        assertThat(dialect.postgresDefault(withDefault("bit", "((1))"))).isEqualTo("true");
        assertThat(dialect.postgresDefault(withDefault("int", "((0))"))).isEqualTo("0");
        assertThat(dialect.postgresDefault(withDefault("nvarchar(10)", "(N'O''Brien')"))).isEqualTo("'O''Brien'");
        assertThat(dialect.postgresDefault(withDefault("datetime", "(getdate())"))).isEqualTo("CURRENT_TIMESTAMP");
        assertThat(dialect.postgresDefault(withDefault("uniqueidentifier", "(newid())"))).isNull();
    }

    // ---- values

    /** A GUID SQL Server documents, as text and as the 16 bytes it stores (checked against mssql-jdbc 13.6.2's Util.readGUID). */
    private static final String GUID_TEXT = "6F9619FF-8B86-D011-B42D-00C04FC964FF";
    private static final byte[] GUID_BYTES = HexFormat.of().parseHex("ff19966f868b11d0b42d00c04fc964ff");

    @Test
    void uniqueidentifierKeepsTheDriversTextAndIsNeverRebuiltFromItsBytes() throws SQLException {
        UUID read = SqlServerDialect.uniqueIdentifier(GUID_TEXT);
        assertThat(read.toString()).isEqualToIgnoringCase(GUID_TEXT);

        // what a byte-reading copy (pgloader once did this) makes of the same value: the first three groups reversed
        ByteBuffer bytes = ByteBuffer.wrap(GUID_BYTES);
        UUID fromBytes = new UUID(bytes.getLong(), bytes.getLong());
        assertThat(fromBytes.toString()).isEqualTo("ff19966f-868b-11d0-b42d-00c04fc964ff");
        assertThat(fromBytes).isNotEqualTo(read);

        // the reader asks the driver for the text; getBytes is never called
        ColumnSpec guid = column("uniqueidentifier", SysColumn.of("uniqueidentifier", 16, 0, 0), Types.CHAR);
        ResultSet row = oneValue(Map.of("getString", GUID_TEXT));
        assertThat(dialect.reader(guid).read(row, 1)).isEqualTo(read);
        assertThat(dialect.reader(guid).read(oneValue(Map.of("getString", GUID_TEXT.toLowerCase(Locale.ROOT))), 1)).isEqualTo(read);
    }

    @Test
    void aUniqueidentifierThatIsNotInCanonicalFormIsRefusedNotGuessed() throws SQLException {
        assertThat(SqlServerDialect.uniqueIdentifier(null)).isNull();
        assertThatThrownBy(() -> SqlServerDialect.uniqueIdentifier("1-2-3-4-5"))
                .isInstanceOf(SQLDataException.class).hasMessageContaining("8-4-4-4-12");
        assertThatThrownBy(() -> SqlServerDialect.uniqueIdentifier("{" + GUID_TEXT + "}"))
                .isInstanceOf(SQLDataException.class);
    }

    @Test
    void datetime2WithSevenDigitsLosesOnlyItsHundredNanosecondDigitAndNeverRollsOver() throws SQLException {
        LocalDateTime last = LocalDateTime.parse("9999-12-31T23:59:59.9999999");
        assertThat(SqlServerDialect.toMicros(last)).isEqualTo(LocalDateTime.parse("9999-12-31T23:59:59.999999"));
        assertThat(SqlServerDialect.toMicros(LocalTime.parse("23:59:59.9999999"))).isEqualTo(LocalTime.parse("23:59:59.999999"));
        OffsetDateTime withOffset = OffsetDateTime.parse("2024-02-29T12:34:56.1234567+05:30");
        assertThat(SqlServerDialect.toMicros(withOffset)).isEqualTo(OffsetDateTime.parse("2024-02-29T12:34:56.123456+05:30"));
        assertThat(SqlServerDialect.toMicros(withOffset).getOffset()).isEqualTo(ZoneOffset.ofHoursMinutes(5, 30));
        assertThat(SqlServerDialect.toMicros((LocalDateTime) null)).isNull();

        ColumnSpec seven = column("datetime2", SysColumn.of("datetime2", 8, 27, 7), Types.TIMESTAMP);
        assertThat(dialect.reader(seven).read(oneValue(Map.of("getObject", last)), 1))
                .isEqualTo(LocalDateTime.parse("9999-12-31T23:59:59.999999"));
        ColumnSpec three = column("datetime2(3)", SysColumn.of("datetime2", 7, 23, 3), Types.TIMESTAMP);
        assertThat(dialect.reader(three)).isSameAs(ValueReaders.TIMESTAMP);
        ColumnSpec offset = column("datetimeoffset", SysColumn.of("datetimeoffset", 10, 34, 7), microsoft.sql.Types.DATETIMEOFFSET);
        assertThat(dialect.reader(offset).read(oneValue(Map.of("getObject", withOffset)), 1))
                .isEqualTo(OffsetDateTime.parse("2024-02-29T12:34:56.123456+05:30"));
        ColumnSpec offset3 = column("datetimeoffset(3)", SysColumn.of("datetimeoffset", 9, 30, 3), microsoft.sql.Types.DATETIMEOFFSET);
        assertThat(dialect.reader(offset3)).isSameAs(ValueReaders.TIMESTAMP_TZ);
    }

    @Test
    void everyTypeHasAReaderThatKeepsItsValue() {
        Map<String, ValueReader> expected = new LinkedHashMap<>();
        expected.put("bit", ValueReaders.BOOLEAN);
        expected.put("tinyint", ValueReaders.INT);
        expected.put("bigint", ValueReaders.LONG);
        expected.put("decimal(19,4)", ValueReaders.DECIMAL);
        expected.put("money", ValueReaders.DECIMAL);
        expected.put("smallmoney", ValueReaders.DECIMAL);
        expected.put("float", ValueReaders.DOUBLE);
        expected.put("real", ValueReaders.FLOAT);
        expected.put("date", ValueReaders.DATE);
        expected.put("time(3)", ValueReaders.TIME);
        expected.put("time", SqlServerDialect.TIME_MICROS);
        expected.put("datetime", ValueReaders.TIMESTAMP);
        expected.put("smalldatetime", ValueReaders.TIMESTAMP);
        expected.put("datetime2", SqlServerDialect.TIMESTAMP_MICROS);
        expected.put("datetimeoffset", SqlServerDialect.TIMESTAMP_TZ_MICROS);
        expected.put("nvarchar(max)", ValueReaders.STRING);
        expected.put("varchar(max)", ValueReaders.STRING);
        expected.put("ntext", ValueReaders.STRING);
        expected.put("xml", ValueReaders.STRING);
        expected.put("sql_variant", ValueReaders.STRING);
        expected.put("varbinary(max)", ValueReaders.BYTES);
        expected.put("image", ValueReaders.BYTES);
        expected.put("rowversion", ValueReaders.BYTES);
        expected.put("uniqueidentifier", SqlServerDialect.UNIQUEIDENTIFIER);
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, ValueReader> e : expected.entrySet()) {
            Case c = EVERY_TYPE.stream().filter(x -> x.declared().equals(e.getKey())).findFirst().orElseThrow();
            softly.assertThat(dialect.reader(column(c.declared(), c.sys(), c.jdbcType()))).as(e.getKey()).isSameAs(e.getValue());
        }
        softly.assertAll();
    }

    @Test
    void clrTypesAreReadAsTextThroughTheirConversionAndRefusedOtherwise() throws SQLException {
        ColumnSpec node = SqlServerDialect.refined(driverColumn("OrgNode", Types.VARBINARY), SysColumn.of("hierarchyid", 892, 0, 0));
        ColumnSpec place = SqlServerDialect.refined(driverColumn("Location", Types.VARBINARY), SysColumn.of("geography", -1, 0, 0));
        ColumnSpec name = SqlServerDialect.refined(driverColumn("Name", Types.NVARCHAR), SysColumn.of("nvarchar", 240, 0, 0));
        assertThat(dialect.selectExpression(node)).isEqualTo("[OrgNode].ToString() AS [OrgNode]");
        assertThat(dialect.selectExpression(place)).isEqualTo("CASE WHEN [Location] IS NULL THEN NULL ELSE 'SRID=' + "
                + "CAST([Location].STSrid AS varchar(11)) + ';' + [Location].AsTextZM() END AS [Location]");
        assertThat(dialect.selectExpression(name)).isEqualTo("[Name]");

        assertThat(dialect.reader(node).read(oneValue(Map.of("getString", "/1/3/", "getColumnTypeName", "nvarchar")), 1))
                .isEqualTo("/1/3/");
        assertThatThrownBy(() -> dialect.reader(place).read(oneValue(Map.of("getString", "E6100000010C", "getColumnTypeName", "geography")), 1))
                .isInstanceOf(SQLDataException.class).hasMessageContaining("Location").hasMessageContaining("selectExpression");
        assertThat(SqlServerDialect.isTextType("nvarchar")).isTrue();
        assertThat(SqlServerDialect.isTextType("varbinary")).isFalse();
    }

    // ---- names, literals, settings

    @Test
    void identifiersAreBracketedWithClosingBracketsDoubled() {
        assertThat(dialect.quote("Invoice")).isEqualTo("[Invoice]");
        assertThat(dialect.quote("Order Details")).isEqualTo("[Order Details]");
        assertThat(dialect.quote("a]b[c")).isEqualTo("[a]]b[c]");
        assertThat(dialect.quote("Straße \"quoted\"")).isEqualTo("[Straße \"quoted\"]");
        assertThat(dialect.qualified("dbo", "InvoiceLine")).isEqualTo("[dbo].[InvoiceLine]");
        assertThat(dialect.name()).isEqualTo("Microsoft SQL Server");
    }

    @Test
    void literalsAreTheFormsSqlServerReadsTheSameUnderAnyLanguage() {
        assertThat(dialect.literal("O'Brien")).isEqualTo("N'O''Brien'");
        assertThat(dialect.literal("Zoë 東京")).isEqualTo("N'Zoë 東京'");
        assertThat(dialect.literal(42L)).isEqualTo("42");
        assertThat(dialect.literal(new BigDecimal("922337203685477.5807"))).isEqualTo("922337203685477.5807");
        assertThat(dialect.literal(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(dialect.literal(true)).isEqualTo("1");
        assertThat(dialect.literal(new byte[] {0x0a, (byte) 0xff})).isEqualTo("0x0aff");
        assertThat(dialect.literal(LocalDate.of(2009, 1, 1))).isEqualTo("'20090101'");
        assertThat(dialect.literal(LocalDateTime.parse("2009-01-01T10:15:30.1234567"))).isEqualTo("'2009-01-01T10:15:30.1234567'");
        assertThat(dialect.literal(LocalDateTime.parse("2009-01-01T00:00"))).isEqualTo("'2009-01-01T00:00:00'");
        assertThat(dialect.literal(OffsetDateTime.parse("2009-01-01T10:00+05:30"))).isEqualTo("'2009-01-01T10:00:00+05:30'");
        assertThat(dialect.literal(UUID.fromString(GUID_TEXT))).isEqualTo("'6f9619ff-8b86-d011-b42d-00c04fc964ff'");
        assertThat(dialect.literal(null)).isEqualTo("NULL");
        assertThat(dialect.bindable(UUID.fromString(GUID_TEXT))).isEqualTo("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    }

    @Test
    void systemSchemasAreSkippedButUserSchemasThatLookLikeThemAreNot() {
        assertThat(List.of("sys", "INFORMATION_SCHEMA", "guest", "db_owner", "db_datareader", "db_denydatawriter"))
                .allMatch(dialect::isSystemSchema);
        assertThat(List.of("dbo", "Sales", "db_sales", "sysadmin")).noneMatch(dialect::isSystemSchema);
        assertThat(dialect.isInternalTable("sysdiagrams")).isTrue();
        assertThat(dialect.isInternalTable("Invoice")).isFalse();
    }

    @Test
    void theDefaultSchemaIsTheLoginsOrDbo() throws SQLException {
        assertThat(dialect.defaultSchema(connectionWithSchema("sales"))).isEqualTo("sales");
        assertThat(dialect.defaultSchema(connectionWithSchema(null))).isEqualTo("dbo");
    }

    @Test
    void aSourceUrlThatDefeatsDirectStreamingIsNamed() {
        assertThat(SqlServerDialect.streamingUrlProblem("jdbc:sqlserver://db:1433;databaseName=Chinook")).isEmpty();
        assertThat(SqlServerDialect.streamingUrlProblem("jdbc:sqlserver://db:1433;selectMethod=direct;databaseName=Chinook")).isEmpty();
        assertThat(SqlServerDialect.streamingUrlProblem("jdbc:sqlserver://db:1433;databaseName=Chinook;SelectMethod=cursor"))
                .get().asString().contains("selectMethod=cursor");
        assertThat(SqlServerDialect.streamingUrlProblem("jdbc:sqlserver://db;responseBuffering=full;")).get().asString()
                .contains("responseBuffering=full");
        assertThat(SqlServerDialect.DIRECT_FORWARD_ONLY).isEqualTo(2003);
    }

    @Test
    void deadlocksAndLockTimeoutsAreTransientConstraintViolationsAreNot() {
        assertThat(dialect.transientErrorCodes()).contains(1205, 1222, 40613);
        assertThat(dialect.transientErrorCodes()).doesNotContain(2627, 547, 8152, 18456);
    }

    @Test
    void aTargetSchemaIsCreatedTheTransactSqlWay() {
        assertThat(dialect.createSchemaSql("it's")).isEqualTo("IF SCHEMA_ID(N'it''s') IS NULL EXEC(N'CREATE SCHEMA [it''s]')");
    }

    // ---- helpers

    /** A column as CatalogReader builds it from mssql-jdbc's getColumns, before refine(). */
    private static ColumnSpec driverColumn(String name, int jdbcType) {
        return new ColumnSpec(name, jdbcType, "driver-name", 0, 0, true, null, false);
    }

    private static ColumnSpec column(String name, SysColumn sys, int jdbcType) {
        return SqlServerDialect.refined(driverColumn(name, jdbcType), sys);
    }

    private static ColumnSpec withDefault(String typeName, String dflt) {
        return new ColumnSpec("c", Types.OTHER, typeName, 0, 0, true, dflt, false);
    }

    /** A Chinook declaration as SQL Server keeps it in sys.columns, refined the way refine() does. */
    private static ColumnSpec storedBySqlServer(String name, String declared) {
        Matcher m = Pattern.compile("(\\w+)(?:\\((\\d+)(?:,(\\d+))?\\))?").matcher(declared);
        assertThat(m.matches()).isTrue();
        int n = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int s = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return switch (m.group(1)) {
            case "INT" -> column(name, SysColumn.of("int", 4, 10, 0), Types.INTEGER);
            case "NVARCHAR" -> column(name, SysColumn.of("nvarchar", 2 * n, 0, 0), Types.NVARCHAR);
            case "NUMERIC" -> column(name, SysColumn.of("numeric", n <= 9 ? 5 : n <= 19 ? 9 : n <= 28 ? 13 : 17, n, s), Types.NUMERIC);
            case "DATETIME" -> column(name, SysColumn.of("datetime", 8, 23, 3), Types.TIMESTAMP);
            default -> throw new AssertionError("Chinook declares " + declared + ", which this test does not model");
        };
    }

    /** table.column -> declared type, from the CREATE TABLE statements of a script. */
    private static Map<String, String> columns(java.nio.file.Path script, Pattern table, Pattern column) throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        String current = null;
        for (String line : Files.readAllLines(script, StandardCharsets.UTF_8)) {
            Matcher t = table.matcher(line);
            if (t.find()) {
                current = t.group(1);
                continue;
            }
            if (current == null) {
                continue;
            }
            if (line.startsWith(");")) {
                current = null;
                continue;
            }
            Matcher c = column.matcher(line);
            if (c.matches() && !c.group(1).equals("CONSTRAINT")) {
                result.put(current + "." + c.group(1), c.group(2));
            }
        }
        return result;
    }

    /** InvoiceLine.UnitPrice -> invoice_line.unit_price, the names of the PostgreSQL script. */
    private static String snake(String qualified) {
        List<String> parts = new ArrayList<>();
        for (String p : qualified.split("\\.")) {
            parts.add(p.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT));
        }
        return String.join(".", parts);
    }

    /**
     * The current row of a result as the driver would hand one value over: only the named getters
     * answer (getObject also for getObject(i, Class)); any other call fails, so a test also proves
     * which getter a reader uses.
     */
    private static ResultSet oneValue(Map<String, Object> answers) {
        Object metaData = Proxy.newProxyInstance(SqlServerDialectTest.class.getClassLoader(),
                new Class<?>[] {java.sql.ResultSetMetaData.class}, (proxy, method, args) -> {
                    if (answers.containsKey(method.getName())) {
                        return answers.get(method.getName());
                    }
                    throw new UnsupportedOperationException("ResultSetMetaData." + method.getName());
                });
        return (ResultSet) Proxy.newProxyInstance(SqlServerDialectTest.class.getClassLoader(), new Class<?>[] {ResultSet.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getMetaData")) {
                        return metaData;
                    }
                    if (method.getName().equals("wasNull")) {
                        return false;
                    }
                    if (answers.containsKey(method.getName())) {
                        return answers.get(method.getName());
                    }
                    throw new UnsupportedOperationException("ResultSet." + method.getName());
                });
    }

    // ---- what a load does not carry (no SQL Server here: the queries are checked for what they must ask)

    @Test
    void notCarriedQueriesReadTheSchemasOwnObjectsFromTheCatalogViews() {
        Map<NotCarried.Kind, String> views = Map.of(NotCarried.Kind.VIEW, "sys.views", NotCarried.Kind.TRIGGER, "sys.triggers",
                NotCarried.Kind.ROUTINE, "sys.objects", NotCarried.Kind.CHECK, "sys.check_constraints",
                NotCarried.Kind.COMMENT, "sys.extended_properties", NotCarried.Kind.FULLTEXT_INDEX, "sys.fulltext_indexes");
        assertThat(SqlServerDialect.NOT_CARRIED).extracting(NotCarriedQuery::kind).containsExactlyInAnyOrderElementsOf(views.keySet());
        for (NotCarriedQuery q : SqlServerDialect.NOT_CARRIED) {
            String sql = q.sql();
            assertThat(sql).as(q.kind().name()).contains(views.get(q.kind()), "SCHEMA_NAME(").startsWith("SELECT ");
            assertThat(sql.chars().filter(ch -> ch == '?').count()).as(q.kind() + ": one parameter, the schema").isEqualTo(1);
            assertThat(selectedColumns(sql)).as(q.kind() + ": table, then name").isEqualTo(2);
        }
        assertThat(SqlServerDialect.NOT_CARRIED.stream().filter(q -> q.kind() != NotCarried.Kind.COMMENT
                && q.kind() != NotCarried.Kind.FULLTEXT_INDEX)).allSatisfy(q -> assertThat(q.sql()).contains("is_ms_shipped = 0"));
        assertThat(SqlServerDialect.NOT_CARRIED.stream().filter(q -> q.kind() == NotCarried.Kind.ROUTINE).findFirst().orElseThrow().sql())
                .contains("'P'", "'FN'", "'IF'", "'TF'");
        assertThat(SqlServerDialect.NOT_CARRIED.stream().filter(q -> q.kind() == NotCarried.Kind.COMMENT).findFirst().orElseThrow().sql())
                .contains("N'MS_Description'", "p.class = 1");
    }

    /** Expressions between SELECT and the first FROM, counted by their commas outside parentheses. */
    private static int selectedColumns(String sql) {
        String list = sql.substring(0, sql.indexOf(" FROM "));
        int depth = 0;
        int columns = 1;
        for (char ch : list.toCharArray()) {
            depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
            columns += ch == ',' && depth == 0 ? 1 : 0;
        }
        return columns;
    }

    @Test
    void xmlSpatialColumnstoreAndFilteredIndexesAreNotOrdinaryOnes() {
        assertThat(SqlServerDialect.INDEXES_SQL).contains("sys.indexes", "has_filter", "OBJECT_ID(?)");
        assertThat(SqlServerDialect.indexKind(1, false)).isEqualTo(IndexSpec.Kind.PLAIN);
        assertThat(SqlServerDialect.indexKind(2, false)).isEqualTo(IndexSpec.Kind.PLAIN);
        assertThat(SqlServerDialect.indexKind(2, true)).isEqualTo(IndexSpec.Kind.PARTIAL);
        assertThat(SqlServerDialect.indexKind(3, false)).isEqualTo(IndexSpec.Kind.OTHER);
        assertThat(SqlServerDialect.indexKind(4, false)).isEqualTo(IndexSpec.Kind.SPATIAL);
        assertThat(SqlServerDialect.indexKind(6, false)).isEqualTo(IndexSpec.Kind.OTHER);
    }

    private static Connection connectionWithSchema(String schema) {
        return (Connection) Proxy.newProxyInstance(SqlServerDialectTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getSchema")) {
                        return schema;
                    }
                    throw new UnsupportedOperationException("Connection." + method.getName());
                });
    }
}

package org.camelreplicator.stream;

import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import io.debezium.config.Configuration;
import io.debezium.connector.sqlserver.Lsn;
import io.debezium.connector.sqlserver.SqlServerConnectorConfig;
import io.debezium.connector.sqlserver.SqlServerOffsetContext;
import io.debezium.connector.sqlserver.SqlServerPartition;
import io.debezium.relational.TableId;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.InvalidSettingException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SQL Server stream source without a server (there is none on the build machines): the connector properties it
 * gives for a ledger state, read back by Debezium's own SQL Server connector classes (its configuration, table filter,
 * offset loader, partition and LSN type), so a key or a format the connector reads differently fails here.
 */
class SqlServerStreamSourceTest {

    private static final String URL = "jdbc:sqlserver://db.example.com\\SALES:14330;databaseName=Shop;encrypt=true;"
            + "trustServerCertificate=true;password={se;cr}}et};user=replicator";
    private static final byte[] LSN = {0, 0, 0, 0x2b, 0, 0, 0x03, 0x58, 0, 0x03};

    @Test
    void anLsnIsWrittenAsTheConnectorWritesAndReadsIt() {
        assertThat(SqlServerStreamSource.lsnText(LSN)).isEqualTo("0000002b:00000358:0003").isEqualTo(Lsn.valueOf(LSN).toString());
        byte[] high = {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0x10, (byte) 0xa0};
        assertThat(SqlServerStreamSource.lsnBytes(SqlServerStreamSource.lsnText(high))).isEqualTo(high);
        assertThat(Lsn.valueOf(SqlServerStreamSource.lsnText(high)).getBinary()).isEqualTo(high);
        assertThat(SqlServerStreamSource.lsnBytes("NULL")).isNull();
        assertThatThrownBy(() -> SqlServerStreamSource.lsnBytes("2B/358")).hasMessageContaining("Not a SQL Server LSN");
        assertThatThrownBy(() -> SqlServerStreamSource.lsnText(new byte[8])).hasMessageContaining("binary(10)");
    }

    @Test
    void theRecordedPositionIsTheOffsetTheConnectorStartsFrom() {
        Map<String, Object> offset = SqlServerStreamSource.startOffset(LSN);
        // as the ledger keeps it (JSON) and as the offset store hands it back
        Map<String, Object> stored = StreamOffsets.map(StreamOffsets.json(offset));
        SqlServerOffsetContext context = new SqlServerOffsetContext.Loader(new SqlServerConnectorConfig(config(
                SqlServerStreamSource.properties(URL, "Shop", "s1", List.of(table("dbo", "Orders")), false)))).load(stored);
        assertThat(context.getChangePosition().getCommitLsn()).isEqualTo(Lsn.valueOf(LSN));
        assertThat(context.getChangePosition().getInTxLsn().isAvailable()).as("no change of it applied yet").isFalse();
        assertThat(context.isInitialSnapshotRunning()).isFalse();
        assertThat(context.isSnapshotCompleted()).as("the first poll reads from the commit LSN, inclusive").isFalse();
        assertThat(SqlServerStreamSource.commitLsn(stored)).isEqualTo(LSN);
    }

    @Test
    void theLedgerPartitionIsTheConnectorsForTheDatabase() {
        assertThat(SqlServerStreamSource.partition("s1", "Shop")).isEqualTo(new HashMap<>(new SqlServerPartition("s1", "Shop", false)
                .getSourcePartition()));
    }

    @Test
    void theConnectorReadsTheDatabaseFromItsRecordedPositionWithoutData() {
        Properties p = SqlServerStreamSource.properties(URL, "Shop", "s1", List.of(table("dbo", "Orders")), false);
        assertThat(p.getProperty("connector.class")).isEqualTo("io.debezium.connector.sqlserver.SqlServerConnector");
        assertThat(p.getProperty("database.names")).isEqualTo("Shop");
        assertThat(p.getProperty("database.hostname")).isEqualTo("db.example.com");
        assertThat(p.getProperty("database.instance")).isEqualTo("SALES");
        assertThat(p.getProperty("database.port")).isEqualTo("14330");
        assertThat(p.getProperty("driver.encrypt")).isEqualTo("true");
        assertThat(p.getProperty("driver.trustServerCertificate")).isEqualTo("true");
        assertThat(p.stringPropertyNames()).as("credentials come from source.username/password, the database from database.names")
                .noneMatch(k -> k.equalsIgnoreCase("driver.password") || k.equalsIgnoreCase("driver.user")
                        || k.equalsIgnoreCase("driver.databaseName"));
        assertThat(p.getProperty("snapshot.mode")).as("first start: the shapes as they are, no rows").isEqualTo("recovery");
        assertThat(SqlServerStreamSource.properties(URL, "Shop", "s1", List.of(table("dbo", "Orders")), true).getProperty("snapshot.mode"))
                .as("later starts: the shapes from the ledger's history").isEqualTo("no_data");
        assertThat(p.getProperty("schema.history.internal")).isEqualTo(LedgerSchemaHistory.class.getName());
        SqlServerConnectorConfig config = new SqlServerConnectorConfig(config(p));
        assertThat(config.getDatabaseNames()).containsExactly("Shop");
        assertThat(config.getSnapshotMode().getValue()).isEqualTo("recovery");
    }

    @Test
    void aServerNamedByUrlPropertiesIsReadFromThem() {
        Properties p = SqlServerStreamSource.properties("jdbc:sqlserver://;serverName=h;portNumber=1500;databaseName=x", "x", "s", List.of(), false);
        assertThat(p.getProperty("database.hostname")).isEqualTo("h");
        assertThat(p.getProperty("database.port")).isEqualTo("1500");
        assertThat(p.getProperty("database.instance")).isNull();
    }

    @Test
    void theTableListMatchesEachStreamedTableAndNoOtherInTheConnectorsOwnFilter() {
        List<TableSpec> tables = List.of(table("dbo", "Invoice]Line"), table("sales", "a,b"), table("odd.schema", "O'Brien [x]"),
                table("dbo", "Straße"), table("dbo", " padded "), table("dbo", "back\\slash"));
        Properties p = SqlServerStreamSource.properties(URL, "Shop", "s1", tables, false);
        var filter = new SqlServerConnectorConfig(config(p)).getTableFilters().dataCollectionFilter();
        for (TableSpec t : tables) {
            assertThat(filter.isIncluded(new TableId("Shop", t.schema(), t.name()))).as(t.schema() + "." + t.name()).isTrue();
        }
        assertThat(filter.isIncluded(new TableId("Shop", "dbo", "Invoice"))).isFalse();
        assertThat(filter.isIncluded(new TableId("Shop", "dbo", "InvoiceXLine"))).isFalse();
        assertThat(filter.isIncluded(new TableId("Shop", "sales", "a"))).as("a comma is no separator").isFalse();
        assertThat(filter.isIncluded(new TableId("Shop", "oddXschema", "O'Brien [x]"))).as("a dot is no wildcard").isFalse();
        assertThat(filter.isIncluded(new TableId("Shop", "dbo", "o'brien [x]"))).as("the schema is part of the match").isFalse();
        assertThat(filter.isIncluded(new TableId("Shop", "dbo", "padded"))).isFalse();
    }

    @Test
    void streamPicksTheSqlServerSourceForItsUrlsAndNamesTheSettingOtherwise() {
        StreamContext context = new StreamContext(null, null, null, k -> Optional.empty());
        assertThat(StreamSource.of("jdbc:sqlserver://h;databaseName=x", context)).isInstanceOf(SqlServerStreamSource.class);
        assertThat(StreamSource.of("jdbc:postgresql://h/x", context)).isInstanceOf(PostgresStreamSource.class);
        assertThatThrownBy(() -> StreamSource.of("jdbc:h2:mem:x;MODE=x", context)).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("source.url=jdbc:h2:mem:x is none of them").hasMessageContaining("SQL Server");
    }

    @Test
    void keysAreCastToTheirDeclaredTypeAndThoseWhoseTextCannotFindTheRowAreRefused() {
        SqlServerStreamSource source = new SqlServerStreamSource(null);
        assertThat(source.keyCast("dbo.t", column("id", "int"))).isEqualTo("int");
        assertThat(source.keyCast("dbo.t", column("code", "varchar(20)"))).isEqualTo("varchar(20)");
        assertThat(source.keyCast("dbo.t", column("amount", "decimal(10,2)"))).isEqualTo("decimal(10,2)");
        assertThat(source.keyCast("dbo.t", column("at", "datetime2(7)"))).isEqualTo("datetime2(7)");
        assertThat(source.keyCast("dbo.t", column("total", "int AS ([a]+[b]) PERSISTED"))).as("a computed key: its type").isEqualTo("int");
        for (String refused : List.of("datetime", "smalldatetime", "time(7)", "float(53)", "varbinary(16)", "rowversion", "sql_variant")) {
            assertThatThrownBy(() -> source.keyCast("dbo.t", column("k", refused))).as(refused).isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("Table dbo.t has key column k of type " + refused).hasMessageContaining("replicator.exclude");
        }
    }

    @Test
    void theRefusalsGiveTheStatementsThatEnableCapture() {
        assertThat(SqlServerStreamSource.enableTableStatement("dbo", "O'Brien")).isEqualTo(
                "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'O''Brien', @role_name = NULL;");
        assertThat(SqlServerStreamSource.enableDbStatement("Sales]DB")).isEqualTo("USE [Sales]]DB]; EXEC sys.sp_cdc_enable_db;");
    }

    private static Configuration config(Properties connector) {
        Properties p = new Properties();
        p.putAll(connector);
        p.setProperty("name", "s1");
        p.setProperty("topic.prefix", "s1");
        return Configuration.from(p);
    }

    private static TableSpec table(String schema, String name) {
        return new TableSpec("Shop", schema, name, List.of(column("id", "int")), List.of("id"), List.of(), List.of(), List.of(), 0);
    }

    private static ColumnSpec column(String name, String type) {
        return new ColumnSpec(name, Types.OTHER, type, 0, 0, false, null, false);
    }
}

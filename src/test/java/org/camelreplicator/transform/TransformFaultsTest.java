package org.camelreplicator.transform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transform's failures, H2 to PostgreSQL: a row the route fails on stops its table naming table,
 * column, row key and setting, or with on-bad-row=reject becomes a reject; a route the target table
 * could not be created for is refused before anything is written.
 */
class TransformFaultsTest {

    @TempDir
    Path dir;

    private String source() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("source");
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ITEMS (ID BIGINT PRIMARY KEY, CODE VARCHAR(10) NOT NULL, LABEL VARCHAR(40))");
            st.execute("INSERT INTO ITEMS SELECT X, CASE WHEN X = 13 THEN 'n/a' ELSE CAST(X * 10 AS VARCHAR) END, 'item ' || X"
                    + " FROM SYSTEM_RANGE(1, 400)");
        }
        return url;
    }

    private Path route(String name, String steps) throws Exception {
        Path file = dir.resolve(name + ".camel.yaml");
        Files.writeString(file, """
                - route:
                    id: %s
                    routeConfigurationId: caller-reports-failures
                    from:
                      uri: direct:%s
                      steps:
                %s""".formatted(name, name, steps.indent(8)));
        return file;
    }

    private static final String CAST_CODE = """
            - setHeader:
                name: code
                simple:
                  expression: "${header.code}"
                  resultType: java.lang.Long
            """;

    @Test
    void aRowTheRouteFailsOnStopsItsTableNamingTableColumnRowKeyAndSetting() throws Exception {
        String target = TestPostgres.newDatabase("transform_fault_fail");
        Path route = route("cast-code", CAST_CODE);
        Replicator replicator = Replicator.between(source(), "sa", target, dir).with("--replicator.table.items.transform=" + route,
                "--chunk-rows=100");

        Replicator.Result load = replicator.run("load");

        assertThat(load.exitCode()).as(load.all()).isEqualTo(1);
        assertThat(load.all()).contains("Table PUBLIC.ITEMS, column code, row (ID=13): the transform route cast-code"
                        + " (replicator.table.items.transform) failed at setHeader[code]: ",
                "n/a", "or set replicator.on-bad-row=reject");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'items'"
                    + " ORDER BY ordinal_position")).containsExactly(List.of("id", "bigint"), List.of("code", "bigint"),
                    List.of("label", "character varying"));
            assertThat(Tables.count(t, "items")).as("the chunks without the row are there, the one with it rolled back").isEqualTo(300);
            assertThat(Tables.text(t, "SELECT transform FROM replicator.tables")).startsWith("route cast-code"
                    + " (replicator.table.items.transform); sets CODE as bigint [steps ");
        }

        // the user changes the route before resuming: chunks written by two routes would match neither
        route("cast-code", CAST_CODE.replace("java.lang.Long", "java.lang.String"));
        Replicator.Result resume = replicator.run("load", "--resume");

        assertThat(resume.exitCode()).as(resume.all()).isEqualTo(2);
        assertThat(resume.all()).contains("Table PUBLIC.ITEMS was planned in run 1 with the transform route cast-code"
                + " (replicator.table.items.transform); sets CODE as bigint", "Put the route back as it was to resume, or load --reset");
    }

    @Test
    void withOnBadRowRejectTheRowGoesToTheRejectsAndTheRestIsWritten() throws Exception {
        String target = TestPostgres.newDatabase("transform_fault_reject");
        Path route = route("cast-code", CAST_CODE);
        Replicator replicator = Replicator.between(source(), "sa", target, dir).with("--replicator.table.items.transform=" + route,
                "--chunk-rows=100", "--replicator.on-bad-row=reject");

        Replicator.Result load = replicator.run("load");

        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(399);
            assertThat(Tables.rows(t, "SELECT code, label FROM items WHERE id = 14")).containsExactly(List.of("140", "item 14"));
            assertThat(Tables.rows(t, "SELECT row_key FROM replicator.rejects")).containsExactly(List.of("(ID=13)"));
            assertThat(Tables.text(t, "SELECT error FROM replicator.rejects")).contains("column code, row (ID=13): the transform route"
                    + " cast-code (replicator.table.items.transform) failed at setHeader[code]");
        }
    }

    @Test
    void aRouteTheTargetTableCannotBeCreatedForIsRefusedBeforeAnythingIsWritten() throws Exception {
        String target = TestPostgres.newDatabase("transform_fault_refused");
        String source = source();
        Path untyped = route("untyped", """
                - setHeader:
                    name: code_and_label
                    simple:
                      expression: "${header.code}-${header.label}"
                """);
        Path key = route("drops-key", """
                - removeHeader:
                    name: id
                """);

        Replicator.Result noType = Replicator.between(source, "sa", target, dir).with("--replicator.table.items.transform=" + untyped).run("load");
        Replicator.Result noKey = Replicator.between(source, "sa", target, dir).with("--replicator.table.items.transform=" + key).run("load");
        Replicator.Result noRoute = Replicator.between(source, "sa", target, dir).with("--replicator.table.items.transform=no-such-route")
                .run("load");

        assertThat(noType.exitCode()).as(noType.all()).isEqualTo(2);
        assertThat(noType.all()).contains("replicator.table.items.transform=" + untyped + ": route untyped adds column code_and_label"
                + " to table PUBLIC.ITEMS without a type", "Give its expression a resultType");
        assertThat(noKey.exitCode()).as(noKey.all()).isEqualTo(2);
        assertThat(noKey.all()).contains("route drops-key removes column ID of table PUBLIC.ITEMS, which the copy needs as the source"
                + " has it", "replicator.table.ITEMS.column.ID.target-name");
        Path watermark = route("masks-watermark", """
                - setHeader:
                    name: label
                    simple:
                      expression: "${null}"
                """);
        Replicator.Result noWatermark = Replicator.between(source, "sa", target, dir).with("--replicator.table.items.transform=" + watermark,
                "--replicator.sync.watermark=label").run("sync");
        assertThat(noWatermark.exitCode()).as(noWatermark.all()).isEqualTo(2);
        assertThat(noWatermark.all()).contains("route masks-watermark sets column LABEL of table PUBLIC.ITEMS, which is its sync"
                + " watermark (replicator.sync.watermark=label)");
        Replicator.Result pipeline = Replicator.between(source, "sa", target, dir).with("--replicator.table.items.transform=transform-rows")
                .run("load");
        assertThat(pipeline.exitCode()).as(pipeline.all()).isEqualTo(2);
        assertThat(pipeline.all()).contains("replicator.table.items.transform=transform-rows: route transform-rows is one of the"
                + " replicator's own");
        assertThat(noRoute.exitCode()).as(noRoute.all()).isEqualTo(2);
        assertThat(noRoute.all()).contains("replicator.table.items.transform=no-such-route: no route has the id no-such-route",
                "routes/examples/");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).isEmpty();
        }
    }
}

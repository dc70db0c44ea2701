package org.camelreplicator.transform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestMariaDb;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Column transforms from the other source engines through load and sync: SQLite and MariaDB into
 * PostgreSQL (a mask, a rename, a computed column, a lookup), and H2 into an H2 target, whose table a
 * JDBC dialect creates from the transform's shape.
 */
class TransformOtherEnginesTest {

    private static final String SALT = "other-engines";

    @TempDir
    Path dir;

    private Path route() throws Exception {
        Path file = dir.resolve("shape-customers.camel.yaml");
        Files.writeString(file, """
                - route:
                    id: shape-customers
                    routeConfigurationId: caller-reports-failures
                    from:
                      uri: direct:shape-customers
                      steps:
                        - setHeader:
                            name: email
                            method:
                              ref: masks
                              method: "hash(${header.email})"
                              resultType: java.lang.String
                        - setHeader:
                            name: phone
                            simple:
                              expression: "${null}"
                        - setHeader:
                            name: first
                            simple:
                              expression: "${header.first_name}"
                        - removeHeader:
                            name: first_name
                        - setHeader:
                            name: greeting
                            simple:
                              expression: "Hello ${header.first}"
                              resultType: java.lang.String
                """);
        return file;
    }

    @Test
    void sqliteIntoPostgres() throws Exception {
        String source = "jdbc:sqlite:" + dir.resolve("source.db");
        String target = TestPostgres.newDatabase("transform_sqlite_target");
        try (Connection c = DriverManager.getConnection(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, email TEXT, phone TEXT,"
                    + " updated_at TEXT NOT NULL)");
            st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 800)"
                    + " INSERT INTO customers SELECT i, 'first' || i, 'c' || i || '@example.org', '555-' || i, datetime('now', '-1 day') FROM n");
        }
        Replicator replicator = Replicator.between(source, "", target, dir).with("--replicator.table.customers.transform=" + route(),
                "--replicator.mask.salt=" + SALT, "--replicator.sync.watermark=updated_at", "--replicator.sync.overlap-seconds=0",
                "--chunk-rows=300");

        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection c = DriverManager.getConnection(source); Statement st = c.createStatement()) {
            st.execute("UPDATE customers SET first_name = 'changed', email = 'changed@example.org', updated_at = CURRENT_TIMESTAMP WHERE id = 5");
        }
        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.columns(t, "public", "customers")).containsExactly("id", "email", "phone", "updated_at", "first", "greeting");
            assertThat(Tables.count(t, "customers")).isEqualTo(800);
            assertThat(Tables.rows(t, "SELECT email, phone, first, greeting FROM customers WHERE id IN (4, 5) ORDER BY id")).containsExactly(
                    Arrays.asList(new Masks(SALT).hash("c4@example.org"), null, "first4", "Hello first4"),
                    Arrays.asList(new Masks(SALT).hash("changed@example.org"), null, "changed", "Hello changed"));
        }
    }

    @Test
    void mariaDbIntoPostgresWithALookup() throws Exception {
        String source = TestMariaDb.newDatabase("transform_maria");
        String target = TestPostgres.newDatabase("transform_maria_target");
        try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE status_codes (code INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
            st.execute("INSERT INTO status_codes VALUES (1, 'active'), (2, 'paused'), (3, 'closed')");
            st.execute("CREATE TABLE accounts (id INT PRIMARY KEY, status INT NOT NULL, updated_at DATETIME NOT NULL)");
            st.execute("INSERT INTO accounts SELECT seq, 1 + seq % 3, NOW() - INTERVAL 1 DAY FROM seq_1_to_600");
        }
        Replicator replicator = Replicator.between(source, TestMariaDb.USER, target, dir).with("--replicator.tables=accounts",
                "--replicator.table.accounts.transform=routes/examples/lookup-column.camel.yaml",
                "--replicator.sync.watermark=updated_at", "--replicator.sync.overlap-seconds=0", "--chunk-rows=250");

        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
            st.execute("UPDATE accounts SET status = 3, updated_at = NOW() WHERE id = 7");
        }
        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "accounts")).isEqualTo(600);
            assertThat(Tables.rows(t, "SELECT status, status_name, count(*) FROM accounts GROUP BY 1, 2 ORDER BY 1")).containsExactly(
                    List.of("1", "active", "200"), List.of("2", "paused", "199"), List.of("3", "closed", "201"));
            assertThat(Tables.rows(t, "SELECT status_name FROM accounts WHERE id = 7")).containsExactly(List.of("closed"));
        }
    }

    @Test
    void h2IntoAnH2TargetCreatedFromTheTransformsShape() throws Exception {
        String source = "jdbc:h2:file:" + dir.resolve("h2source");
        String target = "jdbc:h2:file:" + dir.resolve("h2target");
        try (Connection c = DriverManager.getConnection(source, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE CUSTOMERS (ID BIGINT PRIMARY KEY, FIRST_NAME VARCHAR(40) NOT NULL, EMAIL VARCHAR(80), PHONE VARCHAR(20),"
                    + " UPDATED_AT TIMESTAMP NOT NULL)");
            st.execute("INSERT INTO CUSTOMERS SELECT X, 'first' || X, 'c' || X || '@example.org', '555-' || X, LOCALTIMESTAMP - INTERVAL '1' DAY"
                    + " FROM SYSTEM_RANGE(1, 500)");
        }
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--replicator.target-schema=PUBLIC",
                "--replicator.table.customers.transform=" + route(), "--replicator.mask.salt=" + SALT,
                "--replicator.sync.watermark=UPDATED_AT", "--replicator.sync.overlap-seconds=0", "--chunk-rows=200");

        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection c = DriverManager.getConnection(source, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("UPDATE CUSTOMERS SET FIRST_NAME = 'changed', UPDATED_AT = LOCALTIMESTAMP WHERE ID = 9");
        }
        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        try (Connection t = DriverManager.getConnection(target, "postgres", "")) {
            List<String> columns = new ArrayList<>(Tables.rows(t, "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_NAME = 'customers' ORDER BY ORDINAL_POSITION").stream().map(r -> r.get(0)).toList());
            assertThat(columns).containsExactly("id", "email", "phone", "updated_at", "first", "greeting");
            assertThat(Tables.rows(t, "SELECT \"email\", \"phone\", \"first\", \"greeting\" FROM PUBLIC.\"customers\" WHERE \"id\" IN (8, 9)"
                    + " ORDER BY \"id\"")).containsExactly(
                    Arrays.asList(new Masks(SALT).hash("c8@example.org"), null, "first8", "Hello first8"),
                    Arrays.asList(new Masks(SALT).hash("c9@example.org"), null, "changed", "Hello changed"));
        }
    }
}

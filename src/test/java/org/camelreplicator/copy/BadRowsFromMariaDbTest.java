package org.camelreplicator.copy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestMariaDb;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values the source refuses to give as they are (MariaDB's zero date in a NOT NULL column, a date with
 * a zero day, a TINYINT(1) that is not 0 or 1) are bad rows like those the target refuses: with
 * replicator.on-bad-row=reject they go to the ledger's rejects with table, column, key and reason, and
 * the rest of the chunk is written; with the default (fail) the table stops, named with the setting
 * to change. Through both drivers, which hide zero dates differently (mariadb-java-client returns NULL
 * and 2020-04-30, Connector/J throws), so the reader must see the server's own text.
 */
class BadRowsFromMariaDbTest {

    @TempDir
    Path dir;

    /** 1,000 orders; rows 7, 500 and 999 hold values PostgreSQL cannot take, spread over several batches and chunks. */
    private String sourceWithBadRows(String prefix) throws Exception {
        String source = TestMariaDb.newDatabase(prefix);
        try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
            st.execute("SET sql_mode = ''"); // allows zero dates and zero days, as MariaDB without NO_ZERO_DATE does
            st.execute("CREATE TABLE orders (id INT PRIMARY KEY, ordered DATE NOT NULL, shipped DATE NULL, paid TINYINT(1),"
                    + " note VARCHAR(20))");
            st.execute("INSERT INTO orders SELECT seq, '2024-01-01' + INTERVAL (seq % 300) DAY, NULL, seq % 2, CONCAT('n', seq)"
                    + " FROM seq_1_to_1000");
            st.execute("UPDATE orders SET ordered = '0000-00-00' WHERE id = 7");
            st.execute("UPDATE orders SET shipped = '2020-05-00' WHERE id = 500");
            st.execute("UPDATE orders SET paid = 5 WHERE id = 999");
            st.execute("UPDATE orders SET shipped = '0000-00-00' WHERE id = 10"); // NULL-able: copied as NULL, by the rule
            st.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20))");
            st.execute("INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace')");
        }
        return source;
    }

    private static String url(String mariaDbUrl, String driver) {
        return driver.equals("mysql") ? mariaDbUrl.replace("jdbc:mariadb:", "jdbc:mysql:") : mariaDbUrl;
    }

    @ParameterizedTest(name = "jdbc:{0}:")
    @ValueSource(strings = {"mariadb", "mysql"})
    void rejectModeRecordsRowsTheSourceRefusesAndCopiesTheRest(String driver) throws Exception {
        String source = url(sourceWithBadRows("reject_read_" + driver), driver);
        String target = TestPostgres.newDatabase("reject_read_target_" + driver);

        Replicator.Result r = Replicator.between(source, TestMariaDb.USER, target, dir)
                .run("load", "--replicator.on-bad-row=reject", "--chunk-rows=400", "--batch-rows=100");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Rejected rows: 3 (orders: 3)");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "orders")).isEqualTo(997);
            assertThat(Tables.count(t, "customers")).isEqualTo(2);
            assertThat(Tables.single(t, "SELECT count(*) FROM orders WHERE id IN (7, 500, 999)")).isZero();
            assertThat(Tables.single(t, "SELECT count(*) FROM orders WHERE id = 10 AND shipped IS NULL")).isEqualTo(1);
            List<List<String>> rejects = Tables.rows(t, "SELECT table_name, row_key, error, row_data FROM replicator.rejects"
                    + " ORDER BY length(row_key), row_key");
            assertThat(rejects).extracting(row -> row.get(0)).containsOnly("orders");
            assertThat(rejects).extracting(row -> row.get(1)).containsExactly("(id=7)", "(id=500)", "(id=999)");
            assertThat(rejects.get(0).get(2)).contains("Table orders, column ordered, row (id=7): holds the zero date '0000-00-00'",
                    "NOT NULL", "22007");
            assertThat(rejects.get(0).get(3)).startsWith("7\t0000-00-00\t");
            assertThat(rejects.get(1).get(2)).contains("column shipped, row (id=500): holds '2020-05-00'");
            assertThat(rejects.get(1).get(3)).contains("\t2020-05-00\t");
            assertThat(rejects.get(2).get(2)).contains("column paid, row (id=999): holds 5", "boolean");
            assertThat(Tables.single(t, "SELECT SUM(rows_rejected) FROM replicator.chunks")).isEqualTo(3);
            assertThat(Tables.single(t, "SELECT SUM(rows_copied) FROM replicator.chunks WHERE table_name = 'orders'")).isEqualTo(997);
        }
    }

    @ParameterizedTest(name = "jdbc:{0}:")
    @ValueSource(strings = {"mariadb", "mysql"})
    void failModeStopsTheTableNamingColumnKeyProblemAndTheSetting(String driver) throws Exception {
        String source = url(sourceWithBadRows("fail_read_" + driver), driver);
        String target = TestPostgres.newDatabase("fail_read_target_" + driver);

        Replicator.Result r = Replicator.between(source, TestMariaDb.USER, target, dir).run("load", "--chunk-rows=400", "--workers=1");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("failed orders", "Table orders, column ordered, row (id=7): holds the zero date '0000-00-00'",
                "replicator.on-bad-row=reject");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "customers")).as("the other tables go on").isEqualTo(2);
            assertThat(Tables.single(t, "SELECT count(*) FROM replicator.rejects")).isZero();
        }
    }
}

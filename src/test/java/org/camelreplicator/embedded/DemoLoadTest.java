package org.camelreplicator.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The zero-setup demo: with no source configured, the generated retail database loads completely. */
class DemoLoadTest {

    static final Map<String, Long> ROWS = Map.of(
            "stores", 50L, "customers", 50_000L, "products", 5_000L,
            "orders", 240_000L, "order_lines", 600_000L, "payments", 240_000L);

    @TempDir
    static Path dataDir;

    static String target;
    static Replicator.Result load;

    @BeforeAll
    static void loadTheDemo() {
        target = TestPostgres.newDatabase("demo_target");
        load = Replicator.demoInto(target, dataDir).run("load", WATERMARK);
    }

    /** As the README writes names: lower case, where H2 keeps them in upper case. */
    static final String WATERMARK = "--replicator.table.orders.sync.watermark=ordered_at";

    @Test
    void everyDemoTableArrivesWithAllItsRows() throws Exception {
        assertThat(load.exitCode()).as(load.all()).isZero();
        assertThat(load.out()).contains("Total rows synced: 1,135,050");
        try (Connection t = TestPostgres.connect(target)) {
            for (Map.Entry<String, Long> e : ROWS.entrySet()) {
                assertThat(Tables.count(t, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void valuesMatchTheDemoSource() throws Exception {
        try (Connection s = DriverManager.getConnection(demoUrl(), DemoDatabase.USER, DemoDatabase.PASSWORD);
             Connection t = TestPostgres.connect(target)) {
            for (String sql : new String[] {
                    "SELECT CAST(SUM(total) AS VARCHAR(40)) FROM orders",
                    "SELECT CAST(SUM(amount) AS VARCHAR(40)) FROM payments",
                    "SELECT CAST(COUNT(phone) AS VARCHAR(40)) FROM customers",
                    "SELECT CAST(SUM(LENGTH(description)) AS VARCHAR(40)) FROM products",
                    "SELECT CAST(MAX(ordered_at) AS VARCHAR(40)) FROM orders",
                    "SELECT CAST(COUNT(DISTINCT reference) AS VARCHAR(40)) FROM payments",
                    "SELECT MIN(last_name) || MAX(first_name) FROM customers",
                    "SELECT CAST(SUM(CASE WHEN active THEN 1 ELSE 0 END) AS VARCHAR(40)) FROM products"}) {
                assertThat(Tables.text(t, sql)).as(sql).isEqualTo(Tables.text(s, sql));
            }
            String tricky = "SELECT description FROM products WHERE product_id = 2";
            assertThat(Tables.text(t, tricky)).isEqualTo("Tab\tseparated, back\\slash").isEqualTo(Tables.text(s, tricky));
        }
    }

    @Test
    void aLowerCaseWatermarkNameReadsTheChangedRowsOfTheUpperCaseColumn() throws Exception {
        // the change keeps every figure valuesMatchTheDemoSource compares equal once synced
        try (Connection s = DriverManager.getConnection(demoUrl(), DemoDatabase.USER, DemoDatabase.PASSWORD);
             java.sql.Statement st = s.createStatement()) {
            st.execute("UPDATE orders SET status = 'changed', ordered_at = LOCALTIMESTAMP(0) - INTERVAL '1' HOUR WHERE order_id = 7");
        }
        Replicator demo = Replicator.demoInto(target, dataDir).with("--tables=orders", WATERMARK);

        Replicator.Result plan = demo.run("sync", "--dry-run");
        Replicator.Result sync = demo.run("sync");

        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).as("the dry run reads the column the sync reads").contains("PUBLIC.ORDERS", "ORDERED_AT");
        assertThat(sync.exitCode()).as(sync.all()).isZero();
        assertThat(sync.out()).contains("1 synced, 0 unchanged, 0 failed");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT status FROM orders WHERE order_id = 7")).isEqualTo("changed");
            assertThat(Tables.single(t, "SELECT rows_copied FROM replicator.tables WHERE run_id = 2")).isEqualTo(1);
        }
    }

    private static String demoUrl() {
        return "jdbc:h2:file:" + dataDir.resolve("demo").resolve("retail");
    }

    @Test
    void demoNamesBecomeSnakeCaseOnTheTarget() throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).containsExactlyInAnyOrderElementsOf(ROWS.keySet());
            assertThat(Tables.columns(t, "public", "order_lines"))
                    .containsExactly("order_line_id", "order_id", "product_id", "quantity", "unit_price", "discount");
        }
    }
}

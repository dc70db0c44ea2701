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
        load = Replicator.demoInto(target, dataDir).run("load");
    }

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
        String demo = "jdbc:h2:file:" + dataDir.resolve("demo").resolve("retail");
        try (Connection s = DriverManager.getConnection(demo, DemoDatabase.USER, DemoDatabase.PASSWORD);
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
    void demoNamesBecomeSnakeCaseOnTheTarget() throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).containsExactlyInAnyOrderElementsOf(ROWS.keySet());
            assertThat(Tables.columns(t, "public", "order_lines"))
                    .containsExactly("order_line_id", "order_id", "product_id", "quantity", "unit_price", "discount");
        }
    }
}

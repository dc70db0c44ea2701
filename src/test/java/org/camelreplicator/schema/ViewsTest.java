package org.camelreplicator.schema;

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
 * replicator.copy-views (--copy-views): a PostgreSQL source's plain views are created on the target
 * after its tables, a view reading another one after it; a view the target refuses fails the run by
 * name and the resumed run creates it; another engine's views are refused up front, nothing written.
 */
class ViewsTest {

    @TempDir
    Path dir;

    @Test
    void theViewsOfAPostgresSourceAreCreatedAfterTheTablesTheyRead() throws Exception {
        String source = TestPostgres.newDatabase("views_source");
        String target = TestPostgres.newDatabase("views_target");
        TestPostgres.execute(source,
                "CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, total numeric(10,2) NOT NULL)",
                "INSERT INTO orders SELECT g, g % 7, g * 1.5 FROM generate_series(1, 500) g",
                "CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 300",
                // reads the view above: created after it
                "CREATE VIEW big_customers AS SELECT customer, count(*) AS orders, sum(total) AS spent FROM big_orders GROUP BY customer",
                "CREATE MATERIALIZED VIEW order_totals AS SELECT customer, sum(total) AS spent FROM orders GROUP BY customer");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);

        Replicator.Result r = replicator.run("load", "--copy-views");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Views created: public.big_orders, public.big_customers", "views: 1 (public.order_totals)");
        String query = "SELECT customer, orders, spent FROM big_customers ORDER BY customer";
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, query)).isNotEmpty().isEqualTo(Tables.rows(s, query));
            assertThat(Tables.rows(t, "SELECT table_name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1"))
                    .containsExactly(List.of("big_customers"), List.of("big_orders"));
        }
    }

    @Test
    void aViewTheTargetRefusesFailsTheRunByNameAndTheResumedRunCreatesIt() throws Exception {
        String source = TestPostgres.newDatabase("views_refused_source");
        String target = TestPostgres.newDatabase("views_refused_target");
        TestPostgres.execute(source,
                "CREATE TABLE orders (id int PRIMARY KEY, region int NOT NULL)",
                "CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO regions VALUES (1, 'north'), (2, 'south')",
                "INSERT INTO orders SELECT g, 1 + g % 2 FROM generate_series(1, 100) g",
                "CREATE VIEW orders_by_region AS SELECT r.name, count(*) AS orders FROM orders o JOIN regions r ON r.id = o.region GROUP BY r.name");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);

        // regions is not part of the run: the view reads a table the target does not have
        Replicator.Result refused = replicator.run("load", "--copy-views", "--exclude=public.regions");

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(refused.out()).contains("failed view public.orders_by_region", "relation \"regions\" does not exist",
                "Views not created (replicator.copy-views)", "load --resume");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "orders")).as("the tables are complete").isEqualTo(100);
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("failed");
        }

        TestPostgres.execute(target, "CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO regions VALUES (1, 'north'), (2, 'south')");
        Replicator.Result resumed = replicator.run("load", "--resume", "--copy-views", "--exclude=public.regions");

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.out()).contains("Views created: public.orders_by_region");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT name, orders FROM orders_by_region ORDER BY name"))
                    .containsExactly(List.of("north", "50"), List.of("south", "50"));
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("done");
        }
    }

    @Test
    void anotherEnginesViewsAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path sqlite = dir.resolve("items.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, price REAL)");
            st.execute("CREATE VIEW cheap AS SELECT * FROM items WHERE price < 10");
        }
        String target = TestPostgres.newDatabase("views_sqlite_target");

        Replicator.Result r = Replicator.between("jdbc:sqlite:" + sqlite, "", target, dir).run("load", "--copy-views");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.all()).contains("replicator.copy-views", "needs a PostgreSQL source and target", "SQLite to PostgreSQL");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('public', 'replicator')"))
                    .as("nothing written").isZero();
        }
    }
}

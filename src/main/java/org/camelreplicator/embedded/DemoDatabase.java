package org.camelreplicator.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup source: a small retail database in H2, generated on first use, the same on every
 * machine (values are arithmetic on row numbers, no randomness). Six tables, 1,135,050 rows:
 * stores, customers, products, orders over 24 months, order lines and payments, with the things
 * real data has: NULLs, non-ASCII names, tabs, newlines and backslashes in text, decimals, time
 * zones and UUIDs.
 */
public final class DemoDatabase {

    public static final String USER = "sa";
    public static final String PASSWORD = "";

    private static final Logger LOG = LoggerFactory.getLogger(DemoDatabase.class);

    private static final String[] SCRIPT = {
        """
        CREATE TABLE stores (
            store_id   INTEGER PRIMARY KEY,
            name       VARCHAR(80) NOT NULL,
            city       VARCHAR(60) NOT NULL,
            country    CHAR(2) NOT NULL,
            opened_on  DATE NOT NULL
        )""",
        """
        INSERT INTO stores
        SELECT X,
               'Store ' || X,
               ARRAY_GET(ARRAY['Lisboa', 'Kraków', 'São Paulo', 'Zürich', 'Reykjavík', 'Osaka', 'Austin', 'Nairobi', 'Tallinn', 'Québec'], MOD(X, 10) + 1),
               ARRAY_GET(ARRAY['PT', 'PL', 'BR', 'CH', 'IS', 'JP', 'US', 'KE', 'EE', 'CA'], MOD(X, 10) + 1),
               DATEADD('DAY', X * 37, DATE '2010-01-01')
          FROM SYSTEM_RANGE(1, 50)""",
        """
        CREATE TABLE customers (
            customer_id    INTEGER PRIMARY KEY,
            first_name     VARCHAR(40) NOT NULL,
            last_name      VARCHAR(40) NOT NULL,
            email          VARCHAR(120) NOT NULL,
            phone          VARCHAR(24),
            home_store_id  INTEGER NOT NULL,
            loyalty_points INTEGER DEFAULT 0 NOT NULL,
            created_at     TIMESTAMP NOT NULL
        )""",
        """
        INSERT INTO customers
        SELECT X,
               ARRAY_GET(ARRAY['Ana', 'Björn', 'Chloé', 'Dmitri', 'Eva', 'François', 'Grzegorz', 'Hana', 'Ines', 'Jürgen', 'Keiko', 'Łukasz', 'Mia', 'Noah', 'Olga', 'Pablo', '渡辺', 'Renée', 'Søren', 'Zoë'], MOD(X * 7, 20) + 1),
               ARRAY_GET(ARRAY['Silva', 'Nowak', 'Müller', 'O''Brien', 'García', 'Rossi', 'Dubois', 'Jensen', 'Kowalski', 'Smith', 'Tanaka', 'Novák', 'Ivanova', 'Costa', 'Fernández', 'Berg', 'Hoang', 'Kim', 'Haddad', 'Okafor'], MOD(X * 13, 20) + 1),
               'customer' || X || '@example.com',
               CASE WHEN MOD(X, 4) = 0 THEN NULL ELSE '+1-555-' || LPAD(CAST(MOD(X * 7919, 10000) AS VARCHAR), 4, '0') END,
               MOD(X, 50) + 1,
               MOD(X * 31, 5000),
               DATEADD('MINUTE', X * 13, TIMESTAMP '2021-06-01 08:00:00')
          FROM SYSTEM_RANGE(1, 50000)""",
        """
        CREATE TABLE products (
            product_id  INTEGER PRIMARY KEY,
            sku         VARCHAR(20) NOT NULL,
            name        VARCHAR(120) NOT NULL,
            category    VARCHAR(40) NOT NULL,
            unit_price  NUMERIC(10, 2) NOT NULL,
            active      BOOLEAN DEFAULT TRUE NOT NULL,
            description CHARACTER LARGE OBJECT
        )""",
        """
        INSERT INTO products
        SELECT X,
               'SKU-' || LPAD(CAST(X AS VARCHAR), 6, '0'),
               ARRAY_GET(ARRAY['Coffee', 'Tea', 'Mug', 'Grinder', 'Kettle', 'Filter', 'Beans', 'Scale'], MOD(X, 8) + 1) || ' #' || X,
               ARRAY_GET(ARRAY['drinks', 'kitchen', 'gifts', 'accessories', 'machines'], MOD(X, 5) + 1),
               CAST(MOD(X * 7907, 50000) AS NUMERIC(10, 2)) / 100 + 0.99,
               MOD(X, 17) <> 0,
               CASE MOD(X, 5)
                   WHEN 0 THEN NULL
                   WHEN 1 THEN 'Line one' || CHAR(10) || 'line two'
                   WHEN 2 THEN 'Tab' || CHAR(9) || 'separated, back\\slash'
                   WHEN 3 THEN 'Windows line' || CHAR(13) || CHAR(10) || 'end'
                   ELSE 'Plain description of product ' || X END
          FROM SYSTEM_RANGE(1, 5000)""",
        """
        CREATE TABLE order_lines (
            order_line_id INTEGER PRIMARY KEY,
            order_id      INTEGER NOT NULL,
            product_id    INTEGER NOT NULL,
            quantity      SMALLINT NOT NULL,
            unit_price    NUMERIC(10, 2) NOT NULL,
            discount      NUMERIC(4, 3) NOT NULL
        )""",
        // two or three lines per order, 600,000 in all
        """
        INSERT INTO order_lines
        SELECT X,
               (X - 1) * 2 / 5 + 1,
               MOD(X * 6007, 5000) + 1,
               MOD(X, 5) + 1,
               CAST(MOD(MOD(X * 6007, 5000) + 1, 50000) AS NUMERIC(10, 2)) / 100 + 0.99,
               CASE WHEN MOD(X, 10) = 0 THEN 0.125 ELSE 0 END
          FROM SYSTEM_RANGE(1, 600000)""",
        """
        CREATE TABLE orders (
            order_id    INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL,
            store_id    INTEGER NOT NULL,
            ordered_at  TIMESTAMP NOT NULL,
            status      VARCHAR(16) NOT NULL,
            total       NUMERIC(12, 2) NOT NULL
        )""",
        // 240,000 orders spread evenly over the 24 months of 2023 and 2024 (262.8 s apart), each
        // with the total of its lines
        """
        INSERT INTO orders
        SELECT l.order_id,
               MOD(l.order_id * 7919, 50000) + 1,
               MOD(l.order_id * 31, 50) + 1,
               DATEADD('SECOND', (l.order_id - 1) * 262 + MOD(l.order_id * 37, 200), TIMESTAMP '2023-01-01 00:00:00'),
               ARRAY_GET(ARRAY['delivered', 'delivered', 'delivered', 'shipped', 'cancelled', 'returned'], MOD(l.order_id, 6) + 1),
               CAST(l.total AS NUMERIC(12, 2))
          FROM (SELECT order_id, SUM(quantity * unit_price * (1 - discount)) AS total
                  FROM order_lines GROUP BY order_id) l""",
        """
        CREATE TABLE payments (
            payment_id BIGINT PRIMARY KEY,
            order_id   INTEGER NOT NULL,
            paid_at    TIMESTAMP WITH TIME ZONE NOT NULL,
            method     VARCHAR(16) NOT NULL,
            amount     NUMERIC(12, 2) NOT NULL,
            reference  UUID NOT NULL
        )""",
        """
        INSERT INTO payments
        SELECT order_id,
               order_id,
               CAST(CAST(DATEADD('MINUTE', MOD(order_id, 90), ordered_at) AS VARCHAR) || '+00' AS TIMESTAMP WITH TIME ZONE),
               ARRAY_GET(ARRAY['card', 'card', 'cash', 'transfer', 'voucher'], MOD(order_id, 5) + 1),
               total,
               CAST('00000000-0000-4000-8000-' || LPAD(CAST(order_id AS VARCHAR), 12, '0') AS UUID)
          FROM orders"""
    };

    private DemoDatabase() {
    }

    /** The JDBC URL of the demo database under {@code folder}; {@link #ensure} makes sure it exists. */
    public static String url(Path folder) {
        return jdbcUrl(folder.toAbsolutePath().normalize().resolve("retail"));
    }

    /**
     * Generates the demo database under {@code folder} unless it is there, and returns its URL. It is
     * built under a temporary name and renamed when complete, so an interrupted generation never
     * leaves a half-filled demo behind.
     */
    public static synchronized String ensure(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        Path file = dir.resolve("retail.mv.db");
        if (!Files.exists(file)) {
            generate(dir, file);
        }
        return url(folder);
    }

    private static void generate(Path dir, Path file) {
        Path building = dir.resolve("retail-building");
        long start = System.nanoTime();
        LOG.info("Generating the demo source database in {} (1,135,050 rows, once)", dir);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve("retail-building.mv.db"));
            try (Connection c = DriverManager.getConnection(jdbcUrl(building), USER, PASSWORD); Statement st = c.createStatement()) {
                for (String sql : SCRIPT) {
                    st.execute(sql);
                }
                st.execute("SHUTDOWN");
            }
            Files.move(dir.resolve("retail-building.mv.db"), file, StandardCopyOption.ATOMIC_MOVE);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot generate the demo database in " + dir + ": " + e.getMessage(), e);
        }
        LOG.info("Demo source database ready in {} s", String.format("%.1f", (System.nanoTime() - start) / 1e9));
    }

    private static String jdbcUrl(Path base) {
        return "jdbc:h2:file:" + base;
    }
}

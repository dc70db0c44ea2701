package org.camelreplicator.stream;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

import org.camelreplicator.support.TestPostgres;

/**
 * A source workload for the stream tests, on two tables: {@code items (id int PRIMARY KEY, name
 * text, qty int, body text)} and {@code notes (code varchar(20), part int, body text, PRIMARY KEY
 * (code, part))}. Seeded, so a failure repeats: each transaction inserts, updates (also the key),
 * deletes, or touches both tables at once. Keys 1 to 20 of items are left alone for the tests' own
 * marker updates.
 */
final class StreamWorkload {

    static final String[] SCHEMA = {
            "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int, body text)",
            "INSERT INTO items SELECT g, 'item ' || g, g % 97, repeat('b', CASE WHEN g % 250 = 0 THEN 4000 ELSE 20 END)"
                    + " FROM generate_series(1, 3000) g",
            "CREATE TABLE notes (code varchar(20), part int, body text, PRIMARY KEY (code, part))",
            "INSERT INTO notes SELECT 'n' || (g % 40), g, 'note ' || g FROM generate_series(1, 600) g"};

    private final String url;
    private final Random random;
    private int nextId = 1_000_000;
    private int nextPart = 1_000_000;

    StreamWorkload(String url, long seed) {
        this.url = url;
        this.random = new Random(seed);
    }

    /** {@code transactions} source transactions, each committed. */
    void run(int transactions) throws SQLException {
        try (Connection c = TestPostgres.connect(url)) {
            run(c, random, transactions, this::statement);
        }
    }

    /** {@code transactions} transactions of one to four statements each, committed one by one: every workload's loop. */
    static void run(Connection c, Random random, int transactions, java.util.function.Supplier<String> statement) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < transactions; i++) {
                int statements = 1 + random.nextInt(4);
                for (int s = 0; s < statements; s++) {
                    st.execute(statement.get());
                }
                c.commit();
            }
        }
    }

    /** One transaction of {@code rows} updates of items: more events than a stream batch holds when rows is large. */
    void bigTransaction(int rows) throws SQLException {
        TestPostgres.execute(url, "UPDATE items SET qty = qty + 1000, name = name || '+' WHERE id IN"
                + " (SELECT id FROM items WHERE id > 20 ORDER BY id LIMIT " + rows + ")");
    }

    private String statement() {
        int id = 21 + random.nextInt(2980);
        return switch (random.nextInt(9)) {
            case 0, 1 -> "INSERT INTO items VALUES (" + nextId++ + ", 'inserted', " + random.nextInt(100) + ", 'i')";
            case 2, 3 -> "UPDATE items SET qty = qty + 1, name = 'updated " + random.nextInt(1000) + "' WHERE id BETWEEN " + id
                    + " AND " + (id + random.nextInt(5));
            case 4 -> "UPDATE items SET id = " + nextId++ + " WHERE id = " + id;
            case 5 -> "DELETE FROM items WHERE id BETWEEN " + id + " AND " + (id + random.nextInt(3));
            case 6 -> "INSERT INTO notes VALUES ('w" + random.nextInt(5) + "', " + nextPart++ + ", 'inserted')";
            case 7 -> {
                String code = "'n" + random.nextInt(40) + "'";
                yield "UPDATE notes SET body = 'updated " + random.nextInt(1000) + "', part = part + 100000 WHERE code = " + code
                        + " AND part = (SELECT min(part) FROM notes WHERE code = " + code + ")";
            }
            default -> "DELETE FROM notes WHERE (code, part) IN (SELECT code, part FROM notes ORDER BY md5(code || part) LIMIT 2"
                    + " OFFSET " + random.nextInt(100) + ")";
        };
    }
}

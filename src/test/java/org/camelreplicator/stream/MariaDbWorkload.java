package org.camelreplicator.stream;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Random;

import org.camelreplicator.support.TestMariaDb;

/**
 * {@link StreamWorkload} for a MariaDB source with {@link StreamMariaDbTest#SCHEMA}: seeded transactions that insert,
 * update (also the key, also of a DATETIME key), delete, or touch two tables at once. Keys 1 to 20 of items are left
 * alone for the tests' own marker updates.
 */
final class MariaDbWorkload {

    private final String url;
    private final Random random;
    private int nextId = 1_000_000;
    private int nextPart = 1_000_000;

    MariaDbWorkload(String url, long seed) {
        this.url = url;
        this.random = new Random(seed);
    }

    /** {@code transactions} source transactions, each committed. */
    void run(int transactions) throws SQLException {
        try (Connection c = TestMariaDb.connect(url)) {
            StreamWorkload.run(c, random, transactions, this::statement);
        }
    }

    private String statement() {
        int id = 21 + random.nextInt(1980);
        return switch (random.nextInt(10)) {
            case 0, 1 -> "INSERT INTO items (id, name, price, flag, kind, doc, seen, data, qty) VALUES (" + nextId++ + ", 'inserted', "
                    + random.nextInt(1000) + ".25, 1, 'small', '{\"w\": 1}', '2024-02-02 02:02:02.123', x'0102', " + random.nextInt(100) + ")";
            case 2, 3 -> "UPDATE items SET qty = qty + 1, price = price + 0.01, name = 'updated " + random.nextInt(1000) + "' WHERE id BETWEEN "
                    + id + " AND " + (id + random.nextInt(5));
            case 4 -> "UPDATE items SET id = " + nextId++ + " WHERE id = " + id;
            case 5 -> "DELETE FROM items WHERE id BETWEEN " + id + " AND " + (id + random.nextInt(3));
            case 6 -> "INSERT INTO notes VALUES ('w" + random.nextInt(5) + "', " + nextPart++ + ", 'inserted')";
            case 7 -> {
                String code = "'n" + random.nextInt(40) + "'";
                yield "UPDATE notes SET body = 'updated " + random.nextInt(1000) + "', part = part + 100000 WHERE code = " + code
                        + " ORDER BY part LIMIT 1";
            }
            case 8 -> "UPDATE events SET at = at + INTERVAL 1 HOUR, what = 'moved' WHERE seq = " + (1 + random.nextInt(300));
            default -> "DELETE FROM notes WHERE code = 'n" + random.nextInt(40) + "' ORDER BY part LIMIT 2";
        };
    }
}

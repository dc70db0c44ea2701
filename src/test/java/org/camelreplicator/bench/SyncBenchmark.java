package org.camelreplicator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.TestPostgres;

/**
 * Sync measurements, PostgreSQL to PostgreSQL. (1) A catch-up: 100,000 rows of a 1,000,000-row table
 * changed over the 100 days since its load, synced day by day (replicator.sync.window=day) and, from
 * the same watermark, in one transaction. (2) 10,000 rows updated in the 1,000,000-row table, then
 * one sync. (3) 100 tables of 1,000 rows, loaded, then a sync in which nothing changed. Each prints
 * the whole command (Camel start included) and the run itself.
 *
 * <pre>mvn -q -Pbenchmark verify -Dbench.main=org.camelreplicator.bench.SyncBenchmark</pre>
 */
public final class SyncBenchmark {

    private static final Pattern DURATION = Pattern.compile("Duration: ([0-9.]+) s");

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("replicator-sync-bench");
        int changed = Integer.getInteger("bench.changed", 10_000);
        int tables = Integer.getInteger("bench.tables", 100);

        String source = TestPostgres.newDatabase("sync_bench_source");
        try (Connection c = TestPostgres.connect(source); Statement st = c.createStatement()) {
            SampleTables.createItems(c, "items", 1_000_000);
            st.execute("ALTER TABLE items ADD COLUMN updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '200 days'");
            st.execute("CREATE INDEX ON items (updated_at)");
        }
        String target = TestPostgres.newDatabase("sync_bench_target");
        Replicator big = Replicator.between(source, "postgres", target, dir).with("--replicator.sync.watermark=updated_at");
        check(big.run("load"));
        String loadWatermark;
        try (Connection t = TestPostgres.connect(target)) {
            loadWatermark = org.camelreplicator.support.Tables.text(t, "SELECT watermark FROM replicator.sync_state");
        }
        TestPostgres.execute(source, "UPDATE items SET name = 'caught up', updated_at = localtimestamp - interval '100 days'"
                + " + ((id / 10) % 100) * interval '1 day' WHERE id % 10 = 5");
        long start = System.nanoTime();
        Replicator.Result daily = big.run("sync", "--replicator.sync.window=day");
        double dailySeconds = (System.nanoTime() - start) / 1e9;
        check(daily);
        TestPostgres.execute(target, "UPDATE replicator.sync_state SET watermark = '" + loadWatermark + "'");
        start = System.nanoTime();
        Replicator.Result whole = big.run("sync");
        double wholeSeconds = (System.nanoTime() - start) / 1e9;
        check(whole);

        TestPostgres.execute(source, ("UPDATE items SET price = price + 1, name = 'changed', updated_at = localtimestamp"
                + " WHERE id %% %d = 0").formatted(1_000_000 / changed));
        start = System.nanoTime();
        Replicator.Result sync = big.run("sync");
        double bigSeconds = (System.nanoTime() - start) / 1e9;
        check(sync);

        String many = TestPostgres.newDatabase("sync_bench_many");
        try (Connection c = TestPostgres.connect(many); Statement st = c.createStatement()) {
            for (int i = 0; i < tables; i++) {
                st.execute("CREATE TABLE t%d (id int PRIMARY KEY, name text, amount numeric(10,2), updated_at timestamp NOT NULL)".formatted(i));
                st.execute(("INSERT INTO t%d SELECT g, 'row ' || g, g / 100.0, localtimestamp - interval '1 day'"
                        + " FROM generate_series(1, 1000) g").formatted(i));
            }
        }
        Replicator manyTables = Replicator.between(many, "postgres", TestPostgres.newDatabase("sync_bench_many_target"), dir)
                .with("--replicator.sync.watermark=updated_at");
        check(manyTables.run("load"));
        start = System.nanoTime();
        Replicator.Result idle = manyTables.run("sync");
        double idleSeconds = (System.nanoTime() - start) / 1e9;
        check(idle);
        if (!idle.out().contains("0 synced, " + tables + " unchanged")) {
            throw new IllegalStateException("Expected every table unchanged:\n" + idle.out());
        }

        System.out.printf(Locale.ROOT, "%ncatch-up of 100,000 rows changed over 100 days in a 1,000,000-row table%n");
        System.out.printf(Locale.ROOT, "  day by day (%s): whole command: %6.2f s   the run: %s s%n",
                daily.all().contains("catching up in") ? daily.all().replaceAll("(?s).*catching up in (\\d+) windows.*", "$1 windows") : "?",
                dailySeconds, duration(daily));
        System.out.printf(Locale.ROOT, "  one transaction:        whole command: %6.2f s   the run: %s s%n", wholeSeconds, duration(whole));
        System.out.printf(Locale.ROOT, "sync of %,d changed rows in a 1,000,000-row table (PostgreSQL 17 -> same server, 4 workers)%n", changed);
        System.out.printf(Locale.ROOT, "  whole command: %6.2f s   the run: %s s%n", bigSeconds, duration(sync));
        System.out.printf(Locale.ROOT, "sync of %d tables of 1,000 rows in which nothing changed%n", tables);
        System.out.printf(Locale.ROOT, "  whole command: %6.2f s   the run: %s s%n", idleSeconds, duration(idle));
        System.exit(0);
    }

    private static String duration(Replicator.Result r) {
        Matcher m = DURATION.matcher(r.out());
        return m.find() ? m.group(1) : "?";
    }

    private static void check(Replicator.Result r) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException("The replicator failed:\n" + r.all());
        }
    }
}

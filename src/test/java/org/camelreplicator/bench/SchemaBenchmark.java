package org.camelreplicator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.TestPostgres;

/**
 * Two schema measurements. (1) 300 generated tables of 1,000 rows, each with a primary key, a
 * secondary index and a foreign key, through schema + load + indexes + foreign keys + ANALYZE in
 * one load. (2) A 1,000,000-row table with three secondary indexes loaded with the indexes built
 * after the data (what load does) and with the same indexes already on the target table.
 *
 * <pre>mvn -q -Pbenchmark verify -Dbench.main=org.camelreplicator.bench.SchemaBenchmark</pre>
 */
public final class SchemaBenchmark {

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("replicator-schema-bench");
        int tables = Integer.getInteger("bench.tables", 300);

        String source = TestPostgres.newDatabase("many_source");
        try (Connection c = TestPostgres.connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t0 (id int PRIMARY KEY, name text, amount numeric(10,2), created_at timestamp)");
            st.execute("INSERT INTO t0 SELECT g, 'row ' || g, g / 100.0, timestamp '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 1000) g");
            for (int i = 1; i < tables; i++) {
                st.execute(("CREATE TABLE t%d (id int PRIMARY KEY, parent_id int REFERENCES t0 (id), name text, amount numeric(10,2),"
                        + " created_at timestamp)").formatted(i));
                st.execute("CREATE INDEX ON t%d (created_at)".formatted(i));
                st.execute(("INSERT INTO t%d SELECT g, g, 'row ' || g, g / 100.0, timestamp '2024-01-01' + g * interval '1 minute'"
                        + " FROM generate_series(1, 1000) g").formatted(i));
            }
        }
        String target = TestPostgres.newDatabase("many_target");
        long start = System.nanoTime();
        Replicator.Result many = Replicator.between(source, "postgres", target, dir).run("load", "--workers=4");
        double manySeconds = (System.nanoTime() - start) / 1e9;
        check(many);

        String bigSource = TestPostgres.newDatabase("indexed_source");
        try (Connection c = TestPostgres.connect(bigSource); Statement st = c.createStatement()) {
            SampleTables.createItems(c, "items", 1_000_000);
            st.execute("CREATE INDEX items_code ON items (code)");
            st.execute("CREATE INDEX items_created ON items (created_at)");
            st.execute("CREATE INDEX items_ref ON items (ref)");
        }
        String after = TestPostgres.newDatabase("indexes_after");
        start = System.nanoTime();
        check(Replicator.between(bigSource, "postgres", after, dir).run("load"));
        double afterSeconds = (System.nanoTime() - start) / 1e9;

        String before = TestPostgres.newDatabase("indexes_before");
        Replicator replicator = Replicator.between(bigSource, "postgres", before, dir);
        check(replicator.run("schema"));
        try (Connection t = TestPostgres.connect(before); Statement st = t.createStatement()) {
            st.execute("CREATE INDEX items_code_idx ON items (code)");
            st.execute("CREATE INDEX items_created_at_idx ON items (created_at)");
            st.execute("CREATE INDEX items_ref_idx ON items (ref)");
        }
        start = System.nanoTime();
        check(replicator.run("load"));
        double beforeSeconds = (System.nanoTime() - start) / 1e9;

        System.out.printf(Locale.ROOT, "%n%d tables of 1,000 rows (primary key, index, foreign key): schema + load + indexes + foreign keys + ANALYZE%n",
                tables);
        System.out.printf(Locale.ROOT, "  one load, whole process in this JVM : %6.2f s%n", manySeconds);
        System.out.printf(Locale.ROOT, "1,000,000 rows with 3 secondary indexes%n");
        System.out.printf(Locale.ROOT, "  indexes built after the data (load) : %6.2f s%n", afterSeconds);
        System.out.printf(Locale.ROOT, "  indexes on the table during the load: %6.2f s (%.0f%% longer)%n", beforeSeconds,
                100 * (beforeSeconds - afterSeconds) / afterSeconds);
        System.exit(0);
    }

    private static void check(Replicator.Result r) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException("The replicator failed:\n" + r.all());
        }
    }
}

package org.camelreplicator.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Locale;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;

/**
 * The project's copy benchmark: a generated table of N rows copied PostgreSQL to PostgreSQL by the
 * replicator, and the same copy by {@code psql -c 'COPY ... TO STDOUT' | psql -c 'COPY ... FROM STDIN'}
 * on the same server in the same run. Prints rows/s, wall time, peak heap and the ratio.
 *
 * <pre>mvn -q -Pbenchmark verify -Dbench.rows=1000000 -Dbench.workers=4</pre>
 */
public final class CopyBenchmark {

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.rows", 1_000_000);
        int workers = Integer.getInteger("bench.workers", 4);
        String table = "items";
        Path dataDir = Files.createTempDirectory("replicator-bench");

        System.out.printf(Locale.ROOT, "Generating %,d rows...%n", rows);
        String source = TestPostgres.newDatabase("bench_source");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, table, rows);
        }
        String viaReplicator = TestPostgres.newDatabase("bench_replicator");
        String viaPsql = TestPostgres.newDatabase("bench_psql");

        resetPeakHeap();
        long start = System.nanoTime();
        Replicator.Result result = Replicator.between(source, "postgres", viaReplicator, dataDir)
                .run("load", "--workers=" + workers);
        double replicatorSeconds = (System.nanoTime() - start) / 1e9;
        long peakHeap = peakHeap();
        if (result.exitCode() != 0) {
            throw new IllegalStateException("The replicator failed: " + result.all());
        }

        // the psql baseline writes into the same table definition, created without timing it
        Replicator.between(source, "postgres", viaPsql, dataDir).run("schema");
        long psqlStart = System.nanoTime();
        psqlPipe(table, source, viaPsql);
        double psqlSeconds = (System.nanoTime() - psqlStart) / 1e9;

        try (Connection s = TestPostgres.connect(source); Connection r = TestPostgres.connect(viaReplicator);
             Connection p = TestPostgres.connect(viaPsql)) {
            String expected = Tables.contentHash(s, table, "id");
            check("replicator", expected, Tables.contentHash(r, table, "id"));
            check("psql", expected, Tables.contentHash(p, table, "id"));
        }

        System.out.printf(Locale.ROOT, "%nCopy of %,d rows, PostgreSQL %s -> same server, %d workers, %d cores, -Xmx%d MB%n",
                rows, serverVersion(source), workers, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.out.printf(Locale.ROOT, "  camel-replicator load : %7.2f s  %,10.0f rows/s  peak heap %,d MB (whole run incl. Camel start)%n",
                replicatorSeconds, rows / replicatorSeconds, peakHeap / (1024 * 1024));
        System.out.printf(Locale.ROOT, "  psql COPY | psql COPY : %7.2f s  %,10.0f rows/s%n", psqlSeconds, rows / psqlSeconds);
        System.out.printf(Locale.ROOT, "  ratio (psql time / replicator time): %.2f%n", psqlSeconds / replicatorSeconds);
        System.exit(0);
    }

    private static void psqlPipe(String table, String from, String to) throws IOException, InterruptedException {
        String cmd = "psql -X -q -h localhost -p %d -U postgres -d %s -c 'COPY %s TO STDOUT'"
                + " | psql -X -q -h localhost -p %d -U postgres -d %s -c 'COPY %s FROM STDIN'";
        String line = cmd.formatted(TestPostgres.port(), database(from), table, TestPostgres.port(), database(to), table);
        Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", line).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql pipe failed: " + line);
        }
    }

    private static String database(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static String serverVersion(String url) throws Exception {
        try (Connection c = TestPostgres.connect(url)) {
            return Tables.text(c, "SHOW server_version");
        }
    }

    private static void check(String who, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(who + " copy differs from the source: hash " + actual + " vs " + expected);
        }
    }

    private static void resetPeakHeap() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since the reset: an upper bound of the heap in use at any moment. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}

package org.camelreplicator.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.TestMariaDb;
import org.camelreplicator.support.TestPostgres;

/**
 * verify against the load's own time, in the same run: a generated table of N rows loaded, then
 * verified (every range equal, so every row is read on both sides), PostgreSQL to PostgreSQL and
 * MariaDB to PostgreSQL. Each command runs as a JVM of its own under {@code /usr/bin/time}, so its
 * wall time includes the JVM and Camel start and its peak RSS is the whole process's; the run's own
 * duration (from the summary) is printed beside it.
 *
 * <pre>mvn -q -Pbenchmark verify -Dbench.main=org.camelreplicator.bench.VerifyBenchmark -Dbench.rows=1000000</pre>
 */
public final class VerifyBenchmark {

    private static final Pattern DURATION = Pattern.compile("Duration: ([0-9.]+) s");
    private static final Pattern MAX_RSS = Pattern.compile("MAXRSS (\\d+)");

    /** One command as a process: its exit status, wall seconds, the run's own seconds, peak RSS in MB. */
    private record Measured(String what, int exit, double wallSeconds, double runSeconds, long rssMb) {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.rows", 1_000_000);
        int workers = Integer.getInteger("bench.workers", 4);
        Path dir = Files.createTempDirectory("replicator-verify-bench");
        List<Measured> results = new ArrayList<>();

        System.out.printf(Locale.ROOT, "Generating %,d rows in PostgreSQL...%n", rows);
        String pgSource = TestPostgres.newDatabase("verify_bench_source");
        try (Connection c = TestPostgres.connect(pgSource)) {
            SampleTables.createItems(c, "items", rows);
        }
        String pgTarget = TestPostgres.newDatabase("verify_bench_target");
        List<String> pg = List.of("--source.url=" + pgSource, "--source.username=postgres", "--target.url=" + pgTarget,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--workers=" + workers);
        results.add(run("PostgreSQL -> PostgreSQL load", "load", pg, dir));
        results.add(run("PostgreSQL -> PostgreSQL verify", "verify", pg, dir));

        System.out.printf(Locale.ROOT, "Generating %,d rows in MariaDB...%n", rows);
        String mariaSource = TestMariaDb.newDatabase("verify_bench_maria");
        try (Connection c = TestMariaDb.connect(mariaSource); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, code VARCHAR(20) NOT NULL, name TEXT, qty INT, price DECIMAL(12,2),"
                    + " ratio DOUBLE, active TINYINT(1) NOT NULL, created_at DATETIME(6), updated_on DATE, payload VARBINARY(16),"
                    + " attrs JSON, ref CHAR(36))");
            st.execute(("INSERT INTO items SELECT seq, CONCAT('C-', seq), CASE WHEN seq %% 10 = 0 THEN NULL"
                    + " WHEN seq %% 10 = 1 THEN 'tab\\there, newline\\nthere' ELSE CONCAT('item number ', seq) END,"
                    + " (seq * 7) %% 1000, (seq %% 100000) / 100.0, seq / 3.0, seq %% 2 = 0,"
                    + " TIMESTAMP '2020-01-01 00:00:00' + INTERVAL seq MINUTE, DATE '2020-01-01' + INTERVAL seq %% 3000 DAY,"
                    + " IF(seq %% 7 = 0, NULL, UNHEX(MD5(seq))), JSON_OBJECT('k', seq, 's', 'quote \" and tab'), UUID()"
                    + " FROM seq_1_to_%d").formatted(rows));
        }
        String mariaTarget = TestPostgres.newDatabase("verify_bench_maria_target");
        List<String> maria = List.of("--source.url=" + mariaSource, "--source.username=" + TestMariaDb.USER, "--target.url=" + mariaTarget,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--workers=" + workers);
        results.add(run("MariaDB -> PostgreSQL load", "load", maria, dir));
        results.add(run("MariaDB -> PostgreSQL verify", "verify", maria, dir));

        System.out.printf(Locale.ROOT, "%nVerify against load, %,d rows, %d workers, %d cores, -Xmx%d MB per process%n", rows, workers,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / (1024 * 1024));
        for (Measured m : results) {
            System.out.printf(Locale.ROOT, "  %-34s %7.2f s wall  %7.2f s run  %,10.0f rows/s (run)  peak RSS %,5d MB%n", m.what(),
                    m.wallSeconds(), m.runSeconds(), rows / m.runSeconds(), m.rssMb());
        }
        for (int i = 0; i < results.size(); i += 2) {
            Measured load = results.get(i);
            Measured verify = results.get(i + 1);
            System.out.printf(Locale.ROOT, "  %s: verify / load = %.2f (wall), %.2f (run)%n", load.what().replace(" load", ""),
                    verify.wallSeconds() / load.wallSeconds(), verify.runSeconds() / load.runSeconds());
        }
        System.exit(0);
    }

    /** Runs one command of the replicator in a JVM of its own under /usr/bin/time; a command that fails stops the benchmark. */
    private static Measured run(String what, String command, List<String> settings, Path dir) throws Exception {
        Path log = dir.resolve(what.replaceAll("[^A-Za-z]+", "-") + ".log");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "MAXRSS %M",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m", "-cp", System.getProperty("java.class.path"),
                "org.camelreplicator.cli.ReplicatorCli", command));
        cmd.addAll(settings);
        System.out.println(what + "...");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(new File(".").getAbsoluteFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        double wall = (System.nanoTime() - start) / 1e9;
        String output = Files.readString(log);
        if (exit != 0) {
            throw new IllegalStateException(what + " exited with " + exit + ":\n" + output);
        }
        Matcher d = DURATION.matcher(output);
        Matcher rss = MAX_RSS.matcher(output);
        if (!d.find() || !rss.find()) {
            throw new IllegalStateException(what + ": no duration or peak RSS in its output:\n" + output);
        }
        return new Measured(what, exit, wall, Double.parseDouble(d.group(1)), Long.parseLong(rss.group(1)) / 1024);
    }
}

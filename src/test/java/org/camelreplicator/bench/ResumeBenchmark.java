package org.camelreplicator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;

import static org.awaitility.Awaitility.await;

/**
 * What a resume costs: a full load of N rows in its own JVM, then a load killed with SIGKILL once
 * half of its chunks are done and resumed; prints the wall time of the full load and of the
 * resumed half, and checks the resumed copy against the source.
 *
 * <pre>mvn -q -Pbenchmark verify -Dbench.main=org.camelreplicator.bench.ResumeBenchmark -Dbench.rows=1000000</pre>
 */
public final class ResumeBenchmark {

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.rows", 1_000_000);
        int workers = Integer.getInteger("bench.workers", 4);
        int chunks = 20;
        Path dir = Files.createTempDirectory("replicator-resume-bench");
        String source = TestPostgres.newDatabase("resume_bench_source");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", rows);
        }

        String fullTarget = TestPostgres.newDatabase("resume_bench_full");
        double full = timed(ReplicatorProcess.start(dir.resolve("full.log"), args("load", source, fullTarget, dir, workers, rows / chunks)));

        String target = TestPostgres.newDatabase("resume_bench_killed");
        ReplicatorProcess killed = ReplicatorProcess.start(dir.resolve("killed.log"), args("load", source, target, dir, workers, rows / chunks));
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                .until(() -> doneChunks(target) >= chunks / 2);
        killed.kill();
        long doneAtKill = doneChunks(target);
        double resumed = timed(ReplicatorProcess.start(dir.resolve("resumed.log"), args("load --resume", source, target, dir, workers, rows / chunks)));

        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            if (!Tables.contentHash(s, "items", "id").equals(Tables.contentHash(t, "items", "id"))) {
                throw new IllegalStateException("The resumed copy differs from the source");
            }
        }
        System.out.printf(Locale.ROOT, "%nResume after SIGKILL, %,d rows in %d chunks, %d workers (each run a new JVM, wall time incl. start-up)%n",
                rows, chunks, workers);
        System.out.printf(Locale.ROOT, "  full load                          : %6.2f s%n", full);
        System.out.printf(Locale.ROOT, "  load --resume after kill (%2d done) : %6.2f s (%.0f%% of the full load)%n",
                doneAtKill, resumed, 100 * resumed / full);
        System.exit(0);
    }

    private static List<String> args(String command, String source, String target, Path dir, int workers, long chunkRows) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--workers=" + workers, "--chunk-rows=" + chunkRows));
        return args;
    }

    private static double timed(ReplicatorProcess process) throws InterruptedException {
        long start = System.nanoTime();
        if (process.waitFor(3600) != 0) {
            throw new IllegalStateException("The replicator failed:\n" + process.output());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static long doneChunks(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE status = 'done'");
        }
    }
}

package org.camelreplicator.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bench command on real engines: every insert mode the target has, with rows/s and JSON that
 * parses, and nothing left behind on the target, also when the command is stopped mid-mode.
 * No figures are asserted: only that each mode wrote its rows.
 */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void onPostgresEveryModeIncludingCopyTextAndBinaryWritesTheRowsAndNoScratchTableIsLeft() throws Exception {
        String target = TestPostgres.newDatabase("bench_pg");
        Replicator.Result r = Replicator.execute("bench", "--target.url=" + target, "--target.username=postgres",
                "--replicator.data-dir=" + dir, "--records=200", "--json");

        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("records").asLong()).isEqualTo(200);
        assertThat(json.get("baseline").asText()).isEqualTo("row-commit");
        assertThat(modes(json)).containsExactly("row-commit", "row-transaction", "jdbc-batch", "multi-row-values", "copy-text", "copy-binary");
        for (JsonNode mode : json.get("modes")) {
            assertThat(mode.get("rows").asLong()).as(mode.toString()).isEqualTo(200);
            assertThat(mode.get("rows_per_second").asLong()).as(mode.toString()).isPositive();
            assertThat(mode.get("speed_up").asDouble()).as(mode.toString()).isPositive();
        }
        assertThat(json.get("table").asText()).startsWith("public.replicator_bench_");
        try (Connection c = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(c, "public")).as("the scratch table is dropped").isEmpty();
        }
    }

    @Test
    void onH2TheJdbcModesRunWithoutCopyAndSkipIndividualLeavesOutTheRowByRowModes() throws Exception {
        String target = "jdbc:h2:file:" + dir.resolve("target");
        Replicator.Result all = Replicator.execute("bench", "--target.url=" + target, "--target.username=sa",
                "--replicator.data-dir=" + dir, "--records=200", "--verbose");

        assertThat(all.exitCode()).as(all.all()).isZero();
        assertThat(all.out()).contains("| mode | rows | seconds | rows/s | speed-up |", "| row by row, commit each | 200 |",
                        "| row by row, one transaction | 200 |", "| JDBC batches (5,000 rows per batch) | 200 |",
                        "| multi-row VALUES (250 rows per statement) | 200 |", "Speed-up is over row by row, commit each.",
                        "No COPY modes: H2", "Scratch table: CREATE TABLE PUBLIC.\"replicator_bench_")
                .doesNotContain("| COPY");

        Replicator.Result skipped = Replicator.execute("bench", "--target.url=" + target, "--target.username=sa",
                "--replicator.data-dir=" + dir, "--records=200", "--skip-individual", "--json");
        assertThat(skipped.exitCode()).as(skipped.all()).isZero();
        JsonNode json = new ObjectMapper().readTree(skipped.out());
        assertThat(modes(json)).containsExactly("jdbc-batch", "multi-row-values");
        assertThat(json.get("baseline").asText()).isIn("jdbc-batch", "multi-row-values");
        try (Connection c = DriverManager.getConnection(target, "sa", "")) {
            assertThat(Tables.tableNames(c, "PUBLIC")).as("the scratch tables are dropped").isEmpty();
        }
    }

    @Test
    void likeTakesTheShapeOfASourceTableAndAnUnknownTableOrBadRecordsAreUsageErrors() throws Exception {
        String target = "jdbc:h2:file:" + dir.resolve("target");
        Replicator chinook = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dir).with("--target.username=sa");

        Replicator.Result like = chinook.run("bench", "--like=track", "--records=100", "--skip-individual", "--json");
        assertThat(like.exitCode()).as(like.all()).isZero();
        JsonNode json = new ObjectMapper().readTree(like.out());
        assertThat(json.get("shape").asText()).isEqualTo("Track");
        assertThat(json.get("columns").has("track_id")).as(json.toString()).isTrue();
        assertThat(json.get("columns").has("unit_price")).as(json.toString()).isTrue();

        Replicator.Result unknown = chinook.run("bench", "--like=Nope");
        assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(2);
        assertThat(unknown.err()).contains("--like=Nope: the source has no such table", "The source has: Album, Artist,", "leave --like out")
                .doesNotContain("\tat ");

        Replicator.Result records = chinook.run("bench", "--records=lots");
        assertThat(records.exitCode()).isEqualTo(2);
        assertThat(records.err()).contains("--records=lots", "e.g. --records=100000");
        assertThat(chinook.run("bench", "--records=0").exitCode()).isEqualTo(2);

        try (Connection c = DriverManager.getConnection(target, "sa", "")) {
            assertThat(Tables.tableNames(c, "PUBLIC")).isEmpty();
        }
    }

    @Test
    void helpNamesTheBenchOptions() {
        Replicator.Result help = Replicator.execute("help", "bench");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--records=N", "--like=TABLE", "--skip-individual", "--verbose", "--json", "replicator_bench_");
    }

    @Test
    void sigtermDuringAModeStopsTheBenchAndDropsItsScratchTable() throws Exception {
        String target = TestPostgres.newDatabase("bench_stop");
        ReplicatorProcess bench = ReplicatorProcess.start(dir.resolve("bench.log"), List.of("bench", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--records=100000000", "--verbose"));
        // the line is printed once the mode's table is there and its rows start going in
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> bench.output().contains("row by row, commit each: 100,000,000 rows") || !bench.alive());
        try (Connection c = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(c, "public")).as(bench.output()).hasSize(1);
        }
        bench.signalTerm();

        assertThat(bench.waitFor(60)).as(bench.output()).isEqualTo(143);
        assertThat(bench.output()).contains("Dropped public.replicator_bench_");
        try (Connection c = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(c, "public")).as("the scratch table is dropped").isEmpty();
        }
    }

    private static List<String> modes(JsonNode json) {
        List<String> modes = new ArrayList<>();
        json.get("modes").forEach(m -> modes.add(m.get("mode").asText()));
        return modes;
    }
}

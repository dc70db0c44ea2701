package org.camelreplicator.observe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Every run leaves a JSON report; --quiet and --json keep standard output to one answer. */
class RunReportTest {

    @TempDir
    Path dir;

    @Test
    void everyLoadWritesAJsonReportWithTablesTotalsAndSettingsButNoSecret() throws Exception {
        Path reports = dir.resolve("reports");
        Replicator.Result r = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", TestPostgres.newDatabase("report_target")
                + "?password=s3cret-in-url", dir).run("load", "--replicator.report-dir=" + reports, "--tables=Track,Genre",
                "--target.password=s3cret-setting");

        assertThat(r.exitCode()).as(r.all()).isZero();
        List<Path> files;
        try (Stream<Path> s = Files.list(reports)) {
            files = s.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(r.out()).contains("Run report: " + files.get(0));
        String text = Files.readString(files.get(0));
        assertThat(text).doesNotContain("s3cret");
        JsonNode root = new ObjectMapper().readTree(text);
        assertThat(root.path("run_id").asLong()).isEqualTo(1);
        assertThat(root.path("totals").path("rows").asLong()).isEqualTo(3_503 + 25);
        assertThat(root.path("totals").path("bytes").asLong()).isPositive();
        JsonNode track = root.path("tables").path("Track");
        assertThat(track.path("rows").asLong()).isEqualTo(3_503);
        assertThat(track.path("chunks").asInt()).isEqualTo(1);
        assertThat(track.path("retries").asInt()).isZero();
        assertThat(track.path("seconds").asDouble()).isPositive();
        assertThat(root.path("settings").path("workers").asInt()).isEqualTo(4);
        assertThat(root.path("target").asText()).contains("PostgreSQL").doesNotContain("s3cret");
    }

    @Test
    void quietPrintsOneLineAndJsonPrintsOnlyTheReport() throws Exception {
        Replicator chinook = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", TestPostgres.newDatabase("quiet_target"), dir);

        Replicator.Result quiet = chinook.run("load", "--tables=Genre", "--quiet");
        assertThat(quiet.exitCode()).as(quiet.all()).isZero();
        assertThat(quiet.out().strip()).startsWith("Load run 1 done: 1 tables (1 completed, 0 failed, 0 skipped), 25 rows in")
                .doesNotContain("\n");

        Replicator.Result json = chinook.run("load", "--tables=Genre", "--json");
        assertThat(json.exitCode()).as(json.all()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.path("tables").path("Genre").path("rows").asLong()).isEqualTo(25);
    }

    @Test
    void withoutATerminalProgressIsOnePlainLinePerInterval() throws Exception {
        String source = TestPostgres.newDatabase("progress_source");
        try (java.sql.Connection c = TestPostgres.connect(source)) {
            org.camelreplicator.support.SampleTables.createItems(c, "items", 300_000);
        }
        Replicator.Result r = Replicator.between(source, "postgres", TestPostgres.newDatabase("progress_target"), dir)
                .run("load", "--replicator.progress-interval=200", "--workers=1", "--chunk-rows=20000", "--batch-rows=1000");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).containsPattern("Progress: 0/1 tables, [0-9,]+ rows, [0-9,]+ rows/s, ETA [0-9?:]+; running: public.items")
                .doesNotContain("\u001b").doesNotContain("\r");
    }

    @Test
    void etaIsHoursMinutesSeconds() {
        assertThat(ConsoleProgress.eta(3_725)).isEqualTo("1:02:05");
        assertThat(ConsoleProgress.eta(-1)).isEqualTo("?");
    }

    @Test
    void batchesHoldAByteBudgetSoWideRowsMakeSmallBatchesAndNarrowRowsBigOnes() throws Exception {
        String source = TestPostgres.newDatabase("budget_source");
        try (java.sql.Connection c = TestPostgres.connect(source); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE wide (id int PRIMARY KEY, doc text)");
            st.execute("INSERT INTO wide SELECT g, repeat('x', 500000) FROM generate_series(1, 40) g");
            st.execute("CREATE TABLE narrow (id int PRIMARY KEY, n int)");
            st.execute("INSERT INTO narrow SELECT g, g FROM generate_series(1, 4000) g");
        }
        Path reports = dir.resolve("budget");
        Replicator.Result r = Replicator.between(source, "postgres", TestPostgres.newDatabase("budget_target"), dir)
                .run("load", "--replicator.batch-bytes=2000000", "--replicator.batch-min-rows=1", "--batch-rows=5000",
                        "--replicator.report-dir=" + reports);

        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode root;
        try (Stream<Path> s = Files.list(reports)) {
            root = new ObjectMapper().readTree(s.findFirst().orElseThrow().toFile());
        }
        assertThat(root.path("tables").path("public.wide").path("batches").asLong()).as("40 rows of 500 KB in 2 MB batches").isEqualTo(10);
        assertThat(root.path("tables").path("public.narrow").path("batches").asLong()).as("4,000 narrow rows fit one batch").isEqualTo(1);
    }
}

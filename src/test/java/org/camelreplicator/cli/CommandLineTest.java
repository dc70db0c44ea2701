package org.camelreplicator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestMariaDb;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user sees at the command line: help, settings, errors with exit status 2, status output. */
class CommandLineTest {

    @TempDir
    Path dataDir;

    private Replicator chinookInto(String target) {
        return Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dataDir);
    }

    @Test
    void helpListsEveryCommandItsOptionsAndEverySetting() {
        Replicator.Result help = Replicator.execute("help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("load", "schema", "status", "serve", "db", "help", "--http-port=PORT", "replicator.serve.inbox")
                .contains("--resume", "--reset", "--no-truncate", "--json", "--config=FILE", "--tables=LIST", "--workers=N")
                .contains("source.url", "source.username", "source.password", "target.url", "target.username",
                        "target.password", "replicator.tables", "replicator.workers", "replicator.batch-rows");
        assertThat(Replicator.execute("--help").out()).contains("Commands:", "load", "status");
    }

    @Test
    void aPoolTooSmallForTheWorkersIsRefusedNamingBoth() {
        Replicator.Result small = chinookInto(TestPostgres.newDatabase("cli_small_pool")).run("load", "--workers=12");
        assertThat(small.exitCode()).as(small.all()).isEqualTo(2);
        assertThat(small.err()).contains("source.pool-size=10 is too small for replicator.workers=12", "Set source.pool-size=13 or more");
    }

    @Test
    void aMalformedNumberNamesTheSettingAndExitsWithStatus2() {
        Replicator.Result r = chinookInto(TestPostgres.newDatabase("cli_bad_number")).run("load", "--replicator.workers=abc");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("replicator.workers=abc", "is not a whole number");
    }

    @Test
    void anUnknownOptionIsRefusedWithAHint() {
        Replicator.Result r = Replicator.execute("load", "--bogus");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--bogus", "--name=value");
    }

    @Test
    void unknownTablesAreNamedWithTheTablesThatExist() {
        Replicator.Result r = chinookInto(TestPostgres.newDatabase("cli_unknown_table")).run("load", "--tables=Album,Albums,Nope");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown table(s) in replicator.tables: Albums, Nope.", "The source has: Album, Artist,", "Track")
                .doesNotContain("Exception", "\tat ");
    }

    @Test
    void tablesAndExcludeNarrowTheRun() throws Exception {
        String target = TestPostgres.newDatabase("cli_narrow");
        Replicator.Result r = chinookInto(target).run("load", "--tables=Album,Artist,Genre", "--exclude=Genre");
        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).containsExactly("album", "artist");
        }
    }

    @Test
    void aConfigFileHoldsOnlyWhatTheJobChangesPerTableSettingsIncluded() throws Exception {
        String target = TestPostgres.newDatabase("cli_config");
        Path config = dataDir.resolve("other.properties");
        // a job file holds only what it changes: the rest comes from application.properties
        Files.writeString(config, "replicator.naming=preserve\nreplicator.tables=MediaType,Genre\n"
                + "replicator.table.Genre.target-name=Kinds\n");
        Replicator.Result r = chinookInto(target).run("load", "--config=" + config);
        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).containsExactlyInAnyOrder("MediaType", "Kinds");
            assertThat(Tables.columns(t, "public", "MediaType")).containsExactly("MediaTypeId", "Name");
        }
    }

    @Test
    void aConfigFileThatDoesNotExistIsNamedWithStatus2() {
        Path missing = dataDir.resolve("missing.properties");
        Replicator.Result r = Replicator.execute("load", "--config=" + missing);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--config=" + missing + ": no such file").doesNotContain("\tat ");
    }

    @Test
    void aJdbcUrlNoDriverTakesIsASettingErrorThatListsTheSchemes() {
        Replicator.Result r = Replicator.execute("status", "--target.url=jdbc:postgresq://localhost:5432/warehouse",
                "--target.username=postgres", "--target.password=s3cret-value", "--replicator.data-dir=" + dataDir);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("target.url=jdbc:postgresq://localhost:5432/warehouse", "no JDBC driver takes this URL",
                "jdbc:sqlserver:, jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:sqlite:, jdbc:h2:")
                .doesNotContain("No suitable driver", "s3cret-value");

        Replicator.Result source = chinookInto(TestPostgres.newDatabase("cli_bad_scheme")).with("--source.url=sqlite:/tmp/chinook.db")
                .run("load");
        assertThat(source.exitCode()).isEqualTo(2);
        assertThat(source.err()).contains("source.url=sqlite:/tmp/chinook.db", "no JDBC driver takes this URL");
    }

    /**
     * The README documents jdbc:mysql: for MySQL and MariaDB. The jar ships MariaDB Connector/J only
     * (the tests add MySQL Connector/J), so this runs a JVM with the jar's drivers alone.
     */
    @Test
    void aJdbcMysqlUrlReadsMariaDbWithTheDriversTheJarShips() throws Exception {
        String mariadb = TestMariaDb.newDatabase("cli_mysql_scheme");
        try (Connection c = TestMariaDb.connect(mariadb); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(40))");
            st.execute("INSERT INTO notes VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        }
        String target = TestPostgres.newDatabase("cli_mysql_scheme");
        ReplicatorProcess process = ReplicatorProcess.startWithClasspath(dataDir.resolve("mysql.log"), List.of("load",
                "--source.url=" + mariadb.replace("jdbc:mariadb:", "jdbc:mysql:"), "--source.username=" + TestMariaDb.USER,
                "--target.url=" + target, "--target.username=postgres", "--replicator.data-dir=" + dataDir),
                entry -> !entry.contains("mysql-connector-j"));
        assertThat(process.waitFor(120)).as(process.output()).isZero();
        assertThat(process.output()).contains("Source: MariaDB");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT id, body FROM notes ORDER BY id"))
                    .containsExactly(List.of("1", "one"), List.of("2", "two"), List.of("3", "three"));
        }
    }

    @Test
    void aRefusedStartFromTableLeavesNoRunBehindSoThePlainLoadStillStarts() throws Exception {
        String target = TestPostgres.newDatabase("cli_start_from");
        Replicator.Result refused = chinookInto(target).run("load", "--start-from-table=nosuch");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--start-from-table=nosuch is not a table of this run", "Album", "Track");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).as("nothing was created").isEmpty();
        }

        assertThat(chinookInto(target).run("load", "--tables=Genre").exitCode()).isZero();
        try (Connection t = TestPostgres.connect(target); Statement st = t.createStatement()) {
            st.execute("UPDATE replicator.runs SET status = 'failed'");
        }
        Replicator.Result resumeRefused = chinookInto(target).run("load", "--resume", "--tables=Genre", "--start-from-table=nosuch");
        assertThat(resumeRefused.exitCode()).isEqualTo(2);
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT run_id, status FROM replicator.runs")).as("the earlier run as it was")
                    .containsExactly(List.of("1", "failed"));
        }
    }

    @Test
    void schemaCreatesTablesWithoutRows() throws Exception {
        String target = TestPostgres.newDatabase("cli_schema");
        Replicator.Result r = chinookInto(target).run("schema", "--target-schema=music");
        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "music")).hasSize(11).contains("invoice_line");
            assertThat(Tables.count(t, "music.invoice_line")).isZero();
        }
    }

    @Test
    void statusOnAFreshTargetSaysThereIsNoRunYet() {
        Replicator.Result r = chinookInto(TestPostgres.newDatabase("cli_status_fresh")).run("status");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("No run recorded");
    }

    @Test
    void statusShowsTheLastRunAsTextAndAsJson() throws Exception {
        String target = TestPostgres.newDatabase("cli_status");
        assertThat(chinookInto(target).run("load").exitCode()).isZero();

        Replicator.Result text = chinookInto(target).run("status");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("Run 1 (load): done", "11 total, 11 completed, 0 failed, 0 in progress, 0 remaining",
                "15,607 rows", "InvoiceLine", "2,240");

        Replicator.Result json = chinookInto(target).run("status", "--json");
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.path("status").asText()).isEqualTo("done");
        assertThat(root.path("session_start").asText()).isNotEmpty();
        assertThat(root.path("last_update").asText()).isNotEmpty();
        assertThat(root.path("summary").path("rows_synced").asLong()).isEqualTo(15_607);
        JsonNode track = root.path("tables").path("Track");
        assertThat(track.path("status").asText()).isEqualTo("done");
        assertThat(track.path("rows_synced").asLong()).isEqualTo(3_503);
        assertThat(track.path("error").isNull()).isTrue();
    }

    @Test
    void aLoadOverAnUnfinishedRunIsRefusedUntilTheUserChoosesResumeOrReset() throws Exception {
        String target = TestPostgres.newDatabase("cli_unfinished");
        assertThat(chinookInto(target).run("load").exitCode()).isZero();
        try (Connection t = TestPostgres.connect(target); Statement st = t.createStatement()) {
            st.execute("UPDATE replicator.runs SET status = 'failed'");
        }
        Replicator.Result refused = chinookInto(target).run("load");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("run 1", "did not finish", "--resume", "--reset");

        Replicator.Result reset = chinookInto(target).run("load", "--reset");
        assertThat(reset.exitCode()).as(reset.all()).isZero();
        assertThat(reset.out()).contains("--reset", "emptied again");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "track")).isEqualTo(3_503);
        }
    }

    @Test
    void anUnreachableTargetIsReportedAsSuchWithStatus3AndNoPassword() {
        Replicator.Result r = Replicator.execute("status", "--target.url=jdbc:postgresql://localhost:1/nowhere?connectTimeout=2",
                "--target.username=postgres", "--target.password=s3cret-value", "--replicator.data-dir=" + dataDir);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("Cannot connect to the target database at jdbc:postgresql://localhost:1/nowhere", "Check target.url")
                .doesNotContain("s3cret-value");
        assertThat(r.out()).doesNotContain("s3cret-value");
    }

    @Test
    void aFinishedCommandLeavesNoConnectionOpen() throws Exception {
        String target = TestPostgres.newDatabase("cli_connections");
        String database = target.substring(target.lastIndexOf('/') + 1);
        String open = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '" + database + "'";
        for (int i = 0; i < 3; i++) {
            assertThat(chinookInto(target).run("load", "--tables=Genre").exitCode()).isZero();
        }
        try (Connection admin = TestPostgres.connect(TestPostgres.url("postgres"))) {
            assertThat(Tables.single(admin, open)).isZero();
        }
    }

    @Test
    void settingsCanComeFromEnvironmentVariables() throws Exception {
        String target = TestPostgres.newDatabase("cli_environment");
        ReplicatorProcess process = ReplicatorProcess.start(dataDir.resolve("env.log"), List.of("load"), Map.of(
                "SOURCE_URL", "jdbc:sqlite:" + Chinook.sqlite(), "TARGET_URL", target, "TARGET_USERNAME", "postgres",
                "REPLICATOR_TABLES", "Genre,MediaType", "REPLICATOR_NAMING", "preserve", "REPLICATOR_DATA_DIR", dataDir.toString(),
                "REPLICATOR_LOG_LEVEL", "INFO"));
        assertThat(process.waitFor(120)).as(process.output()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).containsExactly("Genre", "MediaType");
        }
    }

    @Test
    void aMisspelledEnvironmentVariableIsRefusedWithTheNearestSetting() throws Exception {
        String target = TestPostgres.newDatabase("cli_environment_typo");
        ReplicatorProcess process = ReplicatorProcess.start(dataDir.resolve("env-typo.log"), List.of("load"), Map.of(
                "SOURCE_URL", "jdbc:sqlite:" + Chinook.sqlite(), "TARGET_URL", target, "TARGET_USERNAME", "postgres",
                "REPLICATOR_WORKER", "2", "REPLICATOR_DATA_DIR", dataDir.toString()));
        assertThat(process.waitFor(120)).as(process.output()).isEqualTo(2);
        assertThat(process.output()).contains("Unknown setting in the environment: REPLICATOR_WORKER.",
                "Did you mean REPLICATOR_WORKERS (replicator.workers)?");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).as("nothing written").isEmpty();
        }
    }

    @Test
    void aProgressSummaryIsPrintedEveryNTables() {
        Replicator.Result r = chinookInto(TestPostgres.newDatabase("cli_progress")).run("load", "--replicator.progress-every-tables=5");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Progress: 5/11 tables (45.5%), 5 completed, 0 failed", "Progress: 10/11 tables (90.9%)")
                .doesNotContain("Progress: 11/11");
    }

    @Test
    void withoutATargetTheEmbeddedPostgresIsStartedAndALaterStatusFindsIt() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String[] embedded = {"--source.url=jdbc:sqlite:" + Chinook.sqlite(), "--replicator.data-dir=" + dataDir,
                "--replicator.embedded.port=" + port};

        Replicator.Result load = Replicator.execute(concat("load", embedded, "--tables=Genre"));
        assertThat(load.exitCode()).as(load.all()).isZero();
        assertThat(load.out()).contains("Target: PostgreSQL", "localhost:" + port, "the embedded PostgreSQL, data in "
                + dataDir.resolve("postgres"), "psql -h localhost -p " + port + " -U postgres postgres");

        Replicator.Result status = Replicator.execute(concat("status", embedded));
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("Run 1 (load): done", "Genre", "25");
    }

    private static String[] concat(String command, String[] options, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(command));
        all.addAll(List.of(options));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}

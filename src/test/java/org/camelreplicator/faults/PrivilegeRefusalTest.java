package org.camelreplicator.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A target user that lacks a privilege is told the GRANT that lifts the refusal, naming the role,
 * the object and the privilege, in one line without a stack trace (that goes to the log file):
 * before anything is written when the load can tell up front (exit status 2, no run in the ledger),
 * as the failed table's line when a table refuses during the run (exit status 1, the others go on).
 */
class PrivilegeRefusalTest {

    @TempDir
    Path dir;

    private Replicator.Result load(String target, String role, String... options) {
        String[] args = new String[5 + options.length];
        args[0] = "load";
        args[1] = "--source.url=jdbc:sqlite:" + Chinook.sqlite();
        args[2] = "--target.url=" + target;
        args[3] = "--target.username=" + role;
        args[4] = "--replicator.data-dir=" + dir;
        System.arraycopy(options, 0, args, 5, options.length);
        return Replicator.execute(args);
    }

    /** PostgreSQL 15 and later give no one CREATE on schema public: a user with CREATE on the database only. */
    @Test
    void aMissingSchemaPrivilegeIsRefusedBeforeAnythingIsWrittenWithTheGrant() throws Exception {
        String target = TestPostgres.newDatabase("grant_schema");
        TestPostgres.plainRole("etl_schema");
        TestPostgres.execute(target, "GRANT CREATE ON DATABASE " + database(target) + " TO etl_schema");

        Replicator.Result refused = load(target, "etl_schema", "--tables=Genre,MediaType");

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
        assertThat(refused.err()).contains("GRANT CREATE ON SCHEMA public TO etl_schema", "Nothing was written");
        assertThat(refused.all()).doesNotContain("\tat ", "Exception", "[1/2]");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "replicator")).as("no ledger, so no run left behind").isEmpty();
        }

        TestPostgres.execute(target, "GRANT CREATE ON SCHEMA public TO etl_schema");
        Replicator.Result granted = load(target, "etl_schema", "--tables=Genre,MediaType");
        assertThat(granted.exitCode()).as(granted.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "genre")).isEqualTo(25);
        }
    }

    @Test
    void aTableRefusedDuringTheRunFailsAloneInOneLineWithTheGrantAndTheStackTraceInTheLogFile() throws Exception {
        String target = TestPostgres.newDatabase("grant_table");
        TestPostgres.plainRole("etl_table");
        // genre exists already, made by another user, who gave etl_table nothing on it
        TestPostgres.execute(target, "GRANT CREATE ON DATABASE " + database(target) + " TO etl_table",
                "GRANT CREATE ON SCHEMA public TO etl_table", "CREATE TABLE genre (genre_id integer PRIMARY KEY, name varchar(120))");

        Replicator.Result r = load(target, "etl_table", "--tables=Genre,MediaType");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        String grant = "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE public.genre TO etl_table";
        assertThat(r.out().lines().filter(l -> l.contains("failed Genre"))).singleElement().asString()
                .contains("permission denied for table genre", "[SQLState 42501]", grant);
        assertThat(r.out()).contains("done MediaType", "Details, with stack traces: " + dir.resolve("logs/replicator.log"));
        assertThat(r.err()).as("the failure is told once, on standard output").doesNotContain("Genre", "genre");
        assertThat(r.all()).doesNotContain("\tat ", "Exception");
        assertThat(Files.readString(dir.resolve("logs/replicator.log")))
                .contains("Table Genre failed: ERROR: permission denied for table genre", "\tat org.postgresql");

        // with --quiet standard output holds the final line alone; the failure's line goes to standard error
        Replicator.Result quiet = load(target, "etl_table", "--tables=Genre,MediaType", "--reset", "--quiet");
        assertThat(quiet.exitCode()).as(quiet.all()).isEqualTo(1);
        assertThat(quiet.out().strip()).containsPattern("^Load run \\d+ failed: ").doesNotContain("\n");
        assertThat(quiet.err().lines().filter(l -> l.contains("Genre"))).singleElement().asString()
                .contains("Table Genre failed: ERROR: permission denied for table genre", grant);
    }

    private static String database(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }
}

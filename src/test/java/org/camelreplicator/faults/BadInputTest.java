package org.camelreplicator.faults;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Every input a user can get wrong gets a message naming what is wrong and what to do, and no secret. */
class BadInputTest {

    @TempDir
    Path dir;

    private Replicator.Result load(String source, String target, String... options) {
        return Replicator.between(source, "postgres", target, dir).run("load", options);
    }

    @Test
    void aWrongPasswordNamesTheDatabaseAndUserButNotThePassword() {
        TestPostgres.passwordRole("careful", "right-secret");
        String target = TestPostgres.newDatabase("bad_password");
        Replicator.Result r = Replicator.execute("load", "--source.url=jdbc:sqlite:" + Chinook.sqlite(), "--target.url=" + target,
                "--target.username=careful", "--target.password=wrong-secret-4711", "--replicator.data-dir=" + dir);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("Cannot connect to the target database at " + target, "password authentication failed",
                "careful", "Check target.url, target.username and target.password");
        assertThat(r.all()).doesNotContain("wrong-secret-4711").doesNotContain("right-secret");
    }

    @Test
    void anUnreachableHostFailsWithinTheConnectTimeout() {
        long start = System.nanoTime();
        Replicator.Result r = Replicator.execute("status", "--target.url=jdbc:postgresql://10.255.255.1:5432/nowhere",
                "--target.username=postgres", "--replicator.connect-timeout=3", "--replicator.data-dir=" + dir);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("Cannot connect to the target database at jdbc:postgresql://10.255.255.1:5432/nowhere");
        assertThat(seconds).as("seconds until the failure").isLessThan(20);
    }

    @Test
    void aMisspelledSettingIsRefusedWithTheNearestOneNotIgnored() throws Exception {
        String target = TestPostgres.newDatabase("bad_setting_name");
        Replicator.Result typo = load("jdbc:sqlite:" + Chinook.sqlite(), target, "--replicator.chunk-row=1000");
        assertThat(typo.exitCode()).as(typo.all()).isEqualTo(2);
        assertThat(typo.err()).contains("Unknown setting replicator.chunk-row. Did you mean replicator.chunk-rows?");

        java.nio.file.Path job = dir.resolve("job.properties");
        java.nio.file.Files.writeString(job, "source.usernme=postgres\n");
        Replicator.Result inFile = load("jdbc:sqlite:" + Chinook.sqlite(), target, "--config=" + job);
        assertThat(inFile.exitCode()).as(inFile.all()).isEqualTo(2);
        assertThat(inFile.err()).contains("Unknown setting source.usernme. Did you mean source.username?");

        try (java.sql.Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('public', 'replicator')"))
                    .as("nothing written").isZero();
        }
    }

    @Test
    void anUnknownDatabaseIsNamed() {
        Replicator.Result r = load("jdbc:sqlite:" + Chinook.sqlite(), TestPostgres.url("no_such_database"));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("database \"no_such_database\" does not exist", "Check target.url");
    }

    @Test
    void anUnknownSourceSchemaListsTheSchemasThatExist() {
        String source = TestPostgres.newDatabase("bad_schema_source");
        Replicator.Result r = load(source, TestPostgres.newDatabase("bad_schema_target"), "--source-schema=sales");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Source schema 'sales' does not exist", "Schemas in the source: public", "replicator.source-schema");
    }

    @Test
    void aTargetUserWithoutPrivilegesIsToldWhichOnesItNeeds() {
        TestPostgres.plainRole("reader_only");
        String target = TestPostgres.newDatabase("no_privileges");
        Replicator.Result r = Replicator.execute("load", "--source.url=jdbc:sqlite:" + Chinook.sqlite(), "--target.url=" + target,
                "--target.username=reader_only", "--replicator.data-dir=" + dir);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("lacks privileges this load needs", "GRANT CREATE ON DATABASE " + target.substring(target.lastIndexOf('/') + 1)
                + " TO reader_only", "GRANT CREATE ON SCHEMA public TO reader_only");
    }

    @Test
    void identifiersWithSpacesQuotesUnicodeReservedWordsAndSqlAreCopiedAndInjectNothing() throws Exception {
        String source = TestPostgres.newDatabase("odd_names_source");
        List<String> tables = List.of("user", "order", "select", "My Table", "it's \"quoted\"", "Größe 表",
                "x; DROP TABLE victims; --");
        try (Connection c = TestPostgres.connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE victims (id int)");
            for (String t : tables) {
                String q = '"' + t.replace("\"", "\"\"") + '"';
                st.execute("CREATE TABLE " + q + " (\"Id\" int PRIMARY KEY, \"from\" text, \"Größe\" int, \"a\"\"b\" text)");
                st.execute("INSERT INTO " + q + " SELECT g, 'v' || g, g, 'x' FROM generate_series(1, 3) g");
            }
        }
        for (String naming : new String[] {"preserve", "snake"}) {
            String target = TestPostgres.newDatabase("odd_names_" + naming);
            Replicator.Result r = load(source, target, "--naming=" + naming, "--chunk-rows=2");
            assertThat(r.exitCode()).as(r.all()).isZero();
            try (Connection t = TestPostgres.connect(target)) {
                List<String> names = Tables.tableNames(t, "public");
                assertThat(names).hasSize(tables.size() + 1);
                if (naming.equals("preserve")) {
                    assertThat(names).containsAll(tables);
                    assertThat(Tables.columns(t, "public", "order")).containsExactly("Id", "from", "Größe", "a\"b");
                    assertThat(Tables.count(t, "\"x; DROP TABLE victims; --\"")).isEqualTo(3);
                } else {
                    assertThat(names).contains("user", "order", "select", "my_table", "größe_表", "x_drop_table_victims");
                    assertThat(Tables.columns(t, "public", "select")).containsExactly("id", "from", "größe", "a_b");
                    assertThat(Tables.count(t, "\"user\"")).isEqualTo(3);
                }
            }
        }
        try (Connection c = TestPostgres.connect(source)) {
            assertThat(Tables.count(c, "victims")).as("the source table a name tried to drop").isZero();
        }
    }

    /** A SQLite table whose row 2 holds text with a NUL character. */
    private Path notesWithNul(String file) throws Exception {
        Path sqlite = dir.resolve(file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
            st.execute("INSERT INTO notes VALUES (1, 'fine'), (2, 'nul' || char(0) || 'inside'), (3, 'fine too')");
        }
        return sqlite;
    }

    @Test
    void textWithNulFailsItsTableNamingColumnAndKeyUnlessStripIsChosen() throws Exception {
        Path sqlite = notesWithNul("nul.sqlite");
        String failing = TestPostgres.newDatabase("nul_fail");
        Replicator.Result failed = Replicator.between("jdbc:sqlite:" + sqlite, "", failing, dir).run("load");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).contains("Table notes, column body, row (id=2): text holds a NUL character", "replicator.text.nul=strip");

        String stripped = TestPostgres.newDatabase("nul_strip");
        Replicator.Result ok = Replicator.between("jdbc:sqlite:" + sqlite, "", stripped, dir).run("load", "--replicator.text.nul=strip");
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        assertThat(ok.err()).contains("removed 1 NUL characters");
        try (Connection t = TestPostgres.connect(stripped)) {
            assertThat(Tables.text(t, "SELECT body FROM notes WHERE id = 2")).isEqualTo("nulinside");
        }
    }

    /** A value the encoder refuses (NUL in text, text.nul=fail) is a bad row too: rejected, and the rest is written. */
    @Test
    void rejectModeRecordsTextWithNulAndWritesTheRest() throws Exception {
        Path sqlite = notesWithNul("nul_reject.sqlite");
        String target = TestPostgres.newDatabase("nul_reject");
        Replicator.Result r = Replicator.between("jdbc:sqlite:" + sqlite, "", target, dir).run("load", "--replicator.on-bad-row=reject");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Rejected rows: 1 (notes: 1)");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT id::text FROM notes ORDER BY id")).containsExactly(List.of("1"), List.of("3"));
            assertThat(Tables.rows(t, "SELECT row_key, error FROM replicator.rejects")).singleElement()
                    .satisfies(row -> assertThat(row.get(0)).isEqualTo("(id=2)"))
                    .satisfies(row -> assertThat(row.get(1)).contains("column body", "NUL"));
        }
    }

    @Test
    void anInvalidDateFailsItsTableNamingColumnAndKey() throws Exception {
        Path sqlite = dir.resolve("dates.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE visits (id INTEGER PRIMARY KEY, at DATETIME)");
            st.execute("INSERT INTO visits VALUES (1, '2023-02-28 10:00:00'), (2, '2023-02-30 10:00:00'), (3, '2023-03-01 10:00:00')");
        }
        Replicator.Result r = Replicator.between("jdbc:sqlite:" + sqlite, "", TestPostgres.newDatabase("bad_date"), dir).run("load");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("failed visits", "column at", "row (id=2)", "out of range", "[SQLState 22008]");
    }

    @Test
    void rejectModeNarrowsARefusedBatchToItsBadRowsAndWritesTheRest() throws Exception {
        String source = TestPostgres.newDatabase("reject_source");
        String target = TestPostgres.newDatabase("reject_target");
        try (Connection c = TestPostgres.connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE payments (id int PRIMARY KEY, amount numeric(12,2))");
            st.execute("INSERT INTO payments SELECT g, CASE WHEN g IN (17, 4242, 9999) THEN -g ELSE g END FROM generate_series(1, 10000) g");
        }
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        TestPostgres.execute(target, "ALTER TABLE payments ADD CONSTRAINT positive CHECK (amount > 0)");

        Replicator.Result r = replicator.run("load", "--replicator.on-bad-row=reject", "--chunk-rows=4000", "--batch-rows=1000");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Rejected rows: 3 (public.payments: 3)", "Total rows synced: 9,997");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "payments")).isEqualTo(9_997);
            assertThat(Tables.rows(t, "SELECT row_key, row_data FROM replicator.rejects ORDER BY row_key").stream()
                    .map(row -> row.get(0) + " " + row.get(1)))
                    .containsExactly("(id=17) 17\t-17.00", "(id=4242) 4242\t-4242.00", "(id=9999) 9999\t-9999.00");
            assertThat(Tables.text(t, "SELECT MIN(error) FROM replicator.rejects")).contains("positive", "23514");
            assertThat(Tables.single(t, "SELECT SUM(rows_rejected) FROM replicator.chunks")).isEqualTo(3);
        }
    }
}

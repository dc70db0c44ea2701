package org.camelreplicator.schema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names at PostgreSQL's limit of 63 bytes (not characters): two source names that PostgreSQL would
 * cut to one are refused before anything is written, an override gives each its own target name,
 * and the names the load makes up (keys, sequences, indexes, foreign keys) stay distinct and the
 * same from run to run. The source is SQLite, which keeps names of any length.
 */
class LongNamesTest {

    private static final String LONG = "a".repeat(63);
    private static final String FIRST = LONG + "_first";
    private static final String SECOND = LONG + "_second";
    private static final String UMLAUTS = "ü".repeat(40);

    @TempDir
    Path dir;

    private String sqlite(String... statements) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("source.db");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
        return url;
    }

    private static String quoted(String name) {
        return "\"" + name + "\"";
    }

    /** Nothing of the run on the target: no table, no run in the ledger. */
    private static void assertNothingWritten(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).as("target tables").isEmpty();
            if (Tables.tableNames(t, "replicator").contains("runs")) {
                assertThat(Tables.count(t, "replicator.runs")).as("runs in the ledger").isZero();
            }
        }
    }

    @Test
    void twoTablesWhoseNamesDifferAfterByte63AreRefusedBeforeAnythingIsWritten() throws Exception {
        String source = sqlite("CREATE TABLE " + quoted(FIRST) + " (id INTEGER PRIMARY KEY, v TEXT)",
                "CREATE TABLE " + quoted(SECOND) + " (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO " + quoted(FIRST) + " VALUES (1, 'one')", "INSERT INTO " + quoted(SECOND) + " VALUES (2, 'two')");
        String target = TestPostgres.newDatabase("long_tables");
        Replicator replicator = Replicator.between(source, "", target, dir).with("--workers=1");

        for (String[] command : new String[][] {{"load"}, {"schema"}, {"load", "--dry-run"}}) {
            Replicator.Result r = replicator.run(command[0], java.util.Arrays.copyOfRange(command, 1, command.length));

            assertThat(r.exitCode()).as(String.join(" ", command) + ": " + r.all()).isEqualTo(2);
            assertThat(r.err()).contains("Tables " + FIRST + " and " + SECOND + " both become target table '" + LONG + "'",
                    "differ only after the first 63 bytes", "replicator.table." + SECOND + ".target-name=<name>");
        }
        assertNothingWritten(target);
    }

    @Test
    void fortyUmlautsAre80BytesAndTwoSuchNamesAreRefusedCutBetweenCharacters() throws Exception {
        String one = UMLAUTS + "_eins";
        String two = UMLAUTS + "_zwei";
        String source = sqlite("CREATE TABLE " + quoted(one) + " (id INTEGER PRIMARY KEY)", "CREATE TABLE " + quoted(two) + " (id INTEGER PRIMARY KEY)",
                "INSERT INTO " + quoted(one) + " VALUES (1)", "INSERT INTO " + quoted(two) + " VALUES (2)");
        String target = TestPostgres.newDatabase("long_umlauts");

        Replicator.Result r = Replicator.between(source, "", target, dir).run("load", "--workers=4");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        // 31 ü are 62 bytes: the 32nd would be cut in half, so it is not kept
        assertThat(r.err()).contains("Tables " + one + " and " + two + " both become target table '" + "ü".repeat(31) + "'",
                "replicator.table." + two + ".target-name=<name>");
        assertNothingWritten(target);
    }

    @Test
    void aTableNameLongerThan63BytesIsRefusedRatherThanCut() throws Exception {
        String source = sqlite("CREATE TABLE " + quoted(FIRST) + " (id INTEGER PRIMARY KEY)");
        String target = TestPostgres.newDatabase("long_single");

        Replicator.Result r = Replicator.between(source, "", target, dir).run("load");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("Table " + FIRST + " becomes target table '" + FIRST + "', 69 bytes long",
                "PostgreSQL keeps names of at most 63 bytes and would cut it to '" + LONG + "'",
                "replicator.table." + FIRST + ".target-name=<name>");
        assertNothingWritten(target);
    }

    @Test
    void twoColumnsWhoseNamesDifferAfterByte63AreRefused() throws Exception {
        String source = sqlite("CREATE TABLE wide (id INTEGER PRIMARY KEY, " + quoted(FIRST) + " TEXT, " + quoted(SECOND) + " TEXT)");
        String target = TestPostgres.newDatabase("long_columns");

        Replicator.Result r = Replicator.between(source, "", target, dir).run("load");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("Columns " + FIRST + " and " + SECOND + " of table wide both become target column '" + LONG + "'",
                "replicator.table.wide.column." + SECOND + ".target-name=<name>");
        assertNothingWritten(target);
    }

    @Test
    void targetNameOverridesCopyEachTableAndColumnIntoItsOwnPlace() throws Exception {
        String source = sqlite("CREATE TABLE " + quoted(FIRST) + " (id INTEGER PRIMARY KEY, v TEXT)",
                "CREATE TABLE " + quoted(SECOND) + " (id INTEGER PRIMARY KEY, " + quoted(LONG) + " TEXT, " + quoted(SECOND) + " TEXT)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                        + " INSERT INTO " + quoted(FIRST) + " SELECT i, 'first ' || i FROM n",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
                        + " INSERT INTO " + quoted(SECOND) + " SELECT i, 'x' || i, 'y' || i FROM n");
        String target = TestPostgres.newDatabase("long_overrides");

        Replicator.Result r = Replicator.between(source, "", target, dir).run("load", "--workers=4", "--chunk-rows=500",
                "--replicator.table." + FIRST + ".target-name=first_table",
                "--replicator.table." + SECOND.toUpperCase() + ".target-name=second_table",
                "--replicator.table." + SECOND + ".column." + SECOND + ".target-name=y");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection s = DriverManager.getConnection(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).containsExactly("first_table", "second_table");
            assertThat(Tables.columns(t, "public", "second_table")).containsExactly("id", LONG, "y");
            assertThat(Tables.rows(t, "SELECT id, v FROM first_table ORDER BY id"))
                    .isEqualTo(Tables.rows(s, "SELECT id, v FROM " + quoted(FIRST) + " ORDER BY id")).hasSize(2000);
            assertThat(Tables.rows(t, "SELECT * FROM second_table ORDER BY id"))
                    .isEqualTo(Tables.rows(s, "SELECT * FROM " + quoted(SECOND) + " ORDER BY id")).hasSize(3000);
        }
    }

    @Test
    void generatedNamesStayWithin63BytesDistinctAndTheSameInEveryRun() throws Exception {
        // 20 ü are 40 bytes: <table>_<column>_idx of two such columns are 71 bytes and alike in the first 63
        String table = "ü".repeat(20);
        String a = "ü".repeat(12) + "_a";
        String b = "ü".repeat(12) + "_b";
        String x = "ü".repeat(12) + "_x";
        String y = "ü".repeat(12) + "_y";
        // two tables of 63 bytes each: their keys and sequences are alike in the first 58 bytes
        String left = "ü".repeat(31) + "l";
        String right = "ü".repeat(31) + "r";
        String source = sqlite(
                "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
                "CREATE TABLE " + quoted(table) + " (id INTEGER PRIMARY KEY, " + quoted(a) + " TEXT, " + quoted(b) + " TEXT, "
                        + quoted(x) + " INTEGER REFERENCES parent (id), " + quoted(y) + " INTEGER REFERENCES parent (id))",
                "CREATE INDEX one ON " + quoted(table) + " (" + quoted(a) + ")",
                "CREATE INDEX two ON " + quoted(table) + " (" + quoted(b) + ")",
                "CREATE TABLE " + quoted(left) + " (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
                "CREATE TABLE " + quoted(right) + " (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
                "INSERT INTO parent VALUES (1), (2)",
                "INSERT INTO " + quoted(table) + " VALUES (1, 'a', 'b', 1, 2)",
                "INSERT INTO " + quoted(left) + " (v) VALUES ('l1'), ('l2')",
                "INSERT INTO " + quoted(right) + " (v) VALUES ('r1')");
        String target = TestPostgres.newDatabase("long_generated");
        Replicator replicator = Replicator.between(source, "", target, dir).with("--workers=4");

        Replicator.Result first = replicator.run("load");
        Replicator.Result again = replicator.run("load");

        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(again.exitCode()).as(again.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            String u16 = "ü".repeat(16);
            assertThat(names(t, "SELECT indexname FROM pg_indexes WHERE tablename = '" + table + "'"))
                    .containsExactlyInAnyOrder(table + "_pkey", u16 + "_" + a + "_idx", u16 + "_" + b + "_idx");
            String u15 = "ü".repeat(15);
            assertThat(names(t, "SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace"))
                    .containsExactlyInAnyOrder(u15 + "_" + x + "_fkey", u15 + "_" + y + "_fkey");
            assertThat(names(t, "SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text LIKE '\"ü%'"))
                    .containsExactlyInAnyOrder("ü".repeat(28) + "_pkey1", "ü".repeat(29) + "_pkey", table + "_pkey");
            assertThat(names(t, "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"))
                    .containsExactlyInAnyOrder("ü".repeat(27) + "_id_seq1", "ü".repeat(28) + "_id_seq");
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM \"" + table + "\" c JOIN parent p ON p.id = c.\"" + y + "\"")).isEqualTo(1);
            try (Statement st = t.createStatement()) {
                st.execute("INSERT INTO \"" + left + "\" (v) VALUES ('l3')");
            }
            assertThat(Tables.single(t, "SELECT MAX(id) FROM \"" + left + "\"")).as("the sequence went on past the copied rows").isEqualTo(3);
        }
    }

    private static List<String> names(Connection c, String sql) throws Exception {
        return Tables.rows(c, sql + " ORDER BY 1").stream().map(row -> row.get(0)).toList();
    }
}

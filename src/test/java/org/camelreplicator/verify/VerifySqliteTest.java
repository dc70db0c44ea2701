package org.camelreplicator.verify;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * verify from SQLite, whose values are what SQLite stored (a REAL in a NUMERIC(10,2) column, ISO text
 * in a DATETIME one): they compare with PostgreSQL's numeric and timestamp by the documented rules.
 * A table the load could not finish is reported as not loaded, not as a difference.
 */
class VerifySqliteTest {

    @TempDir
    Path dir;

    @Test
    void verifyNamesTheDamageRepairMendsItAndATableTheLoadDidNotFinishIsReportedAsNotLoaded() throws Exception {
        String source = "jdbc:sqlite:" + dir.resolve("shop.sqlite");
        String target = TestPostgres.newDatabase("verify_sqlite_target");
        try (Connection c = DriverManager.getConnection(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE Orders (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Amount NUMERIC(10,2), ChangedAt DATETIME,"
                    + " Payload BLOB, Note TEXT)");
            st.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000)"
                    + " INSERT INTO Orders SELECT x, 'order ' || x, x / 4.0, datetime('2024-01-01 00:00:00', '+' || x || ' minutes'),"
                    + " CAST(printf('%08x', x * 7919) AS BLOB), CASE WHEN x % 10 = 0 THEN NULL ELSE 'note ' || x END FROM n");
            // a date the calendar does not have: the load fails this table, verify does not compare it
            st.execute("CREATE TABLE Visits (Id INTEGER PRIMARY KEY, VisitedAt DATETIME)");
            st.execute("INSERT INTO Visits VALUES (1, '2023-02-28 10:00:00'), (2, '2023-02-30 10:00:00')");
        }
        Replicator replicator = Replicator.between(source, "", target, dir).with("--chunk-rows=500");
        assertThat(replicator.run("load").exitCode()).as("Visits fails to load").isEqualTo(1);
        TestPostgres.execute(target,
                "DELETE FROM orders WHERE id = 3",
                "INSERT INTO orders (id, name) VALUES (2001, 'extra')",
                "UPDATE orders SET name = 'renamed' WHERE id = 600",
                "UPDATE orders SET amount = 0.26 WHERE id = 1",
                "UPDATE orders SET changed_at = changed_at - interval '1 hour' WHERE id = 1200",
                "UPDATE orders SET payload = NULL WHERE id = 1300",
                "UPDATE orders SET note = '' WHERE id = 1990");

        Replicator.Result verify = replicator.run("verify");

        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(1);
        assertThat(verify.out()).contains("(id=3): missing on the target", "(id=2001): extra on the target", "(id=600): changed (name)",
                "(id=1): changed (amount)", "(id=1200): changed (changed_at)", "(id=1300): changed (payload)", "(id=1990): changed (note)")
                .containsPattern("not-loaded Visits: 0 rows .* not compared: its load \\(run 1\\) is failed and has not copied every row:"
                        + " finish it with load --resume");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT status FROM replicator.verify_tables WHERE table_name = 'Visits'")).isEqualTo("not-loaded");
        }

        assertThat(replicator.run("verify", "--repair", "--resume").exitCode()).isZero();
        Replicator.Result again = replicator.run("verify", "--tables=Orders");
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("Tables: 1 total, 1 equal, 0 differ");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT count(*) FROM orders")).isEqualTo(2000);
            assertThat(Tables.text(t, "SELECT amount || ' ' || name || ' ' || changed_at FROM orders WHERE id = 1200"))
                    .isEqualTo("300.00 order 1200 2024-01-01 20:00:00");
        }
    }
}

package org.camelreplicator.sync;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestMariaDb;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** sync from a real MariaDB: a DATETIME(6) column that the server sets on every insert and update is the watermark. */
class SyncFromMariaDbTest {

    @TempDir
    Path dir;

    @Test
    void rowsChangedOnMariaDbAfterALoadArriveInPostgres() throws Exception {
        String source = TestMariaDb.newDatabase("sync_maria");
        String target = TestPostgres.newDatabase("sync_maria_target");
        try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE Customers (CustomerId INT PRIMARY KEY, Name VARCHAR(80) NOT NULL, Credit DECIMAL(10,2),"
                    + " UpdatedAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
            st.execute("INSERT INTO Customers (CustomerId, Name, Credit, UpdatedAt)"
                    + " SELECT seq, CONCAT('customer ', seq), seq / 4, NOW(6) - INTERVAL 1 DAY FROM seq_1_to_2000");
        }
        Replicator replicator = Replicator.between(source, TestMariaDb.USER, target, dir)
                .with("--replicator.sync.watermark=UpdatedAt", "--replicator.sync.deletes=reconcile", "--replicator.sync.overlap-seconds=0");
        assertThat(replicator.run("load").exitCode()).isZero();
        try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
            st.execute("UPDATE Customers SET Credit = Credit + 100 WHERE CustomerId <= 25");
            st.execute("UPDATE Customers SET Name = 'renamed twice' WHERE CustomerId = 7");
            st.execute("INSERT INTO Customers (CustomerId, Name, Credit) VALUES (2001, 'Zoë Łukasz', 1.50)");
            st.execute("DELETE FROM Customers WHERE CustomerId BETWEEN 1001 AND 1004");
        }

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        try (Connection s = TestMariaDb.connect(source); Connection t = TestPostgres.connect(target)) {
            List<List<String>> expected = Tables.rows(s, "SELECT CustomerId, Name, Credit FROM Customers ORDER BY CustomerId");
            assertThat(Tables.rows(t, "SELECT customer_id, name, credit FROM customers ORDER BY customer_id")).isEqualTo(expected);
            assertThat(Tables.rows(t, "SELECT rows_copied FROM replicator.tables WHERE run_id = 2")).containsExactly(List.of("26"));
        }
    }
}

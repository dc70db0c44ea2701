package org.camelreplicator.verify;

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

/**
 * verify from a real MariaDB: values read by the MySQL dialect and by PostgreSQL compare through
 * the type rules (decimals by value, DATETIME(6) at microseconds, TIMESTAMP as an instant, TINYINT(1)
 * as boolean, JSON by content), and a text key is merged by code point although MariaDB's collation
 * orders it otherwise.
 */
class VerifyMariaDbTest {

    @TempDir
    Path dir;

    @Test
    void verifyNamesEachDamagedRowAndColumnAndRepairMendsThem() throws Exception {
        String source = TestMariaDb.newDatabase("verify_maria");
        String target = TestPostgres.newDatabase("verify_maria_target");
        try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE Payments (PaymentId INT PRIMARY KEY, Customer VARCHAR(80) NOT NULL, Amount DECIMAL(10,2),"
                    + " Rate DOUBLE, Paid TINYINT(1), PaidOn DATE, ChangedAt DATETIME(6), Stamp TIMESTAMP(3) NULL, Receipt VARBINARY(32),"
                    + " Note TEXT, Extra JSON, Grade CHAR(3))");
            st.execute("INSERT INTO Payments SELECT seq, CONCAT('customer ', seq), seq / 8, seq / 3, seq % 2, DATE '2024-01-01' + INTERVAL seq % 300 DAY,"
                    + " TIMESTAMP '2024-01-01 00:00:00.000001' + INTERVAL seq MINUTE, TIMESTAMP '2024-06-01 12:00:00.123' + INTERVAL seq SECOND,"
                    + " UNHEX(MD5(seq)), IF(seq % 10 = 0, NULL, CONCAT('note ', seq)), JSON_OBJECT('n', seq, 'x', 1.50), IF(seq % 3 = 0, 'A', 'BB')"
                    + " FROM seq_1_to_3000");
            // a text key: MariaDB's default collation sorts it without regard to case, PostgreSQL by code point here
            st.execute("CREATE TABLE Codes (Code VARCHAR(20) PRIMARY KEY, Label VARCHAR(50))");
            st.execute("INSERT INTO Codes VALUES ('apple', 'one'), ('Banana', 'two'), ('cherry', 'three'), ('Date', 'four'), ('éclair', 'five'),"
                    + " ('Zebra', 'six'), ('zulu', 'seven')");
            st.execute("CREATE TABLE Untouched (Id INT PRIMARY KEY, Word VARCHAR(20))");
            st.execute("INSERT INTO Untouched SELECT seq, CONCAT('w', seq) FROM seq_1_to_500");
        }
        Replicator replicator = Replicator.between(source, TestMariaDb.USER, target, dir).with("--chunk-rows=1000");
        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isZero();
        TestPostgres.execute(target,
                "DELETE FROM payments WHERE payment_id = 5",
                "INSERT INTO payments (payment_id, customer, amount) VALUES (3001, 'nobody', 1)",
                "UPDATE payments SET customer = 'someone else' WHERE payment_id = 1500",
                "UPDATE payments SET amount = amount + 0.01 WHERE payment_id = 1600",
                "UPDATE payments SET changed_at = changed_at + interval '1 microsecond' WHERE payment_id = 2100",
                "UPDATE payments SET receipt = '\\xdeadbeef' WHERE payment_id = 2200",
                "UPDATE payments SET note = '' WHERE payment_id = 2300",
                "UPDATE codes SET label = 'TWO' WHERE code = 'Banana'");

        Replicator.Result verify = replicator.run("verify");

        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(1);
        assertThat(verify.out()).contains("(payment_id=5): missing on the target", "(payment_id=3001): extra on the target",
                "(payment_id=1500): changed (customer)", "(payment_id=1600): changed (amount)", "(payment_id=2100): changed (changed_at)",
                "(payment_id=2200): changed (receipt)", "(payment_id=2300): changed (note)", "(code=Banana): changed (label)");
        assertThat(verify.out()).containsPattern("[^`]Payments\\s+3\\s+0\\s+3\\s+1\\s+1\\s+5\\s+differs")
                .containsPattern("Untouched\\s+1\\s+1\\s+0\\s+0\\s+0\\s+0\\s+equal");

        Replicator.Result repair = replicator.run("verify", "--repair", "--resume");
        assertThat(repair.exitCode()).as(repair.all()).isZero();
        Replicator.Result again = replicator.run("verify");
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("Tables: 3 total, 3 equal, 0 differ");
        try (Connection s = TestMariaDb.connect(source); Connection t = TestPostgres.connect(target)) {
            List<List<String>> expected = Tables.rows(s, "SELECT PaymentId, Customer, Amount, HEX(Receipt), Note FROM Payments ORDER BY PaymentId");
            assertThat(Tables.rows(t, "SELECT payment_id, customer, amount, upper(encode(receipt, 'hex')), note FROM payments ORDER BY payment_id"))
                    .isEqualTo(expected);
            assertThat(Tables.text(t, "SELECT label FROM codes WHERE code = 'Banana'")).isEqualTo("two");
        }
    }
}

package org.camelreplicator.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * load --resume --skip: a table that keeps failing is marked skipped in the ledger with why, so the
 * run ends; the summary, the report and status say so, and a foreign key to it is left out, not
 * waited for.
 */
class SkipTableTest {

    @TempDir
    Path dir;

    @Test
    void aTableThatKeepsFailingIsSkippedWithWhyAndTheRunEnds() throws Exception {
        String source = TestPostgres.newDatabase("skip_source");
        String target = TestPostgres.newDatabase("skip_target");
        TestPostgres.execute(source,
                "CREATE TABLE accounts (id int PRIMARY KEY, balance numeric(12,2))",
                "INSERT INTO accounts SELECT g, CASE WHEN g = 7 THEN 123456.78 ELSE g END FROM generate_series(1, 50) g",
                "CREATE TABLE payments (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts, amount numeric(10,2))",
                "INSERT INTO payments SELECT g, 1 + g % 50, g FROM generate_series(1, 200) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        // the target cannot hold one of the source's balances
        TestPostgres.execute(target, "ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(6,2)");
        Replicator.Result failed = replicator.run("load");
        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);

        Replicator.Result skipped = replicator.run("load", "--resume", "--skip=accounts");

        assertThat(skipped.exitCode()).as(skipped.all()).isZero();
        assertThat(skipped.out()).contains("Skipped public.accounts: skipped by --skip (replicator.skip); it had failed:",
                "Skipped tables:", "numeric field overflow");
        assertThat(skipped.err()).contains("public.payments: foreign key payments_account_id_fkey references public.accounts,"
                + " which was skipped; it is not created");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT table_name, status FROM replicator.tables ORDER BY 1"))
                    .containsExactly(List.of("public.accounts", "skipped"), List.of("public.payments", "done"));
            assertThat(Tables.text(t, "SELECT phase FROM replicator.tables WHERE table_name = 'public.payments'")).isEqualTo("complete");
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("done");
            assertThat(Tables.count(t, "payments")).isEqualTo(200);
        }
        assertThat(replicator.run("status").out()).contains("skipped");
    }

    @Test
    void aSkipThatNamesNoTableOfTheRunIsRefused() throws Exception {
        String source = TestPostgres.newDatabase("skip_unknown_source");
        TestPostgres.execute(source, "CREATE TABLE accounts (id int PRIMARY KEY)");
        Replicator.Result r = Replicator.between(source, "postgres", TestPostgres.newDatabase("skip_unknown_target"), dir)
                .run("load", "--skip=acounts");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown table(s) in replicator.skip: acounts");
    }
}

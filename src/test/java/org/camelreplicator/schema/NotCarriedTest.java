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
 * Expression and partial indexes are the source engine's SQL: they are left out and said so, never
 * built over other columns or over every row. Views, triggers, routines, checks, comments and ON
 * UPDATE clauses are read from each engine's own catalog and listed in the summary.
 */
class NotCarriedTest {

    @TempDir
    Path dir;

    @Test
    void aPostgresSourceWithAViewAPartialAndAnExpressionIndexLoadsAndListsThem() throws Exception {
        String source = TestPostgres.newDatabase("not_carried_pg");
        String target = TestPostgres.newDatabase("not_carried_pg_target");
        TestPostgres.execute(source,
                "CREATE TABLE customers (id int PRIMARY KEY, email text, region int, code text, active boolean)",
                "INSERT INTO customers SELECT g, 'User' || g || '@example.com', g % 10, 'c' || (g % 100), g <= 100"
                        + " FROM generate_series(1, 1000) g",
                "CREATE INDEX customers_email_lower ON customers (lower(email))",
                "CREATE UNIQUE INDEX customers_active_code ON customers (code) WHERE active",
                "CREATE INDEX customers_region ON customers (region)",
                "CREATE VIEW active_customers AS SELECT * FROM customers WHERE active",
                "ALTER TABLE customers ADD CONSTRAINT region_known CHECK (region >= 0)",
                "COMMENT ON TABLE customers IS 'who buys'",
                "COMMENT ON COLUMN customers.email IS 'where to write'",
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                "CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch()");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);

        Replicator.Result dryRun = replicator.run("load", "--dry-run");
        Replicator.Result r = replicator.run("load");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "customers")).isEqualTo(1000);
            assertThat(Tables.rows(t, "SELECT indexdef FROM pg_indexes WHERE tablename = 'customers' AND indexname <> 'customers_pkey'"))
                    .containsExactly(List.of("CREATE INDEX customers_region_idx ON public.customers USING btree (region)"));
        }
        for (String out : List.of(dryRun.out(), r.out())) {
            assertThat(out).contains("Not carried to the target",
                    "views: 1 (public.active_customers)",
                    "triggers: 1 on table public.customers (public.customers.customers_touch)",
                    "routines: 1 (public.touch())",
                    "check constraints: 1 on table public.customers (public.customers.region_known)",
                    "comments: 2 on table public.customers (public.customers, public.customers.email)",
                    "expression indexes: 1 on table public.customers (public.customers.customers_email_lower (lower(email)))",
                    "partial indexes: 1 on table public.customers (public.customers.customers_active_code (code))");
        }
        assertThat(r.err()).contains("public.customers: index customers_email_lower (lower(email)) is left out: it indexes expressions",
                "public.customers: index customers_active_code (code) is left out: it covers only the rows of a condition");
    }

    @Test
    void aSqlitePartialUniqueIndexIsLeftOutNotBuiltOverEveryRow() throws Exception {
        Path sqlite = dir.resolve("items.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, code TEXT, active INTEGER, price REAL CHECK (price >= 0), name TEXT)");
            // codes repeat among inactive items: unique over every row, the index could not be built
            st.execute("INSERT INTO items VALUES (1, 'a', 1, 1.5, 'One'), (2, 'b', 1, 2.5, 'Two'), (3, 'a', 0, 3.5, 'Three'),"
                    + " (4, 'a', 0, 4.5, 'Four')");
            st.execute("CREATE UNIQUE INDEX items_active_code ON items (code) WHERE active = 1");
            st.execute("CREATE INDEX items_lower_name ON items (lower(name))");
            st.execute("CREATE INDEX items_name ON items (name)");
            st.execute("CREATE VIEW cheap AS SELECT * FROM items WHERE price < 10");
            st.execute("CREATE TRIGGER items_checked AFTER INSERT ON items BEGIN SELECT 1; END");
        }
        String target = TestPostgres.newDatabase("not_carried_sqlite");

        Replicator.Result r = Replicator.between("jdbc:sqlite:" + sqlite, "", target, dir).run("load");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(4);
            assertThat(Tables.rows(t, "SELECT indexname FROM pg_indexes WHERE tablename = 'items' AND indexname <> 'items_pkey'"))
                    .containsExactly(List.of("items_name_idx"));
        }
        assertThat(r.out()).contains("views: 1 (cheap)", "triggers: 1 on table items (items.items_checked)",
                "check constraints: 1 on table items (items.CHECK (price >= 0))",
                "expression indexes: 1 on table items", "partial indexes: 1 on table items (items.items_active_code (code))");
    }

    @Test
    void anH2SourceListsItsViewsRoutinesChecksCommentsAndOnUpdateClauses() throws Exception {
        String source = "jdbc:h2:file:" + dir.resolve("bank");
        try (Connection c = DriverManager.getConnection(source, "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ACCOUNTS (ID INT PRIMARY KEY, HOLDER VARCHAR(50) COMMENT 'who owns it',"
                    + " BALANCE INT CONSTRAINT NOT_OVERDRAWN CHECK (BALANCE >= 0), CHANGED TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)");
            st.execute("COMMENT ON TABLE ACCOUNTS IS 'money'");
            st.execute("INSERT INTO ACCOUNTS SELECT X, 'holder ' || X, X * 10, LOCALTIMESTAMP FROM SYSTEM_RANGE(1, 100)");
            st.execute("CREATE VIEW RICH AS SELECT * FROM ACCOUNTS WHERE BALANCE > 500");
            st.execute("CREATE ALIAS ABSOLUTE FOR 'java.lang.Math.abs(int)'");
        }
        String target = TestPostgres.newDatabase("not_carried_h2");

        Replicator.Result r = Replicator.between(source, "sa", target, dir).run("load");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "accounts")).isEqualTo(100);
        }
        assertThat(r.out()).contains("views: 1 (PUBLIC.RICH)", "routines: 1 (PUBLIC.ABSOLUTE)",
                "ON UPDATE clauses: 1 on table PUBLIC.ACCOUNTS (PUBLIC.ACCOUNTS.CHANGED)",
                "check constraints: 1 on table PUBLIC.ACCOUNTS (PUBLIC.ACCOUNTS.NOT_OVERDRAWN)",
                "comments: 2 on table PUBLIC.ACCOUNTS (PUBLIC.ACCOUNTS, PUBLIC.ACCOUNTS.HOLDER)");
    }
}

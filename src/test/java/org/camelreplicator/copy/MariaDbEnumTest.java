package org.camelreplicator.copy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestMariaDb;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A MySQL enum keeps its labels on the target: a varchar with a CHECK that allows only them. */
class MariaDbEnumTest {

    @TempDir
    Path dir;

    @Test
    void anEnumBecomesAVarcharWhoseCheckAllowsOnlyItsLabels() throws Exception {
        String source = TestMariaDb.newDatabase("enums");
        try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE shirts (id INT PRIMARY KEY, size ENUM('small', 'medium', 'x''large') NOT NULL)");
            st.execute("INSERT INTO shirts VALUES (1, 'small'), (2, 'x''large')");
        }
        String target = TestPostgres.newDatabase("enums_target");

        Replicator.Result r = Replicator.between(source, TestMariaDb.USER, target, dir).run("load");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target); Statement st = t.createStatement()) {
            assertThat(Tables.text(t, "SELECT string_agg(size, ',' ORDER BY id) FROM shirts")).isEqualTo("small,x'large");
            assertThat(Tables.text(t, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'shirts'::regclass AND contype = 'c'"))
                    .contains("'small'", "'medium'", "'x''large'");
            assertThatThrownBy(() -> st.execute("INSERT INTO shirts VALUES (3, 'huge')")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("check constraint");
        }
    }
}

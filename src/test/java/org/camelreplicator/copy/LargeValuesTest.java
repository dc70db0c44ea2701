package org.camelreplicator.copy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Values of several megabytes arrive whole: nothing is cut at 4 KB, 64 KB or a batch's byte budget. */
class LargeValuesTest {

    @TempDir
    Path dir;

    @Test
    void multiMegabyteBinaryAndTextArriveWholeFromPostgres() throws Exception {
        String source = TestPostgres.newDatabase("large_source");
        String target = TestPostgres.newDatabase("large_target");
        try (Connection c = TestPostgres.connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE blobs (id int PRIMARY KEY, data bytea, body text)");
            st.execute("INSERT INTO blobs SELECT g, decode(repeat(md5(g::text), 200000), 'hex'), repeat('ä\\t' || g, 1500000)"
                    + " FROM generate_series(1, 4) g");
        }
        Replicator.Result r = Replicator.between(source, "postgres", target, dir).run("load");
        assertThat(r.exitCode()).as(r.all()).isZero();
        String digest = "SELECT string_agg(id || ':' || length(data) || ':' || md5(data) || ':' || length(body) || ':' || md5(body), ',' ORDER BY id) FROM blobs";
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, digest)).isEqualTo(Tables.text(s, digest)).contains("1:3200000:");
        }
    }

    @Test
    void multiMegabyteBlobsAndTextArriveWholeThroughTheValuePath() throws Exception {
        Path sqlite = dir.resolve("large.sqlite");
        byte[] blob = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(blob);
        String text = "ö".repeat(3 * 1024 * 1024);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite)) {
            c.createStatement().execute("CREATE TABLE files (id INTEGER PRIMARY KEY, content BLOB, notes TEXT)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO files VALUES (?, ?, ?)")) {
                for (int id = 1; id <= 3; id++) {
                    ps.setInt(1, id);
                    ps.setBytes(2, blob);
                    ps.setString(3, text + id);
                    ps.executeUpdate();
                }
            }
        }
        String target = TestPostgres.newDatabase("large_sqlite_target");
        Replicator.Result r = Replicator.between("jdbc:sqlite:" + sqlite, "", target, dir).run("load");
        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target); PreparedStatement ps = t.prepareStatement("SELECT content, notes FROM files WHERE id = 2")) {
            var rs = ps.executeQuery();
            rs.next();
            assertThat(rs.getBytes(1)).isEqualTo(blob);
            assertThat(rs.getString(2)).isEqualTo(text + 2);
        }
    }
}

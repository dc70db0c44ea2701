package org.camelreplicator.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** DDL as a file (--ddl-out, --ddl-in) and loads into tables someone else created (--data-only). */
class ExistingTargetTest {

    @TempDir
    Path dir;

    private Replicator chinookInto(String target) {
        return Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dir);
    }

    @Test
    void ddlOutWritesTablesIndexesAndForeignKeysWithoutExecutingAnything() throws Exception {
        String target = TestPostgres.newDatabase("ddl_out");
        Path file = dir.resolve("chinook.sql");

        Replicator.Result r = chinookInto(target).run("schema", "--ddl-out=" + file);

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Wrote 34 statements for 11 tables to " + file, "nothing was executed");
        assertThat(Files.readString(file)).contains("CREATE TABLE IF NOT EXISTS public.invoice_line (",
                "    unit_price numeric(10,2) NOT NULL,", "CREATE INDEX IF NOT EXISTS invoice_line_track_id_idx ON public.invoice_line (track_id)",
                "ALTER TABLE public.track ADD CONSTRAINT track_album_id_fkey FOREIGN KEY (album_id) REFERENCES public.album (album_id)");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.tableNames(t, "public")).isEmpty();
        }
    }

    @Test
    void ddlInRunsTheHandEditedFileAndTheLoadFillsItsTablesByColumnName() throws Exception {
        String target = TestPostgres.newDatabase("ddl_in");
        Path file = dir.resolve("edited.sql");
        assertThat(chinookInto(target).run("schema", "--ddl-out=" + file, "--tables=Genre,MediaType").exitCode()).isZero();
        // the user's edits: a wider type, a renamed column, an extra column with a default
        Files.writeString(file, Files.readString(file)
                .replace("name varchar(120)", "label text")
                .replace("CREATE TABLE IF NOT EXISTS public.genre (", "CREATE TABLE IF NOT EXISTS public.genre (\n    added_at timestamptz DEFAULT now(),"));

        Replicator.Result r = chinookInto(target).run("load", "--ddl-in=" + file, "--tables=Genre,MediaType");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Ran the DDL file " + file);
        assertThat(r.err()).contains("Genre: source columns with no column in public.genre are not copied: Name",
                "Genre: columns of public.genre with no source column keep their defaults: added_at, label");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "genre")).isEqualTo(25);
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM genre WHERE added_at IS NOT NULL AND label IS NULL")).isEqualTo(25);
        }
    }

    @Test
    void dataOnlyLoadsIntoExistingTablesMatchingColumnsByName() throws Exception {
        String target = TestPostgres.newDatabase("data_only");
        try (Connection t = TestPostgres.connect(target); Statement st = t.createStatement()) {
            st.execute("CREATE TABLE artist (artist_id integer PRIMARY KEY, name text NOT NULL, origin text DEFAULT 'unknown')");
        }

        Replicator.Result r = chinookInto(target).run("load", "--data-only", "--tables=Artist");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.err()).contains("Artist: columns of public.artist with no source column keep their defaults: origin");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "artist")).isEqualTo(275);
            assertThat(Tables.text(t, "SELECT name || '/' || origin FROM artist WHERE artist_id = 1")).isEqualTo("AC/DC/unknown");
            assertThat(Tables.text(t, "SELECT data_type FROM information_schema.columns WHERE table_name = 'artist' AND column_name = 'name'"))
                    .as("the user's types stay").isEqualTo("text");
        }

        Replicator.Result missing = chinookInto(target).run("load", "--data-only", "--tables=Album", "--reset");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Target table public.album (for Album) does not exist", "--exclude=Album");
    }
}

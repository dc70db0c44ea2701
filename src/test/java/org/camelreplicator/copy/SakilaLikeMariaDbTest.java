package org.camelreplicator.copy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestMariaDb;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MariaDB schema shaped like Sakila: views, a trigger, routines, ON UPDATE CURRENT_TIMESTAMP, a
 * CHECK, comments, a FULLTEXT index over long text, a SPATIAL index and a prefix index. The load
 * carries every row, builds what the target can build as the source meant (FULLTEXT as GIN over
 * to_tsvector, the prefix as substring), leaves the rest out with a warning, and the summary, the
 * run report and the dry run say what was not carried, per kind, with the tables.
 */
class SakilaLikeMariaDbTest {

    @TempDir
    Path dir;

    private static String sakilaLike() throws Exception {
        String source = TestMariaDb.newDatabase("sakila_like");
        try (Connection c = TestMariaDb.connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE actor (actor_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                    + " first_name VARCHAR(45) NOT NULL, last_name VARCHAR(45) NOT NULL,"
                    + " last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"
                    + " KEY idx_actor_last_name (last_name)) COMMENT 'who plays in the films'");
            st.execute("CREATE TABLE film (film_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                    + " title VARCHAR(128) NOT NULL COMMENT 'as released', description TEXT, length SMALLINT UNSIGNED,"
                    + " attributes JSON, last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"
                    + " CONSTRAINT film_length_positive CHECK (length > 0), KEY idx_title_prefix (title(10)))");
            st.execute("CREATE TABLE film_text (film_id SMALLINT UNSIGNED NOT NULL PRIMARY KEY, title VARCHAR(255) NOT NULL,"
                    + " description LONGTEXT, FULLTEXT KEY idx_title_description (title, description))");
            st.execute("CREATE TABLE address (address_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                    + " address VARCHAR(50) NOT NULL, location GEOMETRY NOT NULL, SPATIAL KEY idx_location (location))");
            st.execute("CREATE TRIGGER ins_film AFTER INSERT ON film FOR EACH ROW"
                    + " INSERT INTO film_text (film_id, title, description) VALUES (new.film_id, new.title, new.description)");
            st.execute("CREATE VIEW actor_info AS SELECT actor_id, CONCAT(first_name, ' ', last_name) AS name FROM actor");
            st.execute("CREATE VIEW film_list AS SELECT film_id, title FROM film WHERE length > 60");
            st.execute("CREATE FUNCTION film_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM film)");
            st.execute("CREATE PROCEDURE rewards() BEGIN SELECT actor_id FROM actor; END");

            st.execute("INSERT INTO actor (first_name, last_name) SELECT CONCAT('First', seq), CONCAT('Last', seq % 50) FROM seq_1_to_200");
            // descriptions of about 13 kB of hex words: far past what a btree index row may hold (2704 bytes)
            st.execute("SET SESSION group_concat_max_len = 1000000");
            st.execute("INSERT INTO film (title, description, length, attributes)"
                    + " SELECT CONCAT('Film ', f.seq), (SELECT GROUP_CONCAT(MD5(f.seq * 1000 + w.seq) SEPARATOR ' ') FROM seq_1_to_400 w),"
                    + " 60 + f.seq % 120, '{\"special\": true}' FROM seq_1_to_300 f");
            st.execute("UPDATE film_text SET description = CONCAT(description, ' needle') WHERE film_id = 42");
            st.execute("INSERT INTO address (address, location) SELECT CONCAT(seq, ' Main Street'), POINT(seq, seq / 2) FROM seq_1_to_50");
        }
        return source;
    }

    @Test
    void aSakilaLikeSchemaLoadsEveryRowAndTheSummarySaysWhatWasNotCarried() throws Exception {
        String source = sakilaLike();
        String target = TestPostgres.newDatabase("sakila_like_target");
        Path reports = dir.resolve("reports");

        Replicator.Result r = Replicator.between(source, TestMariaDb.USER, target, dir).run("load", "--replicator.report-dir=" + reports);

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "actor")).isEqualTo(200);
            assertThat(Tables.count(t, "film")).isEqualTo(300);
            assertThat(Tables.count(t, "film_text")).isEqualTo(300);
            assertThat(Tables.count(t, "address")).isEqualTo(50);
            assertThat(Tables.single(t, "SELECT min(length(description)) FROM film_text")).isGreaterThan(13_000);

            // FULLTEXT: a GIN index over to_tsvector('simple', ...) of its columns, which a query repeating the expression uses
            assertThat(indexDefinition(t, "film_text")).contains("USING gin", "to_tsvector('simple'::regconfig",
                    "COALESCE(title, ''::character varying)", "COALESCE(description, ''::text)");
            assertThat(Tables.rows(t, "SELECT film_id FROM film_text WHERE to_tsvector('simple', coalesce(title, '') || ' '"
                    + " || coalesce(description, '')) @@ plainto_tsquery('simple', 'Needle')")).containsExactly(List.of("42"));
            // a prefix index covers the prefix, as in MySQL; the ordinary index stays as it is
            assertThat(indexDefinition(t, "film")).contains("\"substring\"((title)::text, 1, 10)");
            assertThat(indexDefinition(t, "actor")).contains("btree (last_name)");
            // SPATIAL: no PostGIS in this target, so no index, and a warning naming it
            assertThat(Tables.single(t, "SELECT count(*) FROM pg_indexes WHERE tablename = 'address' AND indexname <> 'address_pkey'")).isZero();
        }
        assertThat(r.err()).contains("address: index idx_location (location) is left out", "PostGIS");
        assertThat(r.out()).contains(
                "Not carried to the target",
                "views: 2 (actor_info, film_list)",
                "triggers: 1 on table film (film.ins_film)",
                "routines: 2 (function film_count, procedure rewards)",
                "ON UPDATE clauses: 2 on 2 tables actor, film (actor.last_update, film.last_update)",
                "check constraints: 1 on table film (film.film_length_positive)",
                "comments: 2 on 2 tables actor, film (actor, film.title)",
                "spatial indexes: 1 on table address (address.idx_location (location))");
        assertThat(r.out()).doesNotContain("attributes").doesNotContain("full-text indexes");

        JsonNode report;
        try (Stream<Path> files = Files.list(reports)) {
            report = new ObjectMapper().readTree(files.findFirst().orElseThrow().toFile()).get("not_carried");
        }
        assertThat(report.get("views").get("count").asInt()).isEqualTo(2);
        assertThat(report.get("triggers").get("tables").get(0).asText()).isEqualTo("film");
        assertThat(report.get("routines").get("count").asInt()).isEqualTo(2);
        assertThat(report.get("ON UPDATE clauses").get("count").asInt()).isEqualTo(2);
        assertThat(report.get("check constraints").get("items").get(0).get("name").asText()).isEqualTo("film_length_positive");
        assertThat(report.get("spatial indexes").get("items").get(0).get("reason").asText()).contains("PostGIS");
    }

    @Test
    void theDryRunListsWhatTheLoadWouldNotCarry() throws Exception {
        String source = sakilaLike();
        String target = TestPostgres.newDatabase("sakila_like_dry");

        Replicator.Result r = Replicator.between(source, TestMariaDb.USER, target, dir).run("load", "--dry-run");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("USING gin (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, '')))",
                "Not carried to the target", "views: 2 (actor_info, film_list)", "triggers: 1 on table film (film.ins_film)",
                "spatial indexes: 1 on table address");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).as("a dry run writes nothing").isZero();
        }
    }

    private static String indexDefinition(Connection c, String table) throws Exception {
        return Tables.text(c, "SELECT string_agg(indexdef, '; ') FROM pg_indexes WHERE tablename = '" + table + "'"
                + " AND indexname <> '" + table + "_pkey'");
    }
}

package org.camelreplicator.copy;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chinook from SQLite, replicated with snake_case naming, equals Chinook_PostgreSql.sql loaded
 * directly: the same tables, the same columns in the same order, the same rows.
 */
class ChinookSqliteToPostgresTest {

    @TempDir
    static Path dataDir;

    static String replicated;
    static String reference;
    static Replicator.Result load;

    @BeforeAll
    static void replicateAndLoadReference() throws Exception {
        replicated = TestPostgres.newDatabase("chinook_replicated");
        reference = TestPostgres.newDatabase("chinook_reference");
        Chinook.loadPostgresScript(reference);
        load = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", replicated, dataDir)
                .run("load", "--naming=snake");
    }

    @Test
    void loadSucceedsAndReportsEveryRow() {
        assertThat(load.exitCode()).as(load.all()).isZero();
        assertThat(load.out()).contains("Total rows synced: 15,607").contains("Tables: 11 total, 11 completed, 0 failed");
    }

    @Test
    void tableNamesMatchThePostgresScript() throws Exception {
        try (Connection a = TestPostgres.connect(replicated); Connection b = TestPostgres.connect(reference)) {
            assertThat(Tables.tableNames(a, "public")).isEqualTo(Tables.tableNames(b, "public"))
                    .contains("invoice_line", "media_type", "playlist_track");
        }
    }

    @Test
    void columnNamesAndOrderMatchThePostgresScript() throws Exception {
        try (Connection a = TestPostgres.connect(replicated); Connection b = TestPostgres.connect(reference)) {
            for (String table : Tables.tableNames(b, "public")) {
                assertThat(Tables.columns(a, "public", table)).as(table).isEqualTo(Tables.columns(b, "public", table));
            }
        }
    }

    /**
     * Row by row, value by value. The only differences are the 8 values where the source says
     * 'Edinburgh ' with a trailing blank: the script writes them as N'Edinburgh ', a PostgreSQL
     * character(n) literal whose trailing blanks are dropped on the way into varchar. The replicator
     * keeps the source's value; it changes no data.
     */
    @Test
    void everyRowMatchesThePostgresScriptValueByValue() throws Exception {
        List<String> differences = new ArrayList<>();
        try (Connection a = TestPostgres.connect(replicated); Connection b = TestPostgres.connect(reference)) {
            for (String table : Tables.tableNames(b, "public")) {
                List<String> columns = Tables.columns(b, "public", table);
                String sql = "SELECT * FROM " + table + " ORDER BY " + String.join(", ", columns.subList(0, 1))
                        + (table.equals("playlist_track") ? ", track_id" : "");
                List<List<String>> expected = Tables.rows(b, sql);
                List<List<String>> actual = Tables.rows(a, sql);
                assertThat(actual).as(table).hasSameSizeAs(expected).isNotEmpty();
                for (int r = 0; r < expected.size(); r++) {
                    for (int c = 0; c < columns.size(); c++) {
                        if (!Objects.equals(expected.get(r).get(c), actual.get(r).get(c))) {
                            differences.add(table + "[" + expected.get(r).get(0) + "]." + columns.get(c) + ": '"
                                    + actual.get(r).get(c) + "' vs '" + expected.get(r).get(c) + "'");
                        }
                    }
                }
            }
        }
        assertThat(differences).containsExactly(
                "customer[54].city: 'Edinburgh ' vs 'Edinburgh'",
                "invoice[20].billing_city: 'Edinburgh ' vs 'Edinburgh'",
                "invoice[141].billing_city: 'Edinburgh ' vs 'Edinburgh'",
                "invoice[152].billing_city: 'Edinburgh ' vs 'Edinburgh'",
                "invoice[207].billing_city: 'Edinburgh ' vs 'Edinburgh'",
                "invoice[336].billing_city: 'Edinburgh ' vs 'Edinburgh'",
                "invoice[359].billing_city: 'Edinburgh ' vs 'Edinburgh'",
                "invoice[381].billing_city: 'Edinburgh ' vs 'Edinburgh'");
    }

    @Test
    void primaryKeysAreCreated() throws Exception {
        try (Connection a = TestPostgres.connect(replicated)) {
            String keys = Tables.text(a, """
                    SELECT string_agg(c.conrelid::regclass || '(' || a.attname || ')', ',' ORDER BY 1)
                      FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                     WHERE c.contype = 'p' AND c.conrelid::regclass::text IN ('playlist_track', 'album')""");
            assertThat(keys).isEqualTo("album(album_id),playlist_track(playlist_id),playlist_track(track_id)");
        }
    }

    @Test
    void declaredLengthsAndPrecisionsAreKept() throws Exception {
        String types = "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)"
                + " FROM pg_attribute WHERE attrelid = 'track'::regclass AND attnum > 0";
        try (Connection a = TestPostgres.connect(replicated)) {
            assertThat(Tables.text(a, types)).contains("name character varying(200)", "composer character varying(220)",
                    "unit_price numeric(10,2)");
        }
    }
}

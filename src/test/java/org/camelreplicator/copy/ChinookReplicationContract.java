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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every Chinook source must give when replicated with snake_case naming: the tables, columns
 * (in order), rows and primary keys of Chinook_PostgreSql.sql loaded directly. Each source's test
 * says how it replicates its copy of Chinook into a PostgreSQL database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChinookReplicationContract {

    String replicated;
    String reference;
    Replicator.Result load;

    /** Replicates this source's Chinook into {@code target}, and answers the command's result. */
    abstract Replicator.Result replicate(String target, Path dataDir) throws Exception;

    /** The folder is a parameter: a per-class instance gets its @TempDir fields only after @BeforeAll. */
    @BeforeAll
    void replicateAndLoadReference(@TempDir Path dataDir) throws Exception {
        replicated = TestPostgres.newDatabase("chinook_replicated");
        reference = TestPostgres.newDatabase("chinook_reference");
        Chinook.loadPostgresScript(reference);
        load = replicate(replicated, dataDir);
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
     * Row by row, value by value. The only differences are the 8 values where every source says
     * 'Edinburgh ' with a trailing blank: the PostgreSQL script writes them as N'Edinburgh ', a
     * character(n) literal whose trailing blanks are dropped on the way into varchar. The
     * replicator keeps the source's value; it changes no data.
     */
    @Test
    void everyRowMatchesThePostgresScriptValueByValue() throws Exception {
        List<String> differences = new ArrayList<>();
        try (Connection a = TestPostgres.connect(replicated); Connection b = TestPostgres.connect(reference)) {
            for (String table : Tables.tableNames(b, "public")) {
                List<String> columns = Tables.columns(b, "public", table);
                String sql = "SELECT * FROM " + table + " ORDER BY " + columns.get(0) + (table.equals("playlist_track") ? ", track_id" : "");
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
                    SELECT string_agg(c.conrelid::regclass || '(' || a.attname || ')', ','
                                      ORDER BY c.conrelid::regclass::text, array_position(c.conkey, a.attnum))
                      FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                     WHERE c.contype = 'p' AND c.conrelid::regclass::text IN ('playlist_track', 'album')""");
            assertThat(keys).isEqualTo("album(album_id),playlist_track(playlist_id),playlist_track(track_id)");
        }
    }

    @Test
    void foreignKeysMatchThePostgresScriptByNameAndDefinition() throws Exception {
        String sql = "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1";
        try (Connection a = TestPostgres.connect(replicated); Connection b = TestPostgres.connect(reference)) {
            List<List<String>> expected = Tables.rows(b, sql);
            assertThat(expected).hasSize(11);
            assertThat(Tables.rows(a, sql)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void indexesMatchThePostgresScriptByNameAndDefinition() throws Exception {
        String sql = "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1";
        try (Connection a = TestPostgres.connect(replicated); Connection b = TestPostgres.connect(reference)) {
            List<List<String>> expected = Tables.rows(b, sql);
            assertThat(expected).hasSize(11 + 11);
            assertThat(Tables.rows(a, sql)).containsExactlyElementsOf(expected);
        }
    }

    /** Column types of one table on the replicated side, with NOT NULL, for the type assertions of each source. */
    String columnTypes(String table) throws Exception {
        try (Connection a = TestPostgres.connect(replicated)) {
            return Tables.text(a, ("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod)"
                    + " || CASE WHEN attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY attnum)"
                    + " FROM pg_attribute WHERE attrelid = '%s'::regclass AND attnum > 0").formatted(table));
        }
    }
}

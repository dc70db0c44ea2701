package org.camelreplicator.copy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import org.camelreplicator.dialect.Dialects;
import org.camelreplicator.dialect.mysql.MySqlDialect;
import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestMariaDb;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chinook_MySql.sql loaded into a real MariaDB, replicated with snake_case naming, equals
 * Chinook_PostgreSql.sql loaded directly: the same tables, the same columns in the same order, the
 * same rows, value by value (see {@link ChinookReplicationContract}).
 */
class ChinookMariaDbToPostgresTest extends ChinookReplicationContract {

    String source;

    @Override
    Replicator.Result replicate(String target, Path dataDir) throws Exception {
        source = TestMariaDb.newDatabase("chinook");
        loadMySqlScript(source);
        try (Connection c = TestMariaDb.connect(source)) {
            assertThat(Dialects.of(c)).as("Dialects.of must return MySqlDialect for the product name MariaDB (and MySQL)")
                    .isInstanceOf(MySqlDialect.class);
        }
        return Replicator.between(source, TestMariaDb.USER, target, dataDir).run("load", "--naming=snake");
    }

    /**
     * Runs Chinook_MySql.sql in a fresh database, as the mariadb client would after its
     * {@code USE `Chinook`;} line (the script's own DROP/CREATE DATABASE lines are skipped), with
     * NO_BACKSLASH_ESCAPES: four track names hold a backslash (N'Cavalleria Rusticana \ Act \ ...'),
     * written unescaped as in the other dialects' scripts, which MySQL's default mode would read as
     * an escape and drop. So the source holds the same text as the other Chinook copies, and the
     * backslashes must come through the replication unchanged.
     */
    static void loadMySqlScript(String databaseUrl) throws Exception {
        String script = Files.readString(Chinook.DIR.resolve("Chinook_MySql.sql"), StandardCharsets.UTF_8);
        String use = "USE `Chinook`;";
        int at = script.indexOf(use);
        assertThat(at).as("Chinook_MySql.sql has a USE `Chinook`; line").isNotNegative();
        try (Connection c = TestMariaDb.connect(databaseUrl + "?allowMultiQueries=true"); Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
            st.execute(script.substring(at + use.length()));
            while (st.getMoreResults() || st.getUpdateCount() != -1) {
                // drain every statement's result, so a failing INSERT deep in the script is reported
            }
        }
    }

    @Test
    void sourceHoldsTheWholeScript() throws Exception {
        try (Connection c = TestMariaDb.connect(source)) {
            assertThat(Tables.count(c, "`InvoiceLine`")).isEqualTo(2_240);
            assertThat(Tables.count(c, "`PlaylistTrack`")).isEqualTo(8_715);
            assertThat(Tables.text(c, "SELECT `Name` FROM `Track` WHERE `TrackId` = 3435"))
                    .isEqualTo("Cavalleria Rusticana \\ Act \\ Intermezzo Sinfonico");
        }
    }

    /** The exact MySQL types (column_type) decide: lengths, precisions, NOT NULL, DATETIME as timestamp(0). */
    @Test
    void declaredTypesAreKept() throws Exception {
        assertThat(columnTypes("track")).isEqualTo("track_id integer not null, name character varying(200) not null,"
                + " album_id integer, media_type_id integer not null, genre_id integer, composer character varying(220),"
                + " milliseconds integer not null, bytes integer, unit_price numeric(10,2) not null");
        assertThat(columnTypes("invoice")).contains("invoice_date timestamp(0) without time zone not null",
                "total numeric(10,2) not null");
    }
}

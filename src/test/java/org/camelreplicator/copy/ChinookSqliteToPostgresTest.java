package org.camelreplicator.copy;

import java.nio.file.Path;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Chinook from SQLite, replicated with snake_case naming, equals Chinook_PostgreSql.sql loaded directly. */
class ChinookSqliteToPostgresTest extends ChinookReplicationContract {

    @Override
    Replicator.Result replicate(String target, Path dataDir) {
        return Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dataDir).run("load", "--naming=snake");
    }

    /** SQLite's declared types (from table_info) decide lengths and precisions; INTEGER is 64 bits in SQLite. */
    @Test
    void declaredLengthsAndPrecisionsAreKept() throws Exception {
        assertThat(columnTypes("track")).isEqualTo("track_id bigint not null, name character varying(200) not null,"
                + " album_id bigint, media_type_id bigint not null, genre_id bigint, composer character varying(220),"
                + " milliseconds bigint not null, bytes bigint, unit_price numeric(10,2) not null");
    }
}

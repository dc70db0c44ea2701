package org.camelreplicator.schema;

import java.nio.file.Path;
import java.sql.Connection;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Users override the type mapping by source type and by column, as pgloader's CAST rules let them. */
class TypeCastTest {

    @TempDir
    Path dir;

    @Test
    void aCastByTypeAndACastByColumnDecideTheTargetTypesAndTheValuesArriveIntact() throws Exception {
        String target = TestPostgres.newDatabase("casts");
        Replicator.Result r = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dir).run("load",
                "--tables=Track", "--replicator.cast.type.nvarchar=text", "--replicator.cast.column.Track.UnitPrice=numeric(12,4)",
                "--replicator.cast.type.integer=integer");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)"
                    + " FROM pg_attribute WHERE attrelid = 'track'::regclass AND attnum > 0"))
                    .isEqualTo("track_id integer, name text, album_id integer, media_type_id integer, genre_id integer,"
                            + " composer text, milliseconds integer, bytes integer, unit_price numeric(12,4)");
            assertThat(Tables.text(t, "SELECT SUM(unit_price)::text FROM track")).isEqualTo("3680.9700");
        }
    }

    @Test
    void aCastThatIsNotATypeIsRefusedNamingTheSetting() {
        Replicator.Result r = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", TestPostgres.newDatabase("bad_cast"), dir)
                .run("schema", "--replicator.cast.type.nvarchar=text; DROP TABLE x");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("replicator.cast.type.nvarchar", "is not a type name");
    }
}

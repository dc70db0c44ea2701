package org.camelreplicator.observe;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * schema_replication_progress.json and data_sync_progress.json in replicator.progress-dir, in the
 * shape the teams' tools parse: session_start, last_updated, and per table its schema or data
 * state with ISO local timestamps; a failed table says so with failed_at and the error.
 */
class ProgressFilesTest {

    private static final String LOCAL_TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d";

    @TempDir
    Path dir;

    @Test
    void schemaAndLoadKeepBothFilesInTheShapeTheirReadersExpect() throws Exception {
        String target = TestPostgres.newDatabase("progress_files");
        Path folder = dir.resolve("progress");
        Replicator replicator = Replicator.between("jdbc:sqlite:" + Chinook.sqlite(), "", target, dir)
                .with("--replicator.progress-dir=" + folder, "--tables=Genre,MediaType");

        assertThat(replicator.run("schema").exitCode()).isZero();
        JsonNode schema = read(folder.resolve("schema_replication_progress.json"));
        assertThat(schema.get("session_start").asText()).matches(LOCAL_TIME);
        assertThat(schema.get("last_updated").asText()).matches(LOCAL_TIME);
        JsonNode genre = schema.get("tables").get("Genre").get("schema");
        assertThat(genre.get("status").asText()).isEqualTo("completed");
        assertThat(genre.get("started_at").asText()).matches(LOCAL_TIME);
        assertThat(genre.get("completed_at").asText()).matches(LOCAL_TIME);
        assertThat(genre.get("error").isNull()).isTrue();

        // a value the target cannot hold fails one table: its data entry says so
        TestPostgres.execute(target, "ALTER TABLE media_type ALTER COLUMN name TYPE varchar(3)");
        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isEqualTo(1);

        JsonNode data = read(folder.resolve("data_sync_progress.json"));
        assertThat(data.get("session_start").asText()).matches(LOCAL_TIME);
        JsonNode done = data.get("tables").get("Genre").get("data");
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("rows_synced").asLong()).isEqualTo(25);
        assertThat(done.get("started_at").asText()).matches(LOCAL_TIME);
        assertThat(done.get("completed_at").asText()).matches(LOCAL_TIME);
        assertThat(done.get("error").isNull()).isTrue();
        JsonNode failed = data.get("tables").get("MediaType").get("data");
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("failed_at").asText()).matches(LOCAL_TIME);
        assertThat(failed.get("error").asText()).contains("value too long");
        assertThat(read(folder.resolve("schema_replication_progress.json")).get("tables").get("Genre").get("schema").get("status").asText())
                .isEqualTo("completed");
    }

    private static JsonNode read(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }
}

package org.camelreplicator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camelreplicator.config.EffectiveSettings;
import org.camelreplicator.config.EffectiveSettings.Setting;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.support.Replicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code settings}: each value a run would use, the layer it came from, secrets masked, checked as a run checks. */
class SettingsCommandTest {

    @TempDir
    Path dir;

    @Test
    void eachSettingNamesTheLayerItCameFromTheLaterLayerWinning() throws Exception {
        Path job = Files.writeString(dir.resolve("job.properties"), "replicator.workers=3\nreplicator.batch-rows=7\nsource.password=hunter2\n");
        List<String> locations = List.of("file:" + job, "classpath:application.properties");

        List<Setting> settings = EffectiveSettings.of(locations, Map.of("replicator.batch-rows", "10",
                "target.url", "jdbc:postgresql://db/x?user=u&password=hunter2"), Map.of("REPLICATOR_CHUNK_ROWS", "1000"));

        assertThat(settings).contains(
                new Setting("replicator.workers", "3", "--config " + job),
                new Setting("replicator.batch-rows", "10", "command line"),
                new Setting("replicator.chunk-rows", "1000", "environment REPLICATOR_CHUNK_ROWS"),
                new Setting("replicator.naming", "snake", "built-in application.properties"),
                new Setting("source.password", "****", "--config " + job),
                new Setting("target.url", "jdbc:postgresql://db/x?user=u&password=****", "command line"),
                new Setting("source.url", "", "built-in application.properties; empty: the generated demo database (H2)"));
        // a setting the file leaves empty is what the code makes of it, and a pool size follows another setting
        assertThat(settings).contains(new Setting("replicator.report-dir", Path.of("replicator-data", "reports").toString(), "default"));
        assertThat(settings).filteredOn(s -> s.key().equals("source.pool-min-idle")).singleElement()
                .extracting(Setting::value).isEqualTo(settings.stream().filter(s -> s.key().equals("source.pool-size")).findFirst().orElseThrow().value());
        assertThat(settings).noneMatch(s -> s.value().contains("hunter2")).noneMatch(s -> s.key().startsWith("camel."));
    }

    @Test
    void aTypoOrABadValueIsRefusedAsARunWouldRefuseIt() {
        List<String> builtIn = List.of("classpath:application.properties");

        assertThatThrownBy(() -> EffectiveSettings.of(builtIn, Map.of("replicator.chunk-row", "5"), Map.of()))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("Did you mean replicator.chunk-rows?");
        assertThatThrownBy(() -> EffectiveSettings.of(builtIn, Map.of(), Map.of("REPLICATOR_WORKER", "2")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("REPLICATOR_WORKERS");
        assertThatThrownBy(() -> EffectiveSettings.of(builtIn, Map.of("replicator.workers", "many"), Map.of()))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("replicator.workers");
    }

    @Test
    void theCommandPrintsTheSettingsAsJsonAndExits2OnAnUnknownName() throws Exception {
        Replicator.Result json = Replicator.execute("settings", "--json", "--workers=5");

        assertThat(json.exitCode()).as(json.all()).isZero();
        JsonNode workers = null;
        for (JsonNode s : new ObjectMapper().readTree(json.out())) {
            if (s.get("key").asText().equals("replicator.workers")) {
                workers = s;
            }
        }
        assertThat(workers).isNotNull();
        assertThat(workers.get("value").asText()).isEqualTo("5");
        assertThat(workers.get("origin").asText()).isEqualTo("command line");

        Replicator.Result typo = Replicator.execute("settings", "--replicator.chunk-row=5");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.all()).contains("Did you mean replicator.chunk-rows?");
    }
}

package org.camelreplicator.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings are declared in the code that reads them (with its fallback), in the built-in
 * application.properties (which {@code help} prints) and in the README's reference table: the three
 * must agree, so a setting added in one place and forgotten in another fails here.
 */
class SettingsDocumentedTest {

    /** Settings whose empty value in the file means "derived from another setting", as the code's fallback does. */
    private static final Set<String> DERIVED = Set.of("replicator.report-dir", "replicator.progress-dir");

    private static Map<String, String> codeFallbacks() {
        Map<String, String> fallbacks = new LinkedHashMap<>();
        ReplicatorSettings.from(k -> Optional.empty(), Map.of(), fallbacks);
        return fallbacks;
    }

    private static Map<String, String> builtInFile() {
        Map<String, String> file = new LinkedHashMap<>();
        SettingsFiles.read(List.of("classpath:application.properties")).forEach((k, v) -> {
            if (UnknownSettings.ours(k)) {
                file.put(k, v.strip());
            }
        });
        return file;
    }

    @Test
    void everySettingTheCodeReadsIsInTheBuiltInFileWithTheSameDefault() {
        Map<String, String> file = builtInFile();

        codeFallbacks().forEach((key, fallback) -> {
            assertThat(file).as("application.properties declares %s (help lists the file)", key).containsKey(key);
            if (!DERIVED.contains(key)) {
                assertThat(file.get(key).toLowerCase(Locale.ROOT)).as("the default of %s in application.properties and in the code", key)
                        .isEqualTo(fallback.toLowerCase(Locale.ROOT));
            }
        });
    }

    @Test
    void everySettingOfTheBuiltInFileIsInTheReadmesReferenceTable() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("## Configuration reference");
        String table = readme.substring(start, readme.indexOf("\n## ", start + 1));
        Set<String> documented = new TreeSet<>();
        for (String line : table.split("\n")) {
            if (line.startsWith("| `")) {
                Matcher names = Pattern.compile("`([a-z][a-z0-9.<>-]+)`").matcher(line.substring(0, line.indexOf(" |", 2)));
                while (names.find()) {
                    documented.add(names.group(1));
                }
            }
        }

        assertThat(documented).as("README \"Configuration reference\"").containsAll(builtInFile().keySet());
    }
}

package org.camelreplicator.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Every setting the properties files hold, as the properties component's locations layer them
 * (the first location that has a key answers it). Camel resolves one key at a time and lists none
 * before it has started; the per-table settings and the check for unknown names need them all.
 */
public final class SettingsFiles {

    private SettingsFiles() {
    }

    /**
     * The settings in layers, a later one winning: the built-in application.properties (defaults and
     * the Camel and HikariCP plumbing), ./application.properties when there is one, then the
     * --config file, which so holds only the settings it changes.
     */
    public static String locations(Path configFile) {
        // Camel answers a key from the first location that has it: the most specific layer goes first
        List<String> locations = new ArrayList<>();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new InvalidSettingException("--config", "--config=" + configFile + ": no such file (" + configFile.toAbsolutePath().normalize()
                        + "). Give the path of a properties file with the settings this job changes.");
            }
            locations.add("file:" + configFile.toAbsolutePath());
        }
        if (Files.isRegularFile(Path.of("application.properties"))) {
            locations.add("file:application.properties");
        }
        locations.add("classpath:application.properties");
        return String.join(",", locations);
    }

    /** @param locations {@code file:} and {@code classpath:} locations, most specific first */
    public static Map<String, String> read(List<String> locations) {
        Map<String, String> settings = new TreeMap<>();
        for (int i = locations.size() - 1; i >= 0; i--) {
            String location = locations.get(i).replaceFirst(";optional=true$", "");
            Properties file = new Properties();
            try (InputStream in = open(location)) {
                if (in == null) {
                    continue;
                }
                try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    file.load(reader);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Reading the settings of " + location + " failed: " + e.getMessage(), e);
            }
            file.forEach((k, v) -> settings.put(k.toString().strip(), v.toString()));
        }
        return settings;
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            return SettingsFiles.class.getClassLoader().getResourceAsStream(location.substring("classpath:".length()));
        }
        Path file = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
        return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
    }
}

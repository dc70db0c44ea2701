package org.camelreplicator.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Each setting's value and the layer it came from, as a run would see them: the code's fallback,
 * the built-in application.properties, ./application.properties, the --config file, the
 * environment, the command line (a later layer wins, as in Camel's properties component with its
 * environment variables in override mode). Checked as a run checks them: a bad value or an unknown
 * name is refused the same way, so {@code settings} answers whether a job's settings would start.
 */
public final class EffectiveSettings {

    /** A setting's value (masked when it is a secret) and where it came from. */
    public record Setting(String key, String value, String origin) {
    }

    private static final Pattern SECRET_NAME = Pattern.compile("password|secret|token", Pattern.CASE_INSENSITIVE);
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^;&]*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(://[^/:@]+:)[^@/]*@");

    /** The origin of a value from the application.properties inside the jar. */
    static final String BUILT_IN = "built-in application.properties";

    private EffectiveSettings() {
    }

    /**
     * One setting's value (not masked) and origin as a run will see it, read before Camel starts:
     * the command line, then the environment, then the properties files, most specific first.
     * Unknown names are not checked here ({@link #of} does that).
     */
    public static Optional<Setting> one(String key, List<String> locations, Map<String, String> commandLine, Map<String, String> environment) {
        if (commandLine.containsKey(key)) {
            return Optional.of(new Setting(key, commandLine.get(key), "command line"));
        }
        String variable = UnknownSettings.variable(key);
        if (environment.containsKey(variable)) {
            return Optional.of(new Setting(key, environment.get(variable), "environment " + variable));
        }
        for (String location : locations) {
            String value = SettingsFiles.read(List.of(location)).get(key);
            if (value != null) {
                return Optional.of(new Setting(key, value, origin(location)));
            }
        }
        return Optional.empty();
    }

    private static String origin(String location) {
        return location.startsWith("classpath:") ? BUILT_IN
                : location.equals("file:application.properties") ? "./application.properties" : "--config " + location.substring("file:".length());
    }

    /**
     * @param locations   the properties locations, most specific first (as the runtime gives them to Camel)
     * @param commandLine the settings given on the command line
     * @param environment the process environment
     * @throws InvalidSettingException as a run would: an unknown name or a value that cannot be used
     */
    public static List<Setting> of(List<String> locations, Map<String, String> commandLine, Map<String, String> environment) {
        Map<String, String> values = new TreeMap<>();
        Map<String, String> origins = new TreeMap<>();
        Map<String, String> fallbacks = new LinkedHashMap<>();
        ReplicatorSettings.from(k -> Optional.empty(), Map.of(), fallbacks);
        fallbacks.forEach((k, v) -> set(values, origins, k, v, "default"));
        Set<String> given = new TreeSet<>(commandLine.keySet());
        for (int i = locations.size() - 1; i >= 0; i--) {
            String location = locations.get(i);
            Map<String, String> file = SettingsFiles.read(List.of(location));
            given.addAll(file.keySet());
            String origin = origin(location);
            file.forEach((k, v) -> set(values, origins, k, v, origin));
        }
        for (String key : new ArrayList<>(values.keySet())) {
            String variable = UnknownSettings.variable(key);
            if (environment.containsKey(variable)) {
                set(values, origins, key, environment.get(variable), "environment " + variable);
            }
        }
        commandLine.forEach((k, v) -> set(values, origins, k, v, "command line"));
        // an empty value is the code's fallback to a run (report-dir: under data-dir), so it is shown as that
        fallbacks.forEach((k, v) -> {
            if (values.get(k).isBlank() && !v.isBlank()) {
                set(values, origins, k, v, "default");
            }
        });

        Map<String, String> listed = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(ReplicatorSettings.TABLE_PREFIX) || k.startsWith(ReplicatorSettings.CAST_PREFIX)) {
                listed.put(k, v);
            }
        });
        Set<String> read = new HashSet<>();
        ReplicatorSettings.from(k -> {
            read.add(k);
            return Optional.ofNullable(values.get(k));
        }, listed);
        UnknownSettings.refuse(given, read, environment.keySet());

        List<Setting> result = new ArrayList<>();
        values.forEach((k, v) -> {
            if (UnknownSettings.ours(k)) {
                String value = PLACEHOLDER.matcher(v).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
                String origin = origins.get(k) + (value.isBlank() && EMPTY_MEANS.containsKey(k) ? "; empty: " + EMPTY_MEANS.get(k) : "");
                result.add(new Setting(k, masked(k, value), origin));
            }
        });
        return result;
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}]+)}}");

    /** What an empty URL stands for: the no-setup default of each side. */
    private static final Map<String, String> EMPTY_MEANS = Map.of("source.url", "the generated demo database (H2)",
            "target.url", "the embedded PostgreSQL in replicator.data-dir");

    private static void set(Map<String, String> values, Map<String, String> origins, String key, String value, String origin) {
        values.put(key, value);
        origins.put(key, origin);
    }

    /** A password's value as asterisks, and the password inside a JDBC URL. */
    static String masked(String key, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (SECRET_NAME.matcher(key).find()) {
            return "****";
        }
        String v = URL_PASSWORD.matcher(value).replaceAll("$1****");
        return URL_USER_INFO.matcher(v).replaceAll("$1****@");
    }
}

package org.camelreplicator.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The route files a run starts ({@value #KEY}): the folder's, which a user edits, when it exists;
 * else the copies built into the jar (run from another folder), and the run says which. A folder a
 * user names that does not exist is refused: they meant their routes to run, not the built-in ones.
 *
 * @param folder the folder of route files, or null for the routes built into the jar
 * @param named  the folder the setting names (shown when the built-in routes run instead)
 */
public record RoutesFolder(Path folder, Path named) {

    public static final String KEY = "replicator.routes-dir";

    /** The route files the jar carries (routes/*.camel.yaml), by name; a test keeps the list and the folder in step. */
    public static final List<String> BUILT_IN = List.of("after-actions", "alerts", "commands", "errors", "load", "sync", "transforms", "triggers",
            "verify");

    /**
     * The folder a run will use, from the setting as the run will see it (command line, environment,
     * --config and application.properties files), before Camel starts.
     *
     * @param locations the properties locations, most specific first
     * @throws InvalidSettingException when the setting names a folder that does not exist
     */
    public static RoutesFolder resolve(List<String> locations, Map<String, String> commandLine, Map<String, String> environment) {
        Optional<EffectiveSettings.Setting> setting = EffectiveSettings.one(KEY, locations, commandLine, environment);
        String value = setting.map(EffectiveSettings.Setting::value).filter(v -> !v.isBlank()).orElse("routes");
        Path named = Path.of(value).toAbsolutePath().normalize();
        if (Files.isDirectory(named)) {
            return new RoutesFolder(named, named);
        }
        boolean given = setting.isPresent() && !setting.get().origin().equals(EffectiveSettings.BUILT_IN);
        if (given) {
            throw new InvalidSettingException(KEY, KEY + "=" + value + " (" + setting.get().origin() + "): no such folder (" + named
                    + "). Give the folder of your route files (*.camel.yaml, e.g. a copy of the project's routes/), or leave it unset"
                    + " to run the routes built into the jar.");
        }
        return new RoutesFolder(null, named);
    }

    /** Camel's routes-include-pattern: the folder's route files, or each built-in one by name (a wildcard would walk the jar). */
    public String includePattern(List<String> builtIn) {
        return folder != null ? "file:" + folder + "/*.camel.yaml"
                : String.join(",", builtIn.stream().map(r -> "classpath:routes/" + r + ".camel.yaml").toList());
    }

    /** For the run's first lines: which routes run, and where a user's own would go. */
    public String describe() {
        return folder != null ? folder + " (" + KEY + ")"
                : "built into the jar (there is no folder " + named + "; " + KEY + " names the folder of your edited routes)";
    }
}

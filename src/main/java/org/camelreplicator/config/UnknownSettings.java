package org.camelreplicator.config;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names a user may set: a {@code replicator.*}, {@code source.*} or {@code target.*} name that
 * nothing reads is a typo ({@code --replicator.chunk-row=1000}) and is refused with the nearest name
 * that is read, instead of being ignored while the run uses the default.
 */
public final class UnknownSettings {

    /** Names the application sets for itself (serve's triggers); the built-in application.properties declares the rest. */
    private static final Set<String> INTERNAL = Set.of("replicator.serving", "replicator.serve.timer-on", "replicator.serve.cron-on",
            "replicator.serve.cron-expression", "replicator.serve.inbox-on", "replicator.serve.inbox-dir");

    /** Variables read from the environment alone, not settings: the log level of logback.xml. */
    private static final Set<String> ENVIRONMENT_ONLY = Set.of("REPLICATOR_LOG_LEVEL");

    private UnknownSettings() {
    }

    /** Whether a property name is one of the application's own (not Camel's or HikariCP's plumbing). */
    static boolean ours(String key) {
        return key.startsWith("replicator.") || key.startsWith("source.") || key.startsWith("target.");
    }

    /**
     * Refuses a name nothing reads, given on the command line, in a properties file or as a
     * {@code REPLICATOR_*} variable: what a run and the {@code settings} command both check.
     *
     * @param given the names set on the command line and in the properties files
     * @param read  the names the settings looked up
     */
    public static void refuse(Set<String> given, Set<String> read, Set<String> environment) {
        Set<String> known = new TreeSet<>(read);
        known.addAll(SettingsFiles.read(java.util.List.of("classpath:application.properties")).keySet());
        refuseUnknown(given, known);
        refuseUnknownEnvironment(environment, known);
    }

    /**
     * Refuses the first given name of ours that nothing read.
     *
     * @param given the names set on the command line and in the properties files
     * @param known the names the settings looked up and those the built-in application.properties declares
     */
    static void refuseUnknown(Set<String> given, Set<String> known) {
        known = new TreeSet<>(known);
        known.addAll(INTERNAL);
        for (String key : given) {
            if (!ours(key) || known.contains(key) || key.startsWith(ReplicatorSettings.TABLE_PREFIX)
                    || key.startsWith(ReplicatorSettings.CAST_PREFIX)) {
                continue;
            }
            String nearest = known.stream().min(Comparator.comparingInt(k -> distance(k, key))).orElseThrow();
            String hint = distance(nearest, key) <= Math.max(3, key.length() / 4) ? " Did you mean " + nearest + "?" : "";
            throw new InvalidSettingException(key, "Unknown setting " + key + "." + hint
                    + " The settings are listed in the README (Settings) and in application.properties.");
        }
    }

    /**
     * Refuses a {@code REPLICATOR_*} environment variable that is no setting's name in capitals
     * ({@code REPLICATOR_CHUNK_ROW}). {@code SOURCE_*} and {@code TARGET_*} are left alone: other
     * tools use such names too. Per-table and cast settings have no environment form to check.
     */
    static void refuseUnknownEnvironment(Set<String> environment, Set<String> known) {
        known = new TreeSet<>(known);
        known.addAll(INTERNAL);
        Map<String, String> byVariable = new java.util.HashMap<>();
        known.forEach(k -> byVariable.put(variable(k), k));
        for (String name : environment) {
            if (!name.startsWith("REPLICATOR_") || byVariable.containsKey(name) || name.startsWith("REPLICATOR_TABLE_")
                    || name.startsWith("REPLICATOR_CAST_") || ENVIRONMENT_ONLY.contains(name)) {
                continue;
            }
            String nearest = byVariable.keySet().stream().min(Comparator.comparingInt(v -> distance(v, name))).orElseThrow();
            String hint = distance(nearest, name) <= Math.max(3, name.length() / 4) ? " Did you mean " + nearest + " (" + byVariable.get(nearest) + ")?" : "";
            throw new InvalidSettingException(name, "Unknown setting in the environment: " + name + "." + hint
                    + " A setting's variable is its name in capitals, dots and dashes as underscores (REPLICATOR_WORKERS).");
        }
    }

    /** A setting's environment variable: its name in capitals, dots and dashes as underscores. */
    static String variable(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Levenshtein distance: how many letters to insert, delete or change to get from one name to the other. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int change = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + change);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

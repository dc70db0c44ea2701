package org.camelreplicator.config;

import java.util.Map;

import static org.camelreplicator.config.ReplicatorSettings.TABLE_PREFIX;

/**
 * Column transforms and their lookups (README "Shaping columns on the way"): a table's rows go
 * through a route the user writes in the YAML DSL, row by row, before they are written.
 *
 * @param tables            {@code replicator.table.<table>.transform}: table (as the user wrote it) -> the route's id,
 *                          or a route file ({@code .camel.yaml}) that holds that one route and is loaded for it
 * @param lookupTtlSeconds  {@code replicator.lookup.ttl}: how long a lookup's answer is kept before it is asked again
 * @param lookupMaxEntries  {@code replicator.lookup.max-entries}: answers kept at most, over every lookup
 * @param maskSalt          {@code replicator.mask.salt}: the salt of {@code masks.hash}; a hash without one is refused
 */
public record TransformSettings(Map<String, String> tables, long lookupTtlSeconds, long lookupMaxEntries, String maskSalt) {

    public static final String TRANSFORM = ".transform";
    public static final String LOOKUP_TTL = "replicator.lookup.ttl";
    public static final String LOOKUP_MAX_ENTRIES = "replicator.lookup.max-entries";
    public static final String MASK_SALT = "replicator.mask.salt";

    public TransformSettings {
        tables = Map.copyOf(tables);
    }

    /** The setting that gives a table its transform. */
    public static String key(String table) {
        return TABLE_PREFIX + table + TRANSFORM;
    }

    /** Whether the value names a route file rather than a route id. */
    public static boolean isFile(String value) {
        return value.endsWith(".yaml") || value.endsWith(".yml");
    }

    /**
     * Reads one {@code replicator.table.<table>.transform} setting into the map; false when the key is
     * not one.
     */
    static boolean read(String key, String value, Map<String, String> tables) {
        if (!key.startsWith(TABLE_PREFIX) || !key.endsWith(TRANSFORM) || key.length() <= TABLE_PREFIX.length() + TRANSFORM.length()) {
            return false;
        }
        String route = value.strip();
        if (route.isEmpty()) {
            throw new InvalidSettingException(key, value, "is empty; give the id of the route that transforms the table's rows"
                    + " (or its file, e.g. routes/examples/mask-columns.camel.yaml), or remove the setting");
        }
        tables.put(key.substring(TABLE_PREFIX.length(), key.length() - TRANSFORM.length()), route);
        return true;
    }
}

package org.camelreplicator.config;

/**
 * What {@code verify} needs beyond the load's settings.
 *
 * @param repair               {@code replicator.verify.repair} ({@code --repair}): rewrite the ranges that differ
 * @param maxKeys              {@code replicator.verify.max-keys}: differing rows named per table (all are counted)
 * @param leafRows             {@code replicator.verify.leaf-rows}: a differing integer key range is split until its
 *                             parts hold at most this many rows, whose keys are then compared one by one; such a
 *                             part is also what a repair rewrites
 * @param keysFrom             {@code replicator.verify.keys} ({@code --keys=FROM..TO}): the smallest integer key to
 *                             verify, or null for no lower limit
 * @param keysTo               the largest integer key to verify, or null for no upper limit
 * @param maxDifferingTables   {@code replicator.health.max-differing-tables}: health is DOWN when more tables than
 *                             this differ from their source at their last verify
 */
public record VerifySettings(boolean repair, int maxKeys, long leafRows, Long keysFrom, Long keysTo, int maxDifferingTables) {

    public static final String KEYS = "replicator.verify.keys";

    /** Whether {@code --keys} limits the verify to a key range. */
    public boolean limitsKeys() {
        return keysFrom != null || keysTo != null;
    }

    /** {@code FROM..TO}, both inclusive, either side may be empty; empty for no limit. */
    static Long[] keys(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            return new Long[] {null, null};
        }
        int dots = v.indexOf("..");
        if (dots < 0) {
            throw new InvalidSettingException(KEYS, v, "is not a key range FROM..TO (e.g. 1000..2000, 1000.. or ..2000)");
        }
        Long from = bound(v, v.substring(0, dots).trim());
        Long to = bound(v, v.substring(dots + 2).trim());
        if (from != null && to != null && to < from) {
            throw new InvalidSettingException(KEYS, v, "ends before it begins: give the smallest key first");
        }
        return new Long[] {from, to};
    }

    private static Long bound(String value, String part) {
        if (part.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(part.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(KEYS, value, "is not a key range FROM..TO of whole numbers (e.g. 1000..2000)");
        }
    }
}

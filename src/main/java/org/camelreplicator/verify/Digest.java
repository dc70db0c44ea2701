package org.camelreplicator.verify;

/**
 * What one side holds in a range: its row count and an order-independent digest of its rows (the
 * sum of each row's 64-bit hash), so rows read in any order give the same digest, and a row that
 * is there twice counts twice. Both sides of a range are digested the same way: by their servers
 * ({@link org.camelreplicator.dialect.ServerDigest}) or here, from the canonical text of each value
 * ({@link ValueForm}).
 *
 * @param rows rows in the range
 * @param hash the digest, as text
 */
record Digest(long rows, String hash) {

    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;

    /** Adds rows one at a time; constant memory whatever the range's size. */
    static final class Sum {
        private long rows;
        private long sum;

        void add(String[] row) {
            rows++;
            sum += hash(row);
        }

        Digest digest() {
            return new Digest(rows, Long.toUnsignedString(sum));
        }
    }

    /**
     * A row's canonical values hashed in order, each with its length (so no two rows run together
     * alike) and NULL with a mark of its own (so NULL and empty text differ): FNV-1a over the
     * characters, finished with MurmurHash3's mixer.
     */
    static long hash(String[] row) {
        long h = FNV_OFFSET;
        for (String v : row) {
            if (v == null) {
                h = (h ^ 0x1_0000L) * FNV_PRIME;
                continue;
            }
            h = (h ^ (0x2_0000L + v.length())) * FNV_PRIME;
            for (int i = 0; i < v.length(); i++) {
                h = (h ^ v.charAt(i)) * FNV_PRIME;
            }
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}

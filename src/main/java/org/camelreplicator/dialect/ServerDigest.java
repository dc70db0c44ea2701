package org.camelreplicator.dialect;

import java.util.List;

/**
 * A digest of a range of rows that the engine computes itself, so verify reads no rows over the
 * network: the row count and an order-independent sum of a 64-bit hash of each row's text. Two
 * sides compare their digests only when both use the same one ({@link #name()}).
 */
public interface ServerDigest {

    /** Which digest this is; digests of different names are never compared. */
    String name();

    /**
     * Session settings the rows' text forms depend on (binary output, float digits, interval
     * style), run as the first statements of the reading transaction, so two servers configured
     * differently still print equal values alike.
     */
    List<String> sessionSql();

    /**
     * A query answering one row: the count of rows, and the digest as text.
     *
     * @param qualifiedTable the table, quoted for this engine
     * @param columns        column expressions, in the order both sides use
     * @param where          a condition, or empty for every row
     */
    String sql(String qualifiedTable, List<String> columns, String where);
}

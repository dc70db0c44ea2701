package org.camelreplicator.dialect;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads one column of the current row into the Java value the writers understand: String, Long,
 * Integer, Double, Float, BigDecimal, Boolean, byte[], java.time values, UUID, or null.
 * Chosen once per column and chunk, so the per-row path is a plain call.
 */
@FunctionalInterface
public interface ValueReader {
    Object read(ResultSet rs, int index) throws SQLException;
}

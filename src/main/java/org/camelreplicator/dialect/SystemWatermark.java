package org.camelreplicator.dialect;

/**
 * A change marker the source engine maintains itself, used as a sync watermark: an integer that
 * grows with every write, and a query for the value below which every write has committed, so a
 * sync can advance to it without skipping a transaction that was still open.
 *
 * @param expression    the marker as a bigint expression in a SELECT's WHERE (e.g. {@code xmin::text::bigint})
 * @param committedBelow a query answering one bigint: every marker below it belongs to a finished transaction
 */
public record SystemWatermark(String expression, String committedBelow) {
}

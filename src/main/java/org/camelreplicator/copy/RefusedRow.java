package org.camelreplicator.copy;

/**
 * A source row whose value the source driver or the dialect's reader refused (a MySQL zero date in
 * a NOT NULL column, a partial date), read with {@code replicator.on-bad-row=reject}: it rides in
 * its batch to the chunk's transaction, which records it in the ledger's rejects table instead of
 * writing it.
 *
 * @param key     the row's key as the rejects table holds it, {@code (id=7)}
 * @param error   what was refused: table, column, key and why
 * @param rowText the row as the source gave it, tab-separated, the refused value as the driver's text
 */
public record RefusedRow(String key, String error, String rowText) {
}

package org.camelreplicator.ledger;

import java.time.OffsetDateTime;

/**
 * A row of the ledger's {@code sync_state}: how far sync has brought a table.
 *
 * @param table           the source table (schema.table)
 * @param watermarkColumn the column (or system marker) the watermark is a value of
 * @param watermark       every source row whose watermark is above this value may have changed since
 *                        (a {@code KeyValues} string); null: unknown, the next sync reads every row
 * @param sourceRows      the source's row count when the watermark was taken, -1 when not counted
 * @param syncedAt        when the table was last synced (or loaded)
 * @param changedAt       when a sync last wrote rows to it, or null
 * @param rowsUpserted    rows the last sync wrote
 * @param rowsDeleted     rows the last sync deleted
 */
public record SyncState(String table, String watermarkColumn, String watermark, long sourceRows, OffsetDateTime syncedAt,
                        OffsetDateTime changedAt, long rowsUpserted, long rowsDeleted) {
}

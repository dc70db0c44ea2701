package org.camelreplicator.copy;

import java.sql.SQLException;

import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.RowFilter;

/** Reading a chunk from the source failed; carries the chunk so the message says which rows. */
public class ChunkReadException extends RuntimeException {

    public ChunkReadException(Chunk chunk, SQLException cause) {
        super("Reading " + chunk + " from the source failed: " + cause.getMessage() + filtered(chunk), cause);
    }

    /** A table read through a row filter: the user's SQL may be what failed, so the message names its setting. */
    private static String filtered(Chunk chunk) {
        RowFilter filter = chunk.table().settings().rowFilter();
        return filter == null ? "" : " (the rows were read through the row filter of " + filter.settings()
                + ": if the condition is what fails, fix or remove the setting)";
    }

    /** The driver's exception, for classifying transient and permanent failures. */
    public SQLException sqlException() {
        return (SQLException) getCause();
    }
}

package org.camelreplicator.copy;

import java.sql.SQLException;

import org.camelreplicator.plan.Chunk;

/** Reading a chunk from the source failed; carries the chunk so the message says which rows. */
public class ChunkReadException extends RuntimeException {

    public ChunkReadException(Chunk chunk, SQLException cause) {
        super("Reading " + chunk + " from the source failed: " + cause.getMessage(), cause);
    }

    /** The driver's exception, for classifying transient and permanent failures. */
    public SQLException sqlException() {
        return (SQLException) getCause();
    }
}

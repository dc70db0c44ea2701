package org.camelreplicator.stream;

/** The stream cannot go on: the message names the table (and column) and says what to do. */
public final class StreamException extends RuntimeException {

    public StreamException(String message) {
        super(message);
    }

    public StreamException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.camelreplicator.cli;

/** The command line itself is wrong; the message says what to type instead. */
public class UsageException extends IllegalArgumentException {

    public UsageException(String message) {
        super(message);
    }
}

package org.camelreplicator.config;

/**
 * A database refused the command a privilege (exit status 2): the message names the database user
 * and the statements (GRANT ...) that would lift the refusal.
 */
public class PrivilegeRefusedException extends RuntimeException {

    public PrivilegeRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}

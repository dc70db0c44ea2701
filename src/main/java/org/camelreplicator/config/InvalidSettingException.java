package org.camelreplicator.config;

/** A setting whose value cannot be used; the message names the property, the value and the fix. */
public class InvalidSettingException extends IllegalArgumentException {

    private final String property;

    public InvalidSettingException(String property, String value, String problem) {
        super("Setting " + property + "=" + value + " " + problem
                + ". Fix it in application.properties or pass --" + property + "=<value>.");
        this.property = property;
    }

    public InvalidSettingException(String property, String message) {
        super(message);
        this.property = property;
    }

    public String property() {
        return property;
    }
}

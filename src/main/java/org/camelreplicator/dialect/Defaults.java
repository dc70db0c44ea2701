package org.camelreplicator.dialect;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Column defaults that mean the same on every engine: numbers, quoted strings, booleans and the
 * SQL-standard current date/time functions. Anything else is left off the target column rather
 * than guessed (the schema step logs which).
 */
public final class Defaults {

    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    private static final Pattern STRING = Pattern.compile("'([^']|'')*'");

    private Defaults() {
    }

    public static String portable(String expression) {
        if (expression == null) {
            return null;
        }
        String e = strip(expression.trim());
        if (e.isEmpty() || e.equalsIgnoreCase("NULL")) {
            return null;
        }
        if (NUMBER.matcher(e).matches() || STRING.matcher(e).matches()) {
            return e;
        }
        return switch (e.toUpperCase(Locale.ROOT)) {
            case "TRUE", "FALSE" -> e.toLowerCase(Locale.ROOT);
            case "CURRENT_TIMESTAMP", "NOW()", "CURRENT_TIMESTAMP()", "LOCALTIMESTAMP", "GETDATE()", "SYSDATETIME()" -> "CURRENT_TIMESTAMP";
            case "CURRENT_DATE", "CURRENT_DATE()" -> "CURRENT_DATE";
            default -> null;
        };
    }

    /** SQL Server reports defaults wrapped in parentheses: ((0)), ('x'). */
    private static String strip(String e) {
        while (e.length() >= 2 && e.charAt(0) == '(' && e.charAt(e.length() - 1) == ')') {
            e = e.substring(1, e.length() - 1).trim();
        }
        return e;
    }
}

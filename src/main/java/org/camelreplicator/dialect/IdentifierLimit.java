package org.camelreplicator.dialect;

import java.nio.charset.StandardCharsets;

/**
 * The longest name an engine keeps for a table, column, index, constraint or sequence. PostgreSQL
 * counts bytes of UTF-8 (NAMEDATALEN - 1 = 63) and cuts a longer name without an error, so two
 * long names can become one; MySQL (64), SQL Server (128) and H2 (256) count characters and refuse
 * a longer name. A name is only ever cut between characters, never inside one.
 *
 * @param max   how long a name may be
 * @param bytes whether {@code max} counts bytes of UTF-8 (else UTF-16 characters, as Java strings and SQL Server count)
 */
public record IdentifierLimit(int max, boolean bytes) {

    public static IdentifierLimit bytes(int max) {
        return new IdentifierLimit(max, true);
    }

    public static IdentifierLimit characters(int max) {
        return new IdentifierLimit(max, false);
    }

    /** The length of a name in this limit's unit. */
    public int length(String name) {
        return bytes ? name.getBytes(StandardCharsets.UTF_8).length : name.length();
    }

    public boolean fits(String name) {
        return length(name) <= max;
    }

    /** The name as the engine keeps it: its longest start within the limit. */
    public String kept(String name) {
        return clip(name, max);
    }

    /** The longest start of {@code name} at most {@code units} long, ending between two characters. */
    public String clip(String name, int units) {
        int used = 0;
        int end = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            int size = bytes ? utf8Length(cp) : Character.charCount(cp);
            if (used + size > units) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return name.substring(0, end);
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    /** "63 bytes", "64 characters": for messages. */
    @Override
    public String toString() {
        return max + (bytes ? " bytes" : " characters");
    }
}

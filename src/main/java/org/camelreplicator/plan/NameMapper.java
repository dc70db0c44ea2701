package org.camelreplicator.plan;

import java.util.Locale;

import org.camelreplicator.config.ReplicatorSettings.Naming;

/** Turns source identifiers into target identifiers by the configured {@link Naming} rule. */
public final class NameMapper {

    private final Naming naming;

    public NameMapper(Naming naming) {
        this.naming = naming;
    }

    public String map(String sourceName) {
        return switch (naming) {
            case PRESERVE -> sourceName;
            case LOWER -> sourceName.toLowerCase(Locale.ROOT);
            case SNAKE -> snake(sourceName);
        };
    }

    /**
     * {@code AlbumId} → {@code album_id}, {@code HTTPServer} → {@code http_server},
     * {@code ORDER_LINES} → {@code order_lines}, {@code Unit Price} → {@code unit_price}.
     * Letters and digits of any script are kept; every other run of characters becomes one underscore.
     */
    public static String snake(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        int[] cps = name.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (Character.isLetterOrDigit(c)) {
                if (Character.isUpperCase(c) && i > 0 && !endsWithUnderscore(out)) {
                    int prev = cps[i - 1];
                    boolean nextLower = i + 1 < cps.length && Character.isLowerCase(cps[i + 1]);
                    if ((Character.isLetterOrDigit(prev) && !Character.isUpperCase(prev)) || (Character.isUpperCase(prev) && nextLower)) {
                        out.append('_');
                    }
                }
                out.appendCodePoint(Character.toLowerCase(c));
            } else if (out.length() > 0 && !endsWithUnderscore(out)) {
                out.append('_');
            }
        }
        while (endsWithUnderscore(out)) {
            out.setLength(out.length() - 1);
        }
        // a name made only of symbols keeps its original spelling rather than becoming empty
        return out.length() == 0 ? name : out.toString();
    }

    private static boolean endsWithUnderscore(StringBuilder sb) {
        return sb.length() > 0 && sb.charAt(sb.length() - 1) == '_';
    }
}

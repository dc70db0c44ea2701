package org.camelreplicator.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings part of {@code help}, read from the application.properties shipped in the jar: each
 * setting with its default and the comment above it. The file stays the one place settings are
 * described.
 */
final class SettingsReference {

    private SettingsReference() {
    }

    static String render() {
        StringBuilder out = new StringBuilder("Settings (application.properties; override with --name=value or NAME_IN_CAPITALS):\n");
        List<String> comment = new ArrayList<>();
        try (InputStream in = SettingsReference.class.getResourceAsStream("/application.properties")) {
            if (in == null) {
                return out.append("  (application.properties is not on the classpath)\n").toString();
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String l = line.strip();
                if (l.startsWith("# ---")) {
                    comment.clear();
                } else if (l.startsWith("#")) {
                    comment.add(l.substring(1).strip());
                } else if (l.isEmpty()) {
                    comment.clear();
                } else if (!l.startsWith("camel.")) {
                    int eq = l.indexOf('=');
                    String key = l.substring(0, eq).strip();
                    String value = l.substring(eq + 1).strip();
                    out.append("  ").append(key).append(" = ").append(value.isEmpty() ? "(empty)" : value).append('\n');
                    for (String c : comment) {
                        out.append("      ").append(c).append('\n');
                    }
                    comment.clear();
                } else {
                    comment.clear();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}

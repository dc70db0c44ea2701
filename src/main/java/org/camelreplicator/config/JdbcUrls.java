package org.camelreplicator.config;

import java.util.regex.Pattern;

/** JDBC URLs as they may be shown: without passwords or other secrets some drivers accept in the URL. */
public final class JdbcUrls {

    /** key=value, where SQL Server allows a value in braces that may itself hold ; and &. */
    private static final Pattern SECRET = Pattern.compile(
            "(?i)((?:password|pwd|passwd|secret|token|accessToken|sslpassword)\\s*=)(\\{[^}]*\\}?|[^;&]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]+):[^/@]*@");

    private JdbcUrls() {
    }

    public static String withoutSecrets(String url) {
        if (url == null) {
            return null;
        }
        String s = SECRET.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(s).replaceAll("$1:***@");
    }
}

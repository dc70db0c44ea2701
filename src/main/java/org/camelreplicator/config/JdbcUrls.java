package org.camelreplicator.config;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Pattern;

/** JDBC URLs as they may be shown: without passwords or other secrets some drivers accept in the URL. */
public final class JdbcUrls {

    /** key=value, where SQL Server allows a value in braces that may itself hold ; and &. */
    private static final Pattern SECRET = Pattern.compile(
            "(?i)((?:password|pwd|passwd|secret|token|accessToken|sslpassword)\\s*=)(\\{[^}]*\\}?|[^;&]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]+):[^/@]*@");

    private JdbcUrls() {
    }

    /** The schemes of the drivers the jar ships; README's configuration table says the same. */
    static final String SCHEMES = "jdbc:sqlserver:, jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:sqlite:, jdbc:h2:";

    /**
     * The URL a driver on the class path takes, or a refusal that names the setting and the schemes
     * that work (a typo such as {@code jdbc:postgresq:} is a setting error, not an unreachable
     * database). A {@code jdbc:mysql:} URL goes to MySQL Connector/J when it is on the class path,
     * else to the MariaDB Connector/J the jar ships, which takes that scheme only with its option
     * {@code permitMysqlScheme}: that option is added here, the one place URLs are adjusted.
     */
    public static String forDriver(String setting, String url) {
        String usable = url;
        if (url.startsWith("jdbc:mysql:") && !accepted(url)) {
            usable = url + (url.contains("?") ? "&" : "?") + "permitMysqlScheme";
        }
        if (!accepted(usable)) {
            throw new InvalidSettingException(setting, "Setting " + setting + "=" + withoutSecrets(url) + ": no JDBC driver takes this URL."
                    + " The supported schemes are " + SCHEMES + " (any other engine: put its JDBC driver on the class path)."
                    + " Fix it in application.properties or pass --" + setting + "=<url>.");
        }
        return usable;
    }

    private static boolean accepted(String url) {
        try {
            return DriverManager.getDriver(url) != null;
        } catch (SQLException noDriver) {
            return false;
        }
    }

    public static String withoutSecrets(String url) {
        if (url == null) {
            return null;
        }
        String s = SECRET.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(s).replaceAll("$1:***@");
    }
}

package org.camelreplicator.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcUrlsTest {

    @Test
    void sqlServerPasswordPropertyIsMasked() {
        String url = "jdbc:sqlserver://db.example.com:1433;databaseName=shop;user=sa;password=secret;encrypt=true";

        assertThat(JdbcUrls.withoutSecrets(url))
                .isEqualTo("jdbc:sqlserver://db.example.com:1433;databaseName=shop;user=sa;password=***;encrypt=true")
                .doesNotContain("secret");
    }

    @Test
    void sqlServerPasswordAtTheEndIsMasked() {
        assertThat(JdbcUrls.withoutSecrets("jdbc:sqlserver://host;user=sa;Password=secret"))
                .isEqualTo("jdbc:sqlserver://host;user=sa;Password=***");
    }

    @Test
    void postgresQueryPasswordIsMasked() {
        assertThat(JdbcUrls.withoutSecrets("jdbc:postgresql://host:5432/shop?user=a&password=secret"))
                .isEqualTo("jdbc:postgresql://host:5432/shop?user=a&password=***");
        assertThat(JdbcUrls.withoutSecrets("jdbc:postgresql://host/shop?password=secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://host/shop?password=***&ssl=true");
    }

    @Test
    void postgresSslKeyPasswordIsMasked() {
        assertThat(JdbcUrls.withoutSecrets("jdbc:postgresql://host/shop?sslmode=verify-full&sslpassword=secret"))
                .isEqualTo("jdbc:postgresql://host/shop?sslmode=verify-full&sslpassword=***");
    }

    @Test
    void mysqlUserInfoPasswordIsMasked() {
        assertThat(JdbcUrls.withoutSecrets("jdbc:mysql://user:secret@host/db"))
                .isEqualTo("jdbc:mysql://user:***@host/db");
        assertThat(JdbcUrls.withoutSecrets("jdbc:mariadb://user:secret@host:3306/db?useSSL=true"))
                .isEqualTo("jdbc:mariadb://user:***@host:3306/db?useSSL=true");
    }

    @Test
    void urlsWithoutSecretsAreUnchanged() {
        String[] urls = {
                "jdbc:postgresql://localhost:5432/shop",
                "jdbc:postgresql://host/shop?user=a&ssl=true",
                "jdbc:sqlite:/tmp/chinook.db",
                "jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1",
                "jdbc:sqlserver://host:1433;databaseName=shop;user=sa;encrypt=true",
                "jdbc:mysql://user@host:3306/db",
                "jdbc:mariadb://host:3306/db"
        };
        for (String url : urls) {
            assertThat(JdbcUrls.withoutSecrets(url)).as(url).isEqualTo(url);
        }
    }

    @Test
    void nullStaysNull() {
        assertThat(JdbcUrls.withoutSecrets(null)).isNull();
    }

    @Test
    void aSqlServerPasswordInBracesIsMaskedWhole() {
        assertThat(JdbcUrls.withoutSecrets("jdbc:sqlserver://h;user=sa;password={p;ss};encrypt=true"))
                .isEqualTo("jdbc:sqlserver://h;user=sa;password=***;encrypt=true");
    }

    @Test
    void aUrlNoDriverTakesIsASettingErrorNamingTheSchemesAndNoSecret() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JdbcUrls.forDriver("target.url", "jdbc:postgresq://host/shop?password=secret"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("Setting target.url=jdbc:postgresq://host/shop?password=***: no JDBC driver takes this URL")
                .hasMessageContaining("jdbc:sqlserver:, jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:sqlite:, jdbc:h2:")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aUrlADriverTakesIsKeptAsItIs() {
        assertThat(JdbcUrls.forDriver("source.url", "jdbc:postgresql://host:5432/shop")).isEqualTo("jdbc:postgresql://host:5432/shop");
        assertThat(JdbcUrls.forDriver("source.url", "jdbc:sqlite:/tmp/x.db")).isEqualTo("jdbc:sqlite:/tmp/x.db");
    }
}

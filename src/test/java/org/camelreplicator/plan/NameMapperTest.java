package org.camelreplicator.plan;

import java.util.Locale;

import org.camelreplicator.config.ReplicatorSettings.Naming;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NameMapperTest {

    private final NameMapper snake = new NameMapper(Naming.SNAKE);

    @Test
    void snakeCaseSplitsPascalCaseWords() {
        assertThat(snake.map("AlbumId")).isEqualTo("album_id");
        assertThat(snake.map("MediaTypeId")).isEqualTo("media_type_id");
        assertThat(snake.map("InvoiceLine")).isEqualTo("invoice_line");
        assertThat(snake.map("BillingPostalCode")).isEqualTo("billing_postal_code");
    }

    @Test
    void snakeCaseLowerCasesUpperSnakeCaseWithoutDoublingUnderscores() {
        assertThat(snake.map("ORDER_LINES")).isEqualTo("order_lines");
    }

    @Test
    void snakeCaseKeepsAnAcronymAsOneWord() {
        assertThat(snake.map("HTTPServer")).isEqualTo("http_server");
    }

    @Test
    void snakeCaseTurnsBlanksIntoOneUnderscore() {
        assertThat(snake.map("Unit Price")).isEqualTo("unit_price");
    }

    @Test
    void snakeCaseKeepsTrailingDigitsWithTheirWord() {
        assertThat(snake.map("Address2")).isEqualTo("address2");
    }

    @Test
    void snakeCaseKeepsLettersOfOtherScripts() {
        assertThat(snake.map("Größe")).isEqualTo("größe");
        assertThat(snake.map("顧客")).isEqualTo("顧客");
        assertThat(snake.map("KundenGröße")).isEqualTo("kunden_größe");
    }

    @Test
    void snakeCaseKeepsANameOfOnlySymbolsAsItIs() {
        assertThat(snake.map("$$")).isEqualTo("$$");
        assertThat(snake.map("#")).isEqualTo("#");
    }

    @Test
    void snakeCaseDropsLeadingAndTrailingSymbols() {
        assertThat(snake.map(" _Total Amount_ ")).isEqualTo("total_amount");
    }

    @Test
    void preserveKeepsTheNameExactly() {
        NameMapper preserve = new NameMapper(Naming.PRESERVE);

        assertThat(preserve.map("AlbumId")).isEqualTo("AlbumId");
        assertThat(preserve.map("Unit Price")).isEqualTo("Unit Price");
        assertThat(preserve.map("ORDER_LINES")).isEqualTo("ORDER_LINES");
    }

    @Test
    void lowerOnlyLowerCasesTheName() {
        NameMapper lower = new NameMapper(Naming.LOWER);

        assertThat(lower.map("AlbumId")).isEqualTo("albumid");
        assertThat(lower.map("ORDER_LINES")).isEqualTo("order_lines");
        assertThat(lower.map("Unit Price")).isEqualTo("unit price");
    }

    @Test
    void namesDoNotDependOnTheDefaultLocale() {
        // in a Turkish locale "I".toLowerCase() is a dotless ı; target names must not depend on it
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            assertThat(new NameMapper(Naming.LOWER).map("INVOICE_ID")).isEqualTo("invoice_id");
            assertThat(new NameMapper(Naming.SNAKE).map("InvoiceId")).isEqualTo("invoice_id");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void lettersOutsideTheBasicPlaneAreKept() {
        assertThat(NameMapper.snake("Kunde\uD840\uDC0BName")).isEqualTo("kunde\uD840\uDC0B_name");
        assertThat(NameMapper.snake("\uD835\uDC00lpha")).isEqualTo("\uD835\uDC00lpha".toLowerCase(java.util.Locale.ROOT));
    }
}

package org.camelreplicator.plan;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.camelreplicator.config.ReplicatorSettings.Naming;
import org.camelreplicator.dialect.IdentifierLimit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The names a load makes up, chosen as PostgreSQL's ChooseRelationName chooses them, in bytes or characters. */
class TargetNamesTest {

    private final TargetNames postgres = new TargetNames(Naming.SNAKE, IdentifierLimit.bytes(63), "PostgreSQL");

    @Test
    void shortNamesAreTableColumnsLabelAsPostgresNamesThem() {
        assertThat(postgres.objectName("invoice_line", "track_id", "idx")).isEqualTo("invoice_line_track_id_idx");
        assertThat(postgres.objectName("invoice_line", null, "pkey")).isEqualTo("invoice_line_pkey");
    }

    @Test
    void theLongerPartIsCutFirstSoTheWholeIsExactly63Bytes() {
        String name = postgres.objectName("t".repeat(60), "c".repeat(10), "idx");

        assertThat(name).isEqualTo("t".repeat(48) + "_" + "c".repeat(10) + "_idx").hasSize(63);
    }

    @Test
    void aTwoByteCharacterIsNeverCutInHalf() {
        String name = postgres.objectName("ü".repeat(40), null, "pkey");

        // 58 bytes are left for the table: 29 ü; an odd budget keeps one byte unused rather than half a ü
        assertThat(name).isEqualTo("ü".repeat(29) + "_pkey");
        assertThat(postgres.objectName("ü".repeat(40), null, "pkey1")).isEqualTo("ü".repeat(28) + "_pkey1");
        assertThat(postgres.objectName("ü".repeat(40), null, "pkey1").getBytes(StandardCharsets.UTF_8)).hasSize(62);
    }

    @Test
    void aFourByteCharacterIsNeverCutEither() {
        String name = postgres.objectName("🐘".repeat(20), null, "pkey");

        assertThat(name).isEqualTo("🐘".repeat(14) + "_pkey");
        assertThat(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(name);
    }

    @Test
    void aTakenNameGetsTheFirstFreeNumberAfterItsLabel() {
        Set<String> used = new HashSet<>(Set.of("orders"));
        String table = "x".repeat(63);

        assertThat(postgres.choose(table, null, "pkey", used)).isEqualTo("x".repeat(58) + "_pkey");
        assertThat(postgres.choose(table, null, "pkey", used)).isEqualTo("x".repeat(57) + "_pkey1");
        assertThat(postgres.choose(table, null, "pkey", used)).isEqualTo("x".repeat(57) + "_pkey2");
        assertThat(postgres.choose("orders", null, "pkey", used)).isEqualTo("orders_pkey");
    }

    @Test
    void enginesThatCountCharactersKeepMoreOfAMultiByteName() {
        TargetNames mysql = new TargetNames(Naming.SNAKE, IdentifierLimit.characters(64), "MySQL");

        assertThat(mysql.objectName("ü".repeat(40), "ü".repeat(30), "idx")).isEqualTo("ü".repeat(30) + "_" + "ü".repeat(29) + "_idx");
    }

    @Test
    void theLimitKeepsWhatTheEngineKeeps() {
        assertThat(IdentifierLimit.bytes(63).kept("ü".repeat(40))).isEqualTo("ü".repeat(31));
        assertThat(IdentifierLimit.bytes(63).fits("ü".repeat(31) + "a")).isTrue();
        assertThat(IdentifierLimit.bytes(63).fits("ü".repeat(32))).isFalse();
        assertThat(IdentifierLimit.characters(64).fits("ü".repeat(64))).isTrue();
    }
}

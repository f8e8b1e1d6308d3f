package dev.kwik.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KwikBootVersionTests {
    @Test
    void boot4IsAcceptedAndOtherMajorsAreRefusedNamingBothVersions() {
        assertThatCode(() -> KwikBootVersion.check("4.0.8")).doesNotThrowAnyException();
        assertThatCode(() -> KwikBootVersion.check()).as("the Boot this build uses").doesNotThrowAnyException();
        assertThatThrownBy(() -> KwikBootVersion.check("3.5.7")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("supports Spring Boot 4.0.x").hasMessageContaining("runs Spring Boot 3.5.7");
        assertThatThrownBy(() -> KwikBootVersion.check("5.0.0")).hasMessageContaining("5.0.0");
        assertThatCode(() -> KwikBootVersion.check(null)).doesNotThrowAnyException();
    }
}

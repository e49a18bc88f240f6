package io.kubestead.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({ "30s,PT30S", "5m,PT5M", "1h30m,PT1H30M", "2d,PT48H", "1h0m5s,PT1H5S", "90m,PT1H30M" })
    void parses(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "5", "5 minutes", "0s", "1m30h", "5M", "-5m", "1.5h", "367d", "h" })
    void refuses(String text) {
        assertThat(Durations.parse(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = { "30s", "5m", "1h30m", "2d", "1h5s", "25h" })
    void formatParsesBack(String text) {
        Duration d = Durations.parse(text);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
}

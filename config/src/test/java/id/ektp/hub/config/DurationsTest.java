package id.ektp.hub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "30s,   PT30S",
            "10m,   PT10M",
            "2h,    PT2H",
            "1d,    PT24H",
            "90m,   PT1H30M",
            "030s,  PT30S",
    })
    void parsesANumberWithOneUnit(String text, String iso) {
        assertEquals(Duration.parse(iso), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 min", "30", "s", "0s", "0ms", "-5s", "1.5h", "30S", "30 s", " 30s", "30s ",
            "1h30m", "PT30S", "10sec", "2w", "", "99999999999999999999s", "9223372036854775807d"})
    void rejectsAnythingElseWithTheSameAdvice(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertEquals("'" + text + "' is not a duration: use a number with ms, s, m, h or d, e.g. 30s", e.getMessage());
    }
}

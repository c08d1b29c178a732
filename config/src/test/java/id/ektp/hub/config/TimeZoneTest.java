package id.ektp.hub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code regency.timeZone}: by default the zone of the regency's province (WIB, WITA, WIT), not
 * the machine's; given, it wins, with a warning when it is not the province's.
 */
class TimeZoneTest {
    @TempDir
    Path tmp;

    /** The minimal configuration moved to {@code regency}: its code, its devices' kecamatan codes. */
    ConfigFixture in(String regency) {
        return new ConfigFixture(tmp).set("regency.code", "\"" + regency + "\"")
                .set("devices[0].kecamatan", "\"" + regency + ".05\"")
                .set("devices[0].neighbours", "[\"" + regency + ".06\"]")
                .set("devices[1].kecamatan", "\"" + regency + ".06\"");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"33.10, Asia/Jakarta", "11.71, Asia/Jakarta", "21.71, Asia/Jakarta", "62.01, Asia/Jakarta",
            "51.71, Asia/Makassar", "64.72, Asia/Makassar", "73.71, Asia/Makassar", "76.01, Asia/Makassar",
            "81.71, Asia/Jayapura", "91.71, Asia/Jayapura", "96.01, Asia/Jayapura"})
    void defaultsToTheZoneOfTheProvince(String regency, String zone) throws Exception {
        ConfigLoader.Checked checked = in(regency).inspect();
        assertEquals(List.of(), checked.problems());
        assertEquals(List.of(), checked.warnings());
        assertEquals(ZoneId.of(zone), checked.config().regency().timeZone());
    }

    @Test
    void aZoneGivenWinsWithAWarningWhenItIsNotTheProvinces() {
        ConfigLoader.Checked checked = in("73.71").set("regency.timeZone", "Asia/Jakarta").inspect();
        assertEquals(List.of(), checked.problems());
        assertEquals(ZoneId.of("Asia/Jakarta"), checked.config().regency().timeZone());
        assertEquals(List.of(new ConfigProblem("regency.timeZone", "Asia/Jakarta is not the zone of province 73"
                + " (Asia/Makassar, WITA): the stock check and every time the hub shows or sends follow Asia/Jakarta")),
                checked.warnings());

        assertEquals(List.of(), in("73.71").set("regency.timeZone", "Asia/Makassar").inspect().warnings());
    }

    @Test
    void aProvinceWithoutAKnownZoneNeedsOneGiven() {
        assertEquals(List.of(new ConfigProblem("regency.timeZone", "is required: province 20 is not one the hub knows"
                + " the zone of; set Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)")),
                in("20.01").inspect().problems());
        assertEquals(List.of(), in("20.01").set("regency.timeZone", "Asia/Jakarta").inspect().problems());
        assertEquals(List.of(new ConfigProblem("regency.timeZone", "'Jakarta' is not a time zone: use a region id such as"
                + " Asia/Jakarta, Asia/Makassar or Asia/Jayapura")),
                in("33.10").set("regency.timeZone", "Jakarta").inspect().problems());
    }
}

package id.ektp.hub.codes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Nik#maskAll}: every NIK in a text, and nothing that only looks like one inside an identifier. */
class NikMaskTest {

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("3310054507900001", "331005******0001"),
                Arguments.of("resident 3310054507900001 recorded", "resident 331005******0001 recorded"),
                Arguments.of("nik=3310054507900001", "nik=331005******0001"),
                Arguments.of("{\"nik\":\"3310054507900001\",\"x\":1}", "{\"nik\":\"331005******0001\",\"x\":1}"),
                Arguments.of("3310054507900001.json", "331005******0001.json"),
                Arguments.of("scan_3310050512850042_face.jp2", "scan_331005******0042_face.jp2"),
                Arguments.of("face-3310054507900001.jp2", "face-331005******0001.jp2"),
                Arguments.of("a man's: 3310050101700001, a woman's: 3310057112990001",
                        "a man's: 331005******0001, a woman's: 331005******0001"),
                Arguments.of("line one\n3310054507900001", "line one\n331005******0001"),
                // Camel's message and exchange ids: a hex id, a hyphen and a 16-digit counter.
                Arguments.of("56816C96079BC01-0000000000000204", "56816C96079BC01-0000000000000204"),
                Arguments.of("exchange 56816C96079BC01-3310054507900001 failed",
                        "exchange 56816C96079BC01-3310054507900001 failed"),
                // Packet ids and digests: no run of 16 digits standing alone.
                Arguments.of("331005-CWS01-20261123081500-0001", "331005-CWS01-20261123081500-0001"),
                Arguments.of("sha256 ab3310054507900001cd", "sha256 ab3310054507900001cd"),
                Arguments.of("33100545079000012", "33100545079000012"),
                Arguments.of("1733100545079000", "1733100545079000"),
                // 16 digits that cannot be a NIK: birth day 00 or 32, month 13, serial 0000.
                Arguments.of("order 3310050007900001", "order 3310050007900001"),
                Arguments.of("order 3310053207900001", "order 3310053207900001"),
                Arguments.of("order 3310054513900001", "order 3310054513900001"),
                Arguments.of("order 3310054507900000", "order 3310054507900000"),
                Arguments.of("1765432135876543 ns", "1765432135876543 ns"));
    }

    @ParameterizedTest
    @MethodSource("texts")
    void masksNiksAndLeavesIdentifiers(String text, String expected) {
        assertEquals(expected, Nik.maskAll(text));
    }
}

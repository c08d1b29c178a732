package id.ektp.hub.codes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UntrustedTextTest {

    @Test
    void aNameCannotStartALineOfItsOwnAndItsNikIsMasked() {
        String name = "x.zip\n2026-11-23 08:15:00.000 INFO  PacketLog      packet 3310054507900001 FORWARDED\r.zip";
        String shown = UntrustedText.forLog(name);
        assertEquals("x.zip\\u000A2026-11-23 08:15:00.000 INFO  PacketLog      packet 331005******0001"
                + " FORWARDED\\u000D.zip", shown);
    }

    @Test
    void invisibleCharactersAreSpelledOut() {
        assertEquals("\\u202Egpj.exe \\u001B[31mred\\u0085 \\u2028 \\u200B \\uD800 tab\\u0009",
                UntrustedText.forLog("\u202Egpj.exe \u001B[31mred\u0085 \u2028 \u200B \uD800 tab\t"));
        assertEquals("Sri Wahyuni, Klaten \u00E9\uD83D\uDE00", UntrustedText.forLog("Sri Wahyuni, Klaten \u00E9\uD83D\uDE00"));
    }

    @Test
    void aLongNameIsCutWithAnEllipsis() {
        String shown = UntrustedText.forLog("a".repeat(10_000));
        assertEquals(UntrustedText.NAME_LIMIT, shown.length());
        assertEquals("a".repeat(UntrustedText.NAME_LIMIT - 1) + "…", shown);
        assertEquals("a".repeat(UntrustedText.NAME_LIMIT), UntrustedText.forLog("a".repeat(UntrustedText.NAME_LIMIT)));
        assertEquals(UntrustedText.SENTENCE_LIMIT, UntrustedText.sentence("b".repeat(5000)).length());
    }

    @Test
    void anEscapeIsNeverCutInHalfAndTheBoundHolds() {
        String shown = UntrustedText.forLog("\n".repeat(100));
        assertTrue(shown.length() <= UntrustedText.NAME_LIMIT, shown);
        assertTrue(shown.matches("(\\\\u000A)+…"), shown);
    }

    @Test
    void aNikAtTheCutIsMaskedBeforeItIsCut() {
        String shown = UntrustedText.forLog("x".repeat(109) + " 3310054507900001");
        assertFalse(shown.contains("4507"), shown);
        assertTrue(shown.endsWith("331005***…"), shown);
    }

    @Test
    void nothingStaysNothing() {
        assertNull(UntrustedText.forLog(null));
        assertNull(UntrustedText.sentence(null));
        assertEquals("(none)", UntrustedText.quoted(null));
    }

    @Test
    void aFileNameIsTheTextItselfOnlyWhenItIsASafeShortName() {
        assertEquals("ALLOC-2026-118", UntrustedText.fileName("ALLOC-2026-118"));
        String longId = "x".repeat(5000);
        for (String unsafe : new String[] {"../../etc/passwd", "a/b", ".hidden", "line\nbreak", longId, ""}) {
            String name = UntrustedText.fileName(unsafe);
            assertTrue(name.matches("sha256~[0-9a-f]{32}"), unsafe + " -> " + name);
        }
        // unsafe characters are not replaced by safe ones: two different ids never share a name
        assertFalse(UntrustedText.fileName("a/b").equals(UntrustedText.fileName("a_b")));
        assertEquals(UntrustedText.fileName(longId), UntrustedText.fileName("x".repeat(5000)));
    }
}

package id.ektp.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import id.ektp.hub.codes.Nik;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The hub's log configuration ({@code log4j2.xml} of ektp-hub.jar), in a process of its own as an
 * operator runs it: text lines by default, one JSON object a line with {@code EKTP_LOG_FORMAT=json};
 * either way a NIK in a message or an exception is masked.
 */
class LogFormatTest {
    static final String NIK = "3310054507900001";
    static final String MASKED = "331005******0001";

    /** Logs one warning with a NIK in its message and in its exception's; the test runs it as a process. */
    public static void main(String[] args) {
        LoggerFactory.getLogger("ektp.test").warn("packet from resident " + NIK + " refused",
                new IllegalStateException("bad NIK " + NIK));
    }

    @Test
    void jsonLinesWhenAskedWithTheNikMasked() throws Exception {
        List<String> lines = run("json");
        assertEquals(1, lines.size(), lines.toString());
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertEquals("WARN", line.get("level").asText());
        assertEquals("ektp.test", line.get("logger").asText());
        assertEquals("main", line.get("thread").asText());
        assertEquals("packet from resident " + MASKED + " refused", line.get("message").asText());
        assertTrue(line.get("error").asText().contains("IllegalStateException: bad NIK " + MASKED), line.toString());
        assertTrue(OffsetDateTime.parse(line.get("@timestamp").asText()).getOffset().getTotalSeconds() == 0, line.toString());
        assertFalse(lines.get(0).contains(NIK), lines.get(0));
    }

    /** The JSON template cannot refer to log4j2.xml's "nik" property: it spells Nik.MASK_PATTERN out, and must keep to it. */
    @Test
    void theJsonTemplatesNikPatternIsTheCodes() throws Exception {
        JsonNode template = new ObjectMapper().readTree(LogFormatTest.class.getResource("/ektp-log-layout.json"));
        for (String field : List.of("message", "error")) {
            assertTrue(template.get(field).get("pattern").asText()
                    .contains("}{" + Nik.MASK_PATTERN + "}{" + Nik.MASK_REPLACEMENT + "}"), field);
        }
    }

    @Test
    void textLinesByDefaultWithTheNikMasked() throws Exception {
        List<String> lines = run(null);
        // One event, one line: the exception follows the message after " | " (log4j2.xml).
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} WARN  test +packet from resident "
                + java.util.regex.Pattern.quote(MASKED) + " refused \\| .*"), lines.toString());
        assertTrue(lines.get(0).contains("IllegalStateException: bad NIK " + MASKED), lines.toString());
        assertFalse(String.join("\n", lines).contains(NIK), lines.toString());
    }

    /** This class's {@link #main} with the jar's log configuration, {@code EKTP_LOG_FORMAT} set to {@code format}. */
    private static List<String> run(String format) throws IOException, InterruptedException {
        Path config = Path.of(LogFormatTest.class.getResource("/log4j2.xml").getPath());
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-Dlog4j2.configurationFile=" + config, "-cp", System.getProperty("java.class.path"),
                LogFormatTest.class.getName()).redirectErrorStream(true);
        builder.environment().remove("EKTP_LOG_FORMAT");
        if (format != null) {
            builder.environment().put("EKTP_LOG_FORMAT", format);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        List<String> lines = new ArrayList<>(output.lines().filter(l -> !l.isBlank()).toList());
        return lines;
    }
}

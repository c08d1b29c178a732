package id.ektp.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.codes.Nik;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipException;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.OutputStreamAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The hub's own log layout ({@code app/src/main/resources/log4j2.xml}), loaded as the hub loads it
 * and logged through: the safety net for messages the hub does not write itself.
 */
class LogLayoutTest {

    /**
     * Logs through the production configuration and returns what its console layout wrote. The
     * console appender itself is swapped for one with the same layout writing to memory: log4j
     * shares one console stream among all configurations, so {@code System.setOut} would not do.
     */
    private static String logThroughProductionLayout(Configuration[] loaded, LogCalls calls) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext("production-layout");
        try {
            ConfigurationSource source = ConfigurationSource.fromUri(
                    LogLayoutTest.class.getResource("/log4j2.xml").toURI());
            Configuration configuration = new XmlConfiguration(context, source);
            context.start(configuration);
            loaded[0] = configuration;
            Appender capture = OutputStreamAppender.newBuilder().setName("capture")
                    .setLayout(configuration.getAppender("console").getLayout()).setTarget(out).build();
            capture.start();
            LoggerConfig root = configuration.getRootLogger();
            root.removeAppender("console");
            root.addAppender(capture, null, null);
            context.updateLoggers();
            calls.log(context.getLogger("id.ektp.hub.up.PacketLog"));
        } finally {
            context.stop();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private interface LogCalls {
        void log(Logger log);
    }

    @Test
    void theLayoutsNikPatternIsTheCodes() throws Exception {
        Configuration[] loaded = new Configuration[1];
        logThroughProductionLayout(loaded, log -> { });
        assertEquals(Nik.MASK_PATTERN, loaded[0].getStrSubstitutor().replace("${nik}"));
    }

    @Test
    void niksAreMaskedAndIdentifiersAreNot() throws Exception {
        String text = logThroughProductionLayout(new Configuration[1], log -> {
            log.info("resident 3310054507900001 recorded");
            log.info("manifest {\"nik\":\"3310054507900001\"} and nik=3310057112990001");
            log.info("file 3310054507900001.json");
            log.warn("Failed delivery for (MessageId: 56816C96079BC01-0000000000000204 on ExchangeId: "
                    + "56816C96079BC01-0000000000000205)");
            log.info("packet 331005-CWS01-20261123081500-0001 forwarded");
        });
        List<String> lines = text.lines().toList();
        assertEquals(5, lines.size(), text);
        assertTrue(lines.get(0).endsWith("resident 331005******0001 recorded"), lines.get(0));
        assertTrue(lines.get(1).endsWith("manifest {\"nik\":\"331005******0001\"} and nik=331005******0001"), lines.get(1));
        assertTrue(lines.get(2).endsWith("file 331005******0001.json"), lines.get(2));
        assertTrue(lines.get(3).endsWith("(MessageId: 56816C96079BC01-0000000000000204 on ExchangeId: "
                + "56816C96079BC01-0000000000000205)"), lines.get(3));
        assertTrue(lines.get(4).endsWith("packet 331005-CWS01-20261123081500-0001 forwarded"), lines.get(4));
    }

    @Test
    void aMessageOrExceptionCannotForgeALine() throws Exception {
        String forged = "x.zip\n2026-11-23 08:15:00.000 INFO  PacketLog      packet 3310054507900001 FORWARDED\r";
        String text = logThroughProductionLayout(new Configuration[1], log -> {
            log.warn("could not read {}", forged);
            log.warn("colours \u001B[31mred\u001B[0m and \u202Egpj.exe");
            log.error("intake failed", new ZipException("bad entry " + forged));
            log.info("after");
        });
        List<String> lines = text.lines().toList();
        assertEquals(4, lines.size(), text);
        assertTrue(lines.get(0).endsWith("could not read x.zip\\n2026-11-23 08:15:00.000 INFO  PacketLog      packet"
                + " 331005******0001 FORWARDED\\r"), lines.get(0));
        assertTrue(lines.get(1).endsWith("colours ?[31mred?[0m and ?gpj.exe"), lines.get(1));
        assertTrue(lines.get(2).contains("intake failed | java.util.zip.ZipException: bad entry x.zip\\n2026-11-23"),
                lines.get(2));
        assertTrue(lines.get(2).endsWith(")"), "the top frame ends the line: " + lines.get(2));
        assertFalse(text.contains("4507900001"), text);
        assertTrue(lines.get(3).endsWith("after"), lines.get(3));
    }
}

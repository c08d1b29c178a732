package id.ektp.hub.up;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.codes.UntrustedText;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.broker.EmbeddedBroker.ReceivedMessage;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords.TrailLine;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.LogCapture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a device names or writes reaches the log, the quarantine list, the audit trail and the
 * ministry's {@code PACKET_REJECTED} report only bounded, with line breaks and control characters
 * spelled out and NIKs masked: a device cannot forge a log line or leak a resident's NIK.
 */
class UntrustedNamesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final String NIK = "3310054507900001";
    /** The NIK's birth date and serial: what masking hides. */
    private static final String NIK_HIDDEN_PART = "4507900001";
    /** A line a device would like the operator to read in the hub's log. */
    private static final String FORGED_LINE = "2026-11-23 08:15:00.000 INFO  PacketLog      packet"
            + " 331005-CWS01-20261123081500-0009 kecamatan 33.10.05 device CWS01: FORWARDED";

    @TempDir
    Path root;
    HubTestEnvironment env;
    LogCapture logs;

    @AfterEach
    void stop() {
        if (logs != null) {
            logs.close();
        }
        env.close();
    }

    @Test
    void aForgedFileNameAndALongManifestFieldAreEscapedMaskedAndBoundedEverywhereTheyAreShown() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        logs = LogCapture.start();
        Hub hub = env.startHub();

        // A file whose name (as long as the file system allows) breaks the line, forges one and carries a NIK.
        String forgedName = "scan\n" + FORGED_LINE + " " + NIK + ".zip";
        Path outbox = env.outbox("CWS01");
        // The device refuses its first removal too: the warning about it names the file as well.
        env.deviceServer().failNextRemoval(forgedName);
        Files.writeString(outbox.resolve(forgedName), "not a packet");
        Files.write(outbox.resolve(forgedName + ".done"), new byte[0]);
        // A packet whose manifest lists an entry named with 10,000 characters, a line break and a NIK.
        PacketSpec spec = PacketSpec.builder().sequence(2).targetBytes(8 * 1024).build();
        String longName = NIK + "\n" + FORGED_LINE + " " + "x".repeat(10_000);
        Path zip = outbox.resolve(spec.fileName());
        Files.write(zip, listing(spec, longName));
        Files.write(outbox.resolve(spec.fileName() + ".done"), new byte[0]);

        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 2 && hub.quarantine().held().stream()
                .allMatch(e -> Files.exists(env.dataDir().resolve("quarantine").resolve(e.fileName()))));
        List<ReceivedMessage> reports = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            reports.addAll(broker.receiveAll(Queues.FAILURES, Duration.ofMillis(200)));
            return reports.size() >= 2;
        });

        QuarantineEntry byName = held(hub, RejectReason.PACKET_ID_MISMATCH);
        QuarantineEntry byManifest = held(hub, RejectReason.UNSAFE_ENTRY_NAME);
        String shownName = UntrustedText.forLog(forgedName);
        assertTrue(shownName.startsWith("scan\\u000A2026-11-23 08:15:00.000 INFO"), shownName);
        assertEquals(shownName, byName.subjectId(), "the quarantine list shows the name escaped");
        assertTrue(byManifest.detail().startsWith("manifest entry \"331005******0001\\u000A2026-11-23 08:15:00.000"),
                byManifest.detail());
        assertTrue(byManifest.detail().contains("…\": the name contains the control character U+000A"),
                byManifest.detail());

        List<String> shown = new ArrayList<>();
        for (QuarantineEntry entry : List.of(byName, byManifest)) {
            shown.add(entry.subjectId());
            shown.add(entry.detail());
            for (TrailLine line : hub.quarantine().trail(entry.quarantineId())) {
                shown.add(line.detail());
            }
        }
        for (ReceivedMessage report : reports) {
            JsonNode body = Messages.json().readTree(report.text());
            assertEquals("PACKET_REJECTED", body.get("kind").asText());
            shown.add(body.get("packetId").asText());
            shown.add(body.get("reason").asText());
            assertTrue(body.get("packetId").asText().length() <= UntrustedText.NAME_LIMIT, body.toString());
        }
        assertTrue(shown.contains(shownName), "the report names the file as the list does: " + shown);
        for (String text : shown) {
            assertClean(text, UntrustedText.SENTENCE_LIMIT + 100);
        }

        // The hub's own log lines: one line each, no NIK, bounded; the forged line visible as such.
        List<String> ours = logs.lines().stream()
                .filter(l -> l.logger().startsWith("ektp") || l.logger().startsWith("id.ektp"))
                .map(LogCapture.Line::text).toList();
        assertTrue(ours.stream().anyMatch(l -> l.contains("QUARANTINED") && l.contains(shownName)), String.join("\n", ours));
        assertFalse(env.deviceServer().removalFailurePending(forgedName), "the removal was refused once");
        assertTrue(ours.stream().anyMatch(l -> l.contains("Could not remove")), String.join("\n", ours));
        for (String line : ours) {
            assertClean(line, 2 * UntrustedText.SENTENCE_LIMIT);
        }
    }

    private static void assertClean(String text, int bound) {
        assertFalse(text.contains("\n") || text.contains("\r"), "a line break: " + text);
        assertFalse(text.contains(NIK_HIDDEN_PART), "a NIK: " + text);
        assertTrue(text.length() <= bound, "longer than " + bound + ": " + text.length() + " characters");
    }

    private static QuarantineEntry held(Hub hub, RejectReason reason) {
        return hub.quarantine().held().stream().filter(e -> e.reason().equals(reason.name())).findFirst()
                .orElseThrow(() -> new AssertionError("nothing held as " + reason + ": " + hub.quarantine().held()));
    }

    /** A valid small packet of {@code spec} whose manifest also lists an entry called {@code name}. */
    private byte[] listing(PacketSpec spec, String name) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(env.packetFactory().bytes(spec)))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        ObjectNode manifest = (ObjectNode) Messages.json().readTree(entries.get("manifest.json"));
        ((ArrayNode) manifest.get("entries")).addObject().put("name", name).put("size", 1).put("sha256", "0".repeat(64));
        entries.put("manifest.json", Messages.json().writeValueAsBytes(manifest));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}

package id.ektp.hub.across;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.codes.UntrustedText;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.FollowUps;
import id.ektp.hub.store.PacketResults;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.HubTestEnvironment;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ministry's results for forwarded packets, from a real embedded broker standing in for the
 * ministry's: taken in any order, repeated or not, never moving a packet back; anything that is
 * not a result for a packet this hub forwarded is quarantined once and the queue goes on.
 */
class PacketResultsFlowTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final String QUEUE = Queues.packetResults("3310");

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;
    Hub hub;

    @BeforeEach
    void start() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        hub = env.startHub();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    private String forwarded(int sequence) throws Exception {
        PacketSpec spec = PacketSpec.builder().sequence(sequence).seed(sequence).build();
        env.drop(spec);
        await().atMost(PATIENCE).until(() -> hub.packets().find(spec.packetId())
                .map(r -> r.state() == PacketState.FORWARDED).orElse(false));
        return spec.packetId();
    }

    static String result(String packetId, String status) {
        String extra = switch (status) {
            case "DUPLICATE" -> ",\"duplicateOf\":{\"kecamatanCode\":\"33.10.14\",\"recordedOn\":\"2016-03-02\"}";
            case "REJECTED" -> ",\"reason\":\"BIOMETRIC_QUALITY\"";
            default -> "";
        };
        return "{\"schema\":\"ektp.packet-result/1\",\"packetId\":\"" + packetId + "\",\"regencyCode\":\"33.10\","
                + "\"status\":\"" + status + "\",\"at\":\"2026-11-25T10:02:00+07:00\"" + extra + "}";
    }

    private void send(String text) {
        broker.send(QUEUE, text, Map.of(Queues.MESSAGE_ID, UUID.randomUUID().toString(), Queues.TYPE, Queues.PACKET_RESULT,
                Queues.REGENCY, "33.10"));
    }

    /** Sends a last, valid RECEIVED for {@code packetId} and waits until the queue is empty: every message before it was taken. */
    private void drain(String packetId) {
        send(result(packetId, "RECEIVED"));
        await().atMost(PATIENCE).until(() -> broker.queueSize(QUEUE) == 0);
    }

    private String status(String packetId) {
        return hub.packetResults().find(packetId).map(PacketResults.Result::status).orElse(null);
    }

    @Test
    void resultsInAnyOrderAndRepeatedEndInTheFinalOneAndNeverMoveBack() throws Exception {
        String enrolled = forwarded(1);
        String duplicate = forwarded(2);
        String rejected = forwarded(3);

        send(result(enrolled, "ENROLLED"));
        send(result(enrolled, "RECEIVED")); // late: never moves it back
        send(result(enrolled, "ENROLLED")); // repeated
        send(result(duplicate, "RECEIVED"));
        send(result(duplicate, "RECEIVED"));
        send(result(duplicate, "DUPLICATE"));
        send(result(rejected, "REJECTED"));
        send(result(rejected, "ENROLLED")); // a different final answer: kept aside, not taken
        drain(enrolled);

        assertEquals("ENROLLED", status(enrolled));
        assertEquals("DUPLICATE", status(duplicate));
        assertEquals("REJECTED", status(rejected));
        List<QuarantineEntry> held = hub.quarantine().held();
        assertEquals(List.of(PacketResultIntake.CONFLICTING_RESULT), held.stream().map(QuarantineEntry::reason).toList());
        assertEquals(rejected, held.get(0).subjectId());
        Map<String, String> followUps = hub.followUps().open().stream()
                .collect(Collectors.toMap(FollowUps.FollowUp::packetId, FollowUps.FollowUp::kind));
        assertEquals(Map.of(duplicate, "DUPLICATE", rejected, "REJECTED"), followUps, "who must come in");
        assertEquals("DUPLICATE", hub.receipts().find(duplicate).orElseThrow().state());
        assertTrue(hub.receipts().find(duplicate).orElseThrow().detail()
                .contains("already recorded at 33.10.14 on 2016-03-02"));
    }

    @Test
    void unknownAndMalformedResultsAreQuarantinedOnceAndTheQueueGoesOn() throws Exception {
        String known = forwarded(1);
        String neverSent = "331005-CWS01-20261123081500-0999";
        send(result(neverSent, "ENROLLED"));
        send(result(neverSent, "ENROLLED")); // the same again: one item
        send("{not json");
        send("{\"schema\":\"ektp.packet-result/2\",\"packetId\":\"" + known + "\"}");
        send(result(known, "REJECTED").replace("BIOMETRIC_QUALITY", "BAD_LIGHT"));
        send(result(known, "DUPLICATE").replace("\"duplicateOf\"", "\"duplicate\""));
        send(result(known, "ENROLLED").replace("33.10", "33.11"));
        send(result(known, "ENROLLED"));
        drain(known);

        assertEquals("ENROLLED", status(known), "the good result behind the bad ones is taken");
        Map<String, Long> reasons = hub.quarantine().held().stream()
                .collect(Collectors.groupingBy(QuarantineEntry::reason, Collectors.counting()));
        assertEquals(Map.of(PacketResultIntake.UNKNOWN_PACKET, 1L, PacketResultIntake.MALFORMED_RESULT, 5L), reasons);
        QuarantineEntry unknown = hub.quarantine().held().stream()
                .filter(e -> e.reason().equals(PacketResultIntake.UNKNOWN_PACKET)).findFirst().orElseThrow();
        assertEquals(neverSent, unknown.subjectId());
        assertTrue(unknown.detail().contains("never had packet " + neverSent), unknown.detail());
        assertTrue(hub.quarantine().held().stream().anyMatch(e -> e.detail().contains("reason BAD_LIGHT is not one of")));
    }

    /** An object message's body, of a class the hub's broker client does not trust to deserialize. */
    record Untrusted(String packetId) implements Serializable {}

    /**
     * What a sender can get wrong beyond the text: an id no file may be named after, and bodies
     * that are not text (bytes, map, an object no one may deserialize). Each is quarantined and
     * consumed, and the good result behind them is taken: none comes back for ever.
     */
    @Test
    void noMessageBodyOrIdHoldsTheResultsBehindIt() throws Exception {
        String known = forwarded(1);
        String longId = "../../" + "x".repeat(4990) + "\nEND";
        broker.send(QUEUE, "{not json", Map.of(Queues.MESSAGE_ID, longId));
        sendNonText(session -> {
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(result(known, "ENROLLED").getBytes(StandardCharsets.UTF_8));
            m.setStringProperty(Queues.MESSAGE_ID, "bytes-1");
            return m;
        });
        sendNonText(session -> {
            MapMessage m = session.createMapMessage();
            m.setString("packetId", known);
            m.setStringProperty(Queues.MESSAGE_ID, "map-1");
            return m;
        });
        sendNonText(session -> {
            ObjectMessage m = session.createObjectMessage(new Untrusted(known));
            m.setStringProperty(Queues.MESSAGE_ID, "object-1");
            return m;
        });
        send(result(known, "ENROLLED"));

        await().atMost(PATIENCE).until(() -> "ENROLLED".equals(status(known)));
        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 4);
        await().atMost(PATIENCE).until(() -> broker.queueSize(QUEUE) == 0);
        Map<String, QuarantineEntry> bySubject = hub.quarantine().held().stream()
                .collect(Collectors.toMap(e -> e.subjectId().substring(0, Math.min(8, e.subjectId().length())), e -> e));
        assertEquals(Set.of("../../xx", "bytes-1", "map-1", "object-1"), bySubject.keySet());
        bySubject.values().forEach(e -> assertEquals(PacketResultIntake.MALFORMED_RESULT, e.reason(), e.toString()));
        assertTrue(bySubject.get("object-1").detail().contains("not a text message"), bySubject.get("object-1").detail());
        QuarantineEntry longOne = bySubject.get("../../xx");
        assertTrue(longOne.subjectId().length() <= UntrustedText.NAME_LIMIT && !longOne.subjectId().contains("\n"),
                longOne.subjectId());
        assertTrue(longOne.quarantineId().matches("packet-result~sha256~[0-9a-f]{32}"), longOne.quarantineId());
        for (QuarantineEntry e : hub.quarantine().held()) {
            Path file = env.dataDir().resolve("quarantine").resolve(e.fileName());
            assertTrue(Files.isRegularFile(file), "kept: " + file);
            assertEquals(env.dataDir().resolve("quarantine/messages"), file.getParent());
        }
        assertEquals(result(known, "ENROLLED"), Files.readString(env.dataDir().resolve("quarantine")
                .resolve(bySubject.get("bytes-1").fileName())), "a bytes message's bytes are kept, to be released");
    }

    /** Sends a message the sandbox broker's text-only helper cannot: built by {@code make}, persistent. */
    private void sendNonText(MessageMaker make) throws Exception {
        try (Connection connection = broker.connectionFactory().createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(QUEUE))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(make.make(session));
        }
    }

    @FunctionalInterface
    private interface MessageMaker {
        Message make(Session session) throws JMSException;
    }

    @Test
    void aResultThatCameBeforeItsPacketWasForwardedIsTakenWhenReleased() throws Exception {
        PacketSpec early = PacketSpec.builder().sequence(7).seed(7).build();
        send(result(early.packetId(), "DUPLICATE"));
        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 1);
        String id = hub.quarantine().held().get(0).quarantineId();
        assertEquals(409, release(id).statusCode(), "still unknown: the packet has not come");

        env.drop(early);
        await().atMost(PATIENCE).until(() -> hub.packets().find(early.packetId())
                .map(r -> r.state() == PacketState.FORWARDED).orElse(false));
        HttpResponse<String> released = release(id);

        assertEquals(200, released.statusCode(), released.body());
        assertEquals("DUPLICATE", status(early.packetId()));
        assertEquals(List.of(), hub.quarantine().held());
        assertEquals("DUPLICATE", hub.followUps().find(early.packetId()).orElseThrow().kind());
    }

    private HttpResponse<String> release(String id) throws Exception {
        return Contracts.http().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + "/api/quarantine/" + id + "/release"))
                        .header("Authorization", "Bearer " + env.adminToken())
                        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package id.ektp.hub.across;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.codes.UntrustedText;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.broker.EmbeddedBroker.ReceivedMessage;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestDevice;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ACROSS flows against a real, persistent embedded ActiveMQ broker standing in for the ministry's. */
class AcrossFlowTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;

    @AfterEach
    void stop() {
        env.close();
    }

    private Hub start(List<TestDevice> devices) throws Exception {
        env = HubTestEnvironment.create(root, devices);
        broker = env.withBroker();
        return env.startHub();
    }

    private void setUp(List<TestDevice> devices, String stockYaml, String extraYaml) throws Exception {
        env = HubTestEnvironment.create(root, devices);
        broker = env.withBroker();
        env.withStock(stockYaml).withExtraYaml(extraYaml);
    }

    private static JsonNode json(ReceivedMessage m) throws Exception {
        return Messages.json().readTree(m.text());
    }

    private List<ReceivedMessage> awaitMessages(String queue, int count) {
        List<ReceivedMessage> got = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            got.addAll(broker.receiveAll(queue, Duration.ofMillis(200)));
            return got.size() >= count;
        });
        return Contracts.assertSent(got);
    }

    private List<String> outboxIds(Path dataDir, String queue) {
        try (HubStore store = HubStore.openReadOnly(dataDir)) {
            return store.read(c -> {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT message_id FROM outbox WHERE queue = ? ORDER BY seq")) {
                    ps.setString(1, queue);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                        }
                    }
                }
                return ids;
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void messagesRaisedWhileTheBrokerIsDownArriveInOrderOnceEachAfterAHubRestart() throws Exception {
        Hub hub = start(HubTestEnvironment.TWO_DEVICES);
        broker.stop();
        hub.stock().manualRequest(10, "first");
        hub.stock().manualRequest(20, "second");
        PacketSpec truncated = PacketSpec.builder().sequence(1).defect(PacketDefect.TRUNCATED).build();
        NotifyBuilder checked = Exchanges.of(hub).checked(truncated.packetId());
        env.drop(truncated);
        Exchanges.await(checked, PATIENCE, "the truncated packet checked");
        assertEquals(1, hub.quarantine().held().size());
        hub.close(); // the hub goes down too, with everything still in its outbox

        Hub again = env.startHub();
        again.stock().manualRequest(30, "third");
        again.ledger().announce(new Allocation("ALLOC-1", 50, "BLK2026A0000001", "BLK2026A0000050",
                "2026-11-20T10:00:00+07:00", Instant.now(), null, null));
        again.stock().confirmArrival("ALLOC-1", 50);
        again.stock().recordDestruction("2026-11", Map.of("DAMAGED", 2, "UNUSED", 1, "CHIP_INVALID", 0, "DATA_INVALID", 0),
                "2026-11-23T10:00:00+07:00", "Budi (Kasi Dafduk)");
        assertEquals(5, again.outbox().backlog().count(), "all five wait on the hub's disk");

        broker.start();
        List<ReceivedMessage> requests = awaitMessages(Queues.STOCK_REQUESTS, 3);
        List<ReceivedMessage> failures = awaitMessages(Queues.FAILURES, 2);
        await().atMost(PATIENCE).until(() -> again.outbox().backlog().count() == 0);

        assertEquals(List.of(10, 20, 30), requests.stream().map(m -> {
            try {
                return json(m).get("requested").asInt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList(), "in the order raised");
        assertEquals(outboxIds(env.dataDir(), Queues.STOCK_REQUESTS), requests.stream().map(m -> (String) m.property(Queues.MESSAGE_ID)).toList());
        assertEquals(outboxIds(env.dataDir(), Queues.FAILURES), failures.stream().map(m -> (String) m.property(Queues.MESSAGE_ID)).toList());
        assertEquals(List.of("PACKET_REJECTED", "DESTRUCTION"), failures.stream().map(m -> {
            try {
                return json(m).get("kind").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList());
        for (ReceivedMessage m : concat(requests, failures)) {
            JsonNode body = json(m);
            assertTrue(m.persistent(), "persistent");
            assertEquals("33.10", m.property(Queues.REGENCY));
            assertEquals(body.get("schema").asText(), m.property(Queues.TYPE));
            String id = (String) m.property(Queues.MESSAGE_ID);
            assertEquals(id, body.has("reportId") ? body.get("reportId").asText() : body.get("requestId").asText(),
                    "the message id is the report's or request's own id");
        }
        assertEquals(5, new HashSet<>(concat(requests, failures).stream().map(m -> m.property(Queues.MESSAGE_ID)).toList()).size());
        assertTrue(broker.receiveAll(Queues.STOCK_REQUESTS, Duration.ofMillis(300)).isEmpty(), "nothing sent twice");
    }

    @Test
    void aShortageRaisesExactlyOneRequestAndACriticalOneLoanRequestsToNeighbours() throws Exception {
        setUp(HubTestEnvironment.TWO_DEVICES, "{reorderDaysOfCover: 7, targetDaysOfCover: 30, criticalDaysOfCover: 2, "
                + "checkSchedule: \"0 0 7 * * ?\", neighbourRegencies: [\"33.09\", \"33.11\"]}", "");
        Hub hub = env.startHub();
        hub.ledger().announce(new Allocation("ALLOC-7", 100, "BLK2026A0000001", "BLK2026A0000100",
                "2026-11-01T10:00:00+07:00", Instant.now(), null, null));
        hub.stock().confirmArrival("ALLOC-7", 100);
        for (int i = 0; i < 70; i++) {
            hub.stock().blankUsed("r" + i, "test print");
        }
        // 30 on hand at 10 a day: 3 days of cover, below 7 but above 2.
        hub.stock().check();
        hub.stock().check();
        List<ReceivedMessage> requests = awaitMessages(Queues.STOCK_REQUESTS, 1);
        JsonNode request = json(requests.get(0));
        assertEquals("LOW_STOCK", request.get("reason").asText());
        assertEquals(30, request.get("onHand").asInt());
        assertEquals(270, request.get("requested").asInt(), "enough for 30 days at 10 a day");
        assertEquals(3.0, request.get("daysOfCover").asDouble(), 0.01);

        for (int i = 70; i < 85; i++) {
            hub.stock().blankUsed("r" + i, "test print");
        }
        hub.stock().check(); // 15 on hand at ~12 a day: critical
        hub.stock().check();
        List<ReceivedMessage> loans3309 = awaitMessages(Queues.loans("33.09"), 1);
        List<ReceivedMessage> loans3311 = awaitMessages(Queues.loans("33.11"), 1);
        assertEquals("33.10", json(loans3309.get(0)).get("fromRegency").asText());
        assertEquals(Queues.STOCK_LOAN_REQUEST, loans3311.get(0).property(Queues.TYPE));
        await().atMost(PATIENCE).until(() -> hub.outbox().backlog().count() == 0);
        assertTrue(broker.receiveAll(Queues.STOCK_REQUESTS, Duration.ofMillis(300)).isEmpty(), "one request per shortage");
        assertTrue(broker.receiveAll(Queues.loans("33.09"), Duration.ofMillis(300)).isEmpty(), "one loan request per spell");
    }

    /** ektp.hub-status/1 every reports.statusInterval: backlogs, each device's state, stock (ICD section 3). */
    @Test
    void theHubsStatusIsReportedEveryInterval() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        env.withExtraYaml("reports: {statusInterval: 1s}\n");
        env.startHub();
        List<ReceivedMessage> reports = awaitMessages(Queues.HUB_STATUS, 2); // each checked against its schema
        JsonNode status = json(reports.get(0));
        assertEquals("33.10", status.get("regencyCode").asText());
        assertEquals(2, status.get("devices").size());
        assertEquals(Queues.HUB_STATUS_SCHEMA, reports.get(1).property(Queues.TYPE));
    }

    @Test
    void aDeviceDownIsReportedOnceWithWhereToRecordAndItsReturnOnce() throws Exception {
        // 33.10.20 has no device configured (a warning, not an error): never a place to record.
        setUp(List.of(new TestDevice("33.10.05", "CWS01").withNeighbours("33.10.06", "33.10.14", "33.10.20"),
                        new TestDevice("33.10.06", "TRC01").withNeighbours("33.10.05"),
                        new TestDevice("33.10.14", "PDN01").withNeighbours("33.10.05")),
                "{reorderDaysOfCover: 7, targetDaysOfCover: 30, criticalDaysOfCover: 2, checkSchedule: \"0 0 7 * * ?\"}",
                // Down for 3 s (15 polls) before it is reported: the cause given is then a refused
                // login, not the cut of the session that was open.
                "reports: {deviceDownAfter: 3s, statusInterval: 1h}\n");
        env.deviceServer().refuseLogins("pdn01", true);
        Hub hub = env.startHub();
        await().atMost(PATIENCE).until(() -> hub.deviceLinks().link("331005-CWS01").map(l -> l.up()).orElse(false)
                && hub.deviceLinks().link("331006-TRC01").map(l -> l.up()).orElse(false));
        // The device goes down: its link drops and it no longer lets the hub in.
        env.deviceServer().refuseLogins("cws01", true);
        env.deviceServer().disconnectUser("cws01");

        List<ReceivedMessage> down = awaitMessages(Queues.FAILURES, 2);
        Map<String, JsonNode> byDevice = down.stream().map(m -> {
            try {
                return json(m);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toMap(j -> j.get("deviceId").asText(), j -> j));
        JsonNode cawas = byDevice.get("CWS01");
        assertEquals("DEVICE_DOWN", cawas.get("kind").asText());
        assertEquals("33.10.05", cawas.get("kecamatanCode").asText());
        assertTrue(cawas.get("cause").asText().contains("Auth"), cawas.toString());
        assertEquals(List.of("33.10.06"), toList(cawas.get("nearestWorking")), "Pedan is down too: only Trucuk");
        assertNotNull(cawas.get("since").asText());

        env.deviceServer().refuseLogins("cws01", false);
        List<ReceivedMessage> up = awaitMessages(Queues.FAILURES, 1);
        JsonNode back = json(up.get(0));
        assertEquals("DEVICE_UP", back.get("kind").asText());
        assertEquals("CWS01", back.get("deviceId").asText());
        // Several watch cycles ran while both were down and after Cawas came back: nothing more.
        assertTrue(broker.receiveAll(Queues.FAILURES, Duration.ofSeconds(3)).isEmpty(), "one report per transition");
        hub.close();

        // After a restart the hub remembers what it told the ministry: no second DEVICE_DOWN for Pedan.
        Hub again = env.startHub();
        await().atMost(PATIENCE).until(() -> again.deviceLinks().link("331014-PDN01").map(l -> !l.up()).orElse(false));
        env.deviceServer().refuseLogins("pdn01", false);
        JsonNode pedanBack = json(awaitMessages(Queues.FAILURES, 1).get(0));
        assertEquals("DEVICE_UP", pedanBack.get("kind").asText());
        assertEquals("PDN01", pedanBack.get("deviceId").asText());
    }

    @Test
    void aDestructionIsReportedAndItsUnusedBlanksLeaveTheStock() throws Exception {
        Hub hub = start(HubTestEnvironment.TWO_DEVICES);
        hub.ledger().announce(new Allocation("ALLOC-2", 50, "BLK2026A0000001", "BLK2026A0000050",
                "2026-11-20T10:00:00+07:00", Instant.now(), null, null));
        hub.stock().confirmArrival("ALLOC-2", 48);
        Map<String, Integer> counts = Map.of("DAMAGED", 4, "UNUSED", 3, "CHIP_INVALID", 2, "DATA_INVALID", 1);
        hub.stock().recordDestruction("2026-Q4", counts, "2026-11-23T10:00:00+07:00", "Sri (Kabid)");

        assertEquals(45, hub.stock().snapshot().onHand(), "48 arrived, 3 unused blanks destroyed");
        JsonNode report = json(awaitMessages(Queues.FAILURES, 1).get(0));
        assertEquals("DESTRUCTION", report.get("kind").asText());
        assertEquals("2026-Q4", report.get("period").asText());
        assertEquals(4, report.get("counts").get("DAMAGED").asInt());
        assertEquals("Sri (Kabid)", report.get("witness").asText());
        assertThrows(StockKeeper.Refused.class, () -> hub.stock().recordDestruction("2026-Q4", counts,
                "2026-11-23T10:00:00+07:00", "Sri (Kabid)"), "the same destruction twice is refused");
        assertThrows(StockKeeper.Refused.class, () -> hub.stock().confirmArrival("ALLOC-2", 48), "confirmed once");
        assertThrows(StockKeeper.Refused.class, () -> hub.stock().confirmArrival("NO-SUCH", 1));
    }

    @Test
    void aMalformedAllocationIsQuarantinedWithItsReasonAndTheNextOneStillArrives() throws Exception {
        Hub hub = start(HubTestEnvironment.TWO_DEVICES);
        String queue = Queues.allocations("3310");
        NotifyBuilder taken = Exchanges.of(hub).allocationsTaken(4);
        broker.send(queue, "{not json", Map.of(Queues.MESSAGE_ID, "m-1"));
        broker.send(queue, "{\"schema\":\"ektp.stock-allocation/9\",\"allocationId\":\"X\"}", Map.of(Queues.MESSAGE_ID, "m-2"));
        broker.send(queue, "{\"schema\":\"ektp.stock-allocation/1\",\"allocationId\":\"A-3\",\"regencyCode\":\"33.10\","
                + "\"quantity\":\"many\",\"serialFrom\":\"BLK2026A0000001\",\"serialTo\":\"BLK2026A0000009\","
                + "\"shippedAt\":\"2026-11-20T10:00:00+07:00\"}", Map.of(Queues.MESSAGE_ID, "m-3"));
        broker.send(queue, "{\"schema\":\"ektp.stock-allocation/1\",\"allocationId\":\"A-4\",\"regencyCode\":\"33.10\","
                + "\"quantity\":16000,\"serialFrom\":\"BLK2026A0000001\",\"serialTo\":\"BLK2026A0016000\","
                + "\"shippedAt\":\"2026-11-20T10:00:00+07:00\"}", Map.of(Queues.MESSAGE_ID, "m-4"));

        Exchanges.await(taken, PATIENCE, "the four allocation messages taken");
        assertTrue(hub.ledger().allocation("A-4").isPresent());
        assertEquals(3, hub.quarantine().held().size());
        Map<String, String> reasons = hub.quarantine().held().stream()
                .collect(Collectors.toMap(QuarantineEntry::subjectId, QuarantineEntry::reason));
        assertEquals(Map.of("m-1", "MALFORMED_JSON", "m-2", "UNKNOWN_SCHEMA", "m-3", "INVALID_FIELD"), reasons);
        assertEquals(0, hub.stock().snapshot().onHand(), "an announcement is not stock until confirmed");
        assertEquals(16000, hub.ledger().allocation("A-4").orElseThrow().quantity());
        await().atMost(PATIENCE).until(() -> broker.queueSize(queue) == 0);
    }

    /**
     * A sender's mistakes the hub cannot turn into a file name or a text: an id longer than a
     * file name (with a path and a line break in it), a bytes message and a map message. Each is
     * quarantined and consumed; the good allocation behind them is taken.
     */
    @Test
    void noMessageContentStopsItsQuarantineOrHoldsTheAllocationsBehindIt() throws Exception {
        Hub hub = start(HubTestEnvironment.TWO_DEVICES);
        String queue = Queues.allocations("3310");
        String longId = "../../" + "x".repeat(4990) + "\nEND";
        broker.send(queue, "{not json", Map.of(Queues.MESSAGE_ID, longId));
        sendNonText(queue, session -> {
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
            m.setStringProperty(Queues.MESSAGE_ID, "bytes-1");
            return m;
        });
        sendNonText(queue, session -> {
            MapMessage m = session.createMapMessage();
            m.setString("allocationId", "A-MAP");
            m.setInt("quantity", 5);
            m.setStringProperty(Queues.MESSAGE_ID, "map-1");
            return m;
        });
        broker.send(queue, "{\"schema\":\"ektp.stock-allocation/1\",\"allocationId\":\"A-5\",\"regencyCode\":\"33.10\","
                + "\"quantity\":500,\"serialFrom\":\"BLK2026A0000001\",\"serialTo\":\"BLK2026A0000500\","
                + "\"shippedAt\":\"2026-11-20T10:00:00+07:00\"}", Map.of(Queues.MESSAGE_ID, "m-5"));

        await().atMost(PATIENCE).until(() -> hub.ledger().allocation("A-5").isPresent());
        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 3);
        await().atMost(PATIENCE).until(() -> broker.queueSize(queue) == 0);
        Map<String, QuarantineEntry> bySubject = hub.quarantine().held().stream()
                .collect(Collectors.toMap(e -> e.subjectId().substring(0, Math.min(8, e.subjectId().length())), e -> e));
        assertEquals(java.util.Set.of("../../xx", "bytes-1", "map-1"), bySubject.keySet());
        assertEquals("NOT_TEXT", bySubject.get("bytes-1").reason());
        assertEquals("NOT_TEXT", bySubject.get("map-1").reason());
        QuarantineEntry longOne = bySubject.get("../../xx");
        assertEquals("MALFORMED_JSON", longOne.reason());
        assertTrue(longOne.subjectId().length() <= UntrustedText.NAME_LIMIT && longOne.subjectId().endsWith("…"),
                "the id shown is cut short: " + longOne.subjectId());
        assertTrue(longOne.quarantineId().matches("allocation~sha256~[0-9a-f]{32}"), longOne.quarantineId());
        assertTrue(!longOne.subjectId().contains("\n") && !longOne.quarantineId().contains("/"), longOne.toString());
        for (QuarantineEntry e : hub.quarantine().held()) {
            Path file = env.dataDir().resolve("quarantine").resolve(e.fileName());
            assertTrue(Files.isRegularFile(file), "kept: " + file);
            assertTrue(file.getFileName().toString().length() <= 100, file.toString());
            assertEquals(env.dataDir().resolve("quarantine/messages"), file.getParent(), "in quarantine/messages");
            assertTrue(e.quarantineId().matches("[A-Za-z0-9._~-]{1,100}"), e.quarantineId());
        }
        assertEquals("{not json", Files.readString(env.dataDir().resolve("quarantine").resolve(longOne.fileName())));
    }

    /** Sends a message the sandbox broker's text-only helper cannot: built by {@code make}, persistent. */
    private void sendNonText(String queue, MessageMaker make) throws Exception {
        try (Connection connection = broker.connectionFactory().createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(make.make(session));
        }
    }

    @FunctionalInterface
    private interface MessageMaker {
        Message make(Session session) throws JMSException;
    }

    @Test
    void aLedgerChangeAndItsReportAreNeverOneWithoutTheOther() throws Exception {
        Hub hub = start(HubTestEnvironment.TWO_DEVICES);
        hub.ledger().announce(new Allocation("ALLOC-5", 20, "BLK2026A0000001", "BLK2026A0000020",
                "2026-11-20T10:00:00+07:00", Instant.now(), null, null));
        hub.stock().confirmArrival("ALLOC-5", 20);
        try (HubStore side = HubStore.open(env.dataDir())) {
            // The outbox refuses every write, as a full disk would.
            side.transact(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TRIGGER outbox_full BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END");
                }
                return null;
            });
            Map<String, Integer> counts = Map.of("DAMAGED", 0, "UNUSED", 5, "CHIP_INVALID", 0, "DATA_INVALID", 0);
            assertThrows(RuntimeException.class, () -> hub.stock().recordDestruction("2026-11", counts,
                    "2026-11-23T10:00:00+07:00", "Budi"));
            assertEquals(20, hub.stock().snapshot().onHand(), "no ledger change without its report");

            // The same holds in the UP flow: no quarantine without its PACKET_REJECTED report.
            PacketSpec bad = PacketSpec.builder().sequence(9).defect(PacketDefect.CHECKSUM_MISMATCH).build();
            NotifyBuilder refused = Exchanges.of(hub).checkFailed(bad.packetId());
            env.drop(bad);
            Exchanges.await(refused, PATIENCE, "a check of the bad packet failing on the full outbox");
            assertTrue(hub.packets().find(bad.packetId()).isPresent());
            assertTrue(hub.quarantine().held().isEmpty());

            NotifyBuilder quarantined = Exchanges.of(hub).checked(bad.packetId());
            side.transact(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TRIGGER outbox_full");
                }
                return null;
            });
            hub.stock().recordDestruction("2026-11", counts, "2026-11-23T10:00:00+07:00", "Budi");
            assertEquals(15, hub.stock().snapshot().onHand());
            Exchanges.await(quarantined, PATIENCE, "the bad packet checked once the outbox takes writes again");
            assertEquals(1, hub.quarantine().held().size());
            List<ReceivedMessage> reports = awaitMessages(Queues.FAILURES, 2);
            assertEquals(2, reports.size());
        }
    }

    private static List<String> toList(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(n -> result.add(n.asText()));
        return result;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

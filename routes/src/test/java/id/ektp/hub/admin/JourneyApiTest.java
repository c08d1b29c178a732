package id.ektp.hub.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.sandbox.prr.PrinterSimulator;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resident's journey through the admin API: the follow-ups (who must come in, what is overdue
 * at the ministry, reported once across restarts), one packet's history, and the lookup by NIK,
 * which joins packets and print-ready records and never lets the NIK into a log or an answer.
 */
class JourneyApiTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final String NIK = "3310054507900001";
    private final HttpClient http = Contracts.http(); // every /api call checked against openapi.json

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;

    @AfterEach
    void stop() {
        env.close();
    }

    private Hub start(boolean withKey, String extraYaml) throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        if (withKey) {
            env.withPrivacyKey();
        }
        env.withExtraYaml(extraYaml);
        Files.createDirectories(root.resolve("printers/DKC-1/queue"));
        Files.createDirectories(root.resolve("printers/DKC-1/results"));
        return env.startHub();
    }

    private String forward(Hub hub, PacketSpec spec) throws Exception {
        env.drop(spec);
        await().atMost(PATIENCE).until(() -> hub.packets().find(spec.packetId())
                .map(r -> r.state() == PacketState.FORWARDED).orElse(false));
        return spec.packetId();
    }

    private static PacketSpec cawas(int sequence, String nik) {
        return PacketSpec.builder().sequence(sequence).seed(sequence).nik(nik).build();
    }

    private static PacketSpec trucuk(int sequence) {
        return PacketSpec.builder().kecamatanCode("33.10.06").deviceId("TRC01").sequence(sequence).seed(100 + sequence).build();
    }

    private void result(String packetId, String status) {
        String extra = switch (status) {
            case "DUPLICATE" -> ",\"duplicateOf\":{\"kecamatanCode\":\"33.10.14\",\"recordedOn\":\"2016-03-02\"}";
            case "REJECTED" -> ",\"reason\":\"BIOMETRIC_QUALITY\"";
            default -> "";
        };
        broker.send(Queues.packetResults("3310"), "{\"schema\":\"ektp.packet-result/1\",\"packetId\":\"" + packetId
                + "\",\"regencyCode\":\"33.10\",\"status\":\"" + status + "\",\"at\":\"2026-11-25T10:02:00+07:00\"" + extra + "}",
                Map.of(Queues.MESSAGE_ID, UUID.randomUUID().toString()));
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + path))
                .timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> lookup(String body, String token) throws Exception {
        return post("/api/lookup", body, token);
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return Messages.json().readTree(response.body());
    }

    /** Every PACKET_OVERDUE report the ministry got so far, by packet id, counted. */
    private final Map<String, Integer> overdueReports = new HashMap<>();

    private void collectReports() throws Exception {
        for (EmbeddedBroker.ReceivedMessage m : broker.receiveAll(Queues.FAILURES, Duration.ofMillis(200))) {
            JsonNode report = Messages.json().readTree(m.text());
            if (report.path("kind").asText().equals("PACKET_OVERDUE")) {
                overdueReports.merge(report.get("packetId").asText(), 1, Integer::sum);
            }
        }
    }

    @Test
    void followUpsByKecamatanWithWhatToTellAndEachOverdueReportedOnceAcrossRestarts() throws Exception {
        Hub hub = start(false, "reports: {packetOverdueAfter: 3s}\n");
        String duplicate = forward(hub, cawas(1, NIK));
        String rejected = forward(hub, trucuk(2));
        String unanswered = forward(hub, cawas(3, "3310054507900003"));
        result(duplicate, "DUPLICATE");
        result(rejected, "REJECTED");
        await().atMost(PATIENCE).until(() -> {
            collectReports();
            return overdueReports.containsKey(unanswered);
        });
        await().atMost(PATIENCE).until(() -> hub.followUps().open().size() == 3);

        HttpResponse<String> followups = get("/api/followups", null);
        JsonNode list = json(followups, 200);
        assertEquals("no-store", followups.headers().firstValue("Cache-Control").orElse(""),
                "the list names residents (masked): " + followups.headers().map());
        assertEquals(3, list.get("count").asInt());
        assertEquals(Map.of("DUPLICATE", 1, "REJECTED", 1, "OVERDUE", 1), counts(list.get("byKind")));
        JsonNode cawas = list.get("kecamatan").get(0);
        assertEquals("33.10.05", cawas.get("kecamatanCode").asText());
        assertEquals("Device CWS01", cawas.get("name").asText());
        assertEquals(List.of("DUPLICATE", "OVERDUE"), texts(cawas.get("items"), "kind"));
        JsonNode first = cawas.get("items").get(0);
        assertEquals(duplicate, first.get("packetId").asText());
        assertEquals("331005******0001", first.get("nik").asText());
        assertTrue(first.at("/todo/id").asText().contains("kantor Disdukcapil kabupaten"), first.toString());
        assertTrue(first.at("/todo/en").asText().contains("regency office"), first.toString());
        assertEquals("33.10.06", list.get("kecamatan").get(1).get("kecamatanCode").asText());
        assertTrue(list.get("kecamatan").get(1).at("/items/0/todo/en").asText().contains("records again"));
        assertFalse(get("/api/followups", null).body().contains(NIK));
        assertEquals(Map.of("DUPLICATE", 1, "REJECTED", 1, "OVERDUE", 1),
                counts(json(get("/api/status", null), 200).get("followups")));

        hub.close();
        Hub again = env.startHub();
        String later = forward(again, trucuk(4));
        // The check has run after the restart once the later packet is reported: nothing twice.
        await().atMost(PATIENCE).until(() -> {
            collectReports();
            return overdueReports.containsKey(later);
        });
        collectReports();
        overdueReports.forEach((packetId, times) -> assertEquals(1, times, packetId + " reported " + times + " times"));

        result(unanswered, "ENROLLED");
        await().atMost(PATIENCE).until(() -> again.followUps().find(unanswered).orElseThrow().closedAt() != null);
        assertFalse(texts(json(get("/api/followups", null), 200).at("/kecamatan/0/items"), "packetId").contains(unanswered));
    }

    @Test
    void onePacketsHistoryNeedsTheTokenAndSaysWhatIsWrong() throws Exception {
        Hub hub = start(false, "");
        String packetId = forward(hub, cawas(1, NIK));
        result(packetId, "DUPLICATE");
        await().atMost(PATIENCE).until(() -> hub.packetResults().find(packetId).isPresent());

        assertEquals(401, get("/api/packets/" + packetId, null).statusCode());
        assertEquals(401, get("/api/packets/" + packetId, "wrong").statusCode());
        assertTrue(json(get("/api/packets/not-a-packet", env.adminToken()), 400).get("error").asText().contains("packetId"));
        assertTrue(json(get("/api/packets/331005-CWS01-20261123081500-0777", env.adminToken()), 404).get("error").asText()
                .contains("no packet 331005-CWS01-20261123081500-0777"));

        HttpResponse<String> history = get("/api/packets/" + packetId, env.adminToken());
        JsonNode packet = json(history, 200);
        assertEquals("no-store", history.headers().firstValue("Cache-Control").orElse(""), history.headers().map().toString());
        assertEquals("331005******0001", packet.get("nik").asText());
        assertEquals("FORWARDED", packet.get("state").asText());
        List<String> events = texts(packet.get("history"), "event");
        assertEquals(List.of("RECEIVED", "OUTBOUND", "FORWARDED", "MINISTRY_DUPLICATE", "FOLLOW_UP_DUPLICATE"),
                events.stream().filter(e -> !e.equals("RECEIVING")).toList());
        assertEquals("DUPLICATE", packet.at("/result/status").asText());
        assertEquals("33.10.14", packet.at("/result/duplicateOf/kecamatanCode").asText());
        assertEquals("DUPLICATE", packet.at("/receipt/state").asText());
        assertEquals("DUPLICATE", packet.at("/followUp/kind").asText());
        assertTrue(packet.at("/followUp/open").asBoolean());
        assertFalse(get("/api/packets/" + packetId, env.adminToken()).body().contains(NIK));
    }

    @Test
    void aLookupByNikJoinsPacketsAndPrintReadyRecordsAndTheNikIsNeverLogged() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            Hub hub = start(true, "");
            String rejected = forward(hub, cawas(1, NIK));
            result(rejected, "REJECTED");
            await().atMost(PATIENCE).until(() -> hub.packetResults().find(rejected).isPresent());
            String enrolled = forward(hub, cawas(2, NIK)); // recorded again
            forward(hub, cawas(3, "3310054507900003")); // someone else
            result(enrolled, "ENROLLED");
            await().atMost(PATIENCE).until(() -> hub.followUps().find(rejected).orElseThrow().closedAt() != null);
            // The ministry's print-ready record for the resident, printed at the regency office.
            PrrBatchFactory.publish(PrrBatchFactory.batch("prr-3310-20261126-0001", "33.10",
                    List.of(PrrBatchFactory.record("PRR-3310-000000042", NIK, "33.10.05"))), root.resolve("ministry/outbox"));
            await().atMost(PATIENCE).until(() -> hub.printJobs().find("PRR-3310-000000042")
                    .map(j -> j.state() == PrintJobState.QUEUED).orElse(false));
            Path printer = root.resolve("printers/DKC-1");
            new PrinterSimulator("DKC-1", printer, 1).print(printer.resolve("queue/PRR-3310-000000042.json"), null);
            await().atMost(PATIENCE).until(() -> hub.printJobs().find("PRR-3310-000000042")
                    .map(j -> j.state() == PrintJobState.PRINTED).orElse(false));

            assertEquals(401, lookup("{\"nik\":\"" + NIK + "\"}", null).statusCode());
            HttpResponse<String> bad = lookup("{\"nik\":\"3310054513900001\"}", env.adminToken());
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("birth month 13"), bad.body());
            assertFalse(bad.body().contains("3310054513900001"), "a refusal does not repeat the NIK");
            assertEquals(400, lookup("{\"niks\":\"" + NIK + "\"}", env.adminToken()).statusCode());
            assertEquals(400, lookup("not json", env.adminToken()).statusCode());

            HttpResponse<String> response = lookup("{\"nik\":\"" + NIK + "\"}", env.adminToken());
            JsonNode journey = json(response, 200);
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
            assertEquals(List.of(), response.headers().allValues("Authorization"), "the token is not echoed: "
                    + response.headers().map());
            assertFalse(response.body().contains(NIK), "the answer shows the NIK masked only");
            assertEquals("331005******0001", journey.get("nik").asText());
            assertTrue(journey.get("found").asBoolean());
            assertEquals(List.of(rejected, enrolled), texts(journey.get("packets"), "packetId"), "this resident's, in order");
            assertEquals("REJECTED", journey.at("/packets/0/result/status").asText());
            assertEquals("BIOMETRIC_QUALITY", journey.at("/packets/0/result/reason").asText());
            assertFalse(journey.at("/packets/0/followUp/open").asBoolean(), "closed: recorded again and enrolled");
            assertEquals("ENROLLED", journey.at("/packets/1/result/status").asText());
            JsonNode prr = journey.get("prrs").get(0);
            assertEquals("PRR-3310-000000042", prr.get("prrId").asText());
            assertEquals("PRINTED", prr.get("state").asText());
            assertEquals(1, prr.get("blanksUsed").asInt());
            assertEquals("PRINTED", prr.at("/prints/0/status").asText());
            assertEquals("DKC-1", prr.at("/prints/0/printerId").asText());
            assertFalse(prr.get("pickupNotice").isNull(), "the pickup notice raised when it was printed");
            assertTrue(journey.at("/summary/id").asText().contains("sudah dicetak"), journey.get("summary").toString());

            JsonNode nobody = json(lookup("{\"nik\":\"3310054507909999\"}", env.adminToken()), 200);
            assertFalse(nobody.get("found").asBoolean());
            assertEquals(0, nobody.get("packets").size());

            assertFalse(logs.lines().isEmpty(), "the capture saw the hub's log");
            assertEquals(List.of(), holding(logs, NIK), "the NIK in clear in a log line");
            assertEquals(List.of(), holding(logs, "3310054513900001"));
        }
    }

    @Test
    void aFollowUpIsClosedByHandWithAnAuditedReasonAndLeavesTheList() throws Exception {
        Hub hub = start(false, "");
        String packetId = forward(hub, cawas(1, NIK));
        String other = forward(hub, trucuk(2));
        result(packetId, "REJECTED");
        result(other, "DUPLICATE");
        await().atMost(PATIENCE).until(() -> hub.followUps().open().size() == 2);
        String close = "/api/followups/" + packetId + "/close";
        String reason = "{\"reason\":\"recorded again at Cawas on 2026-11-30 (NIK " + NIK + ")\"}";

        assertEquals(401, post(close, reason, null).statusCode());
        assertEquals(401, post(close, reason, "wrong").statusCode());
        assertTrue(json(post(close, "{}", env.adminToken()), 400).get("error").asText().contains("reason"));
        assertTrue(json(post(close, "{\"reason\":\"  \"}", env.adminToken()), 400).get("error").asText().contains("reason"));
        assertTrue(json(post("/api/followups/not-a-packet/close", reason, env.adminToken()), 400).get("error").asText()
                .contains("packetId"));
        assertTrue(json(post("/api/followups/331005-CWS01-20261123081500-0777/close", reason, env.adminToken()), 404)
                .get("error").asText().contains("no follow-up"));
        assertEquals(2, hub.followUps().open().size(), "refusals close nothing");

        HttpResponse<String> closed = post(close, reason, env.adminToken());
        JsonNode answer = json(closed, 200);
        assertEquals("no-store", closed.headers().firstValue("Cache-Control").orElse(""), closed.headers().map().toString());
        assertEquals(packetId, answer.get("packetId").asText());
        assertEquals("REJECTED", answer.get("kind").asText());
        assertTrue(answer.get("closedBy").asText().contains("by hand"), answer.toString());
        assertTrue(answer.get("closedBy").asText().contains("recorded again at Cawas"), answer.toString());
        assertFalse(closed.body().contains(NIK), "the reason's NIK is masked: " + closed.body());

        JsonNode list = json(get("/api/followups", null), 200);
        assertEquals(1, list.get("count").asInt());
        assertEquals(List.of(other), texts(list.at("/kecamatan/0/items"), "packetId"), "the closed one left the list");
        assertEquals(Map.of("DUPLICATE", 1, "REJECTED", 0, "OVERDUE", 0),
                counts(json(get("/api/status", null), 200).get("followups")));
        JsonNode history = json(get("/api/packets/" + packetId, env.adminToken()), 200);
        assertFalse(history.at("/followUp/open").asBoolean());
        JsonNode last = history.get("history").get(history.get("history").size() - 1);
        assertEquals("FOLLOW_UP_CLOSED", last.get("event").asText());
        assertTrue(last.get("detail").asText().contains("recorded again at Cawas"), last.toString());
        assertFalse(last.get("detail").asText().contains(NIK), "the audit trail keeps the NIK masked");

        JsonNode again = json(post(close, reason, env.adminToken()), 409);
        assertTrue(again.get("error").asText().contains("already closed"), again.toString());
    }

    @Test
    void withoutANikKeyTheLookupIsA404ThatSaysWhy() throws Exception {
        start(false, "");
        JsonNode answer = json(lookup("{\"nik\":\"" + NIK + "\"}", env.adminToken()), 404);
        assertTrue(answer.get("error").asText().contains("has not set privacy.nikKeyFile"), answer.toString());
        assertEquals(401, lookup("{\"nik\":\"" + NIK + "\"}", null).statusCode(), "the token first");
    }

    private static Map<String, Integer> counts(JsonNode node) {
        Map<String, Integer> counts = new HashMap<>();
        node.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.get(field).asText()));
        return values;
    }

    /** The captured lines (message and exception) holding {@code needle}. */
    private static List<String> holding(LogCapture logs, String needle) {
        return logs.lines().stream().map(LogCapture.Line::text).filter(l -> l.contains(needle)).toList();
    }
}

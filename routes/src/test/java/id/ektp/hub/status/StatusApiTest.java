package id.ektp.hub.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.store.StockLedger.Kind;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestDevice;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/status} and {@code GET /} over real HTTP against a hub with real SFTP peers and
 * a real broker: what each section says as the flows move, and which calls are served at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusApiTest {
    static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path root;
    HubTestEnvironment env;
    Hub hub;
    final HttpClient http = Contracts.http(); // every /api call checked against openapi.json

    @BeforeAll
    void start() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once closed: connection refused
        }
        List<TestDevice> devices = new ArrayList<>(HubTestEnvironment.TWO_DEVICES);
        devices.add(TestDevice.at("33.10.14", "WDR01", closedPort, "1s").withNeighbours("33.10.05", "33.10.06"));
        env = HubTestEnvironment.create(root, devices);
        env.withBroker();
        hub = env.startHub();
    }

    @AfterAll
    void stop() {
        env.close();
    }

    HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode status() throws Exception {
        HttpResponse<String> response = send("GET", "/api/status");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        // A status a minute old is a wrong status: no cache may answer for the hub.
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""), response.headers().toString());
        return Messages.json().readTree(response.body());
    }

    static JsonNode device(JsonNode status, String key) {
        for (JsonNode d : status.get("devices")) {
            if (d.get("key").asText().equals(key)) {
                return d;
            }
        }
        throw new AssertionError("no device " + key + " in " + status.get("devices"));
    }

    @Test
    void everySectionIsThereWithTheRunningConfiguration() throws Exception {
        JsonNode s = status();
        assertEquals(StatusView.SCHEMA, s.get("schema").asText());
        assertEquals("33.10", s.at("/regency/code").asText());
        assertTrue(s.get("at").asText().endsWith("+07:00"), "times carry the regency's offset: " + s.get("at"));
        assertEquals(3, s.get("devices").size());
        for (String flow : List.of("/backlogs/up/received", "/backlogs/up/outbound", "/backlogs/down/pending",
                "/backlogs/down/queued", "/backlogs/outbox")) {
            assertTrue(s.at(flow + "/count").isIntegralNumber(), flow + " in " + s.get("backlogs"));
            assertTrue(s.at(flow).has("oldestAgeSeconds"), flow);
        }
        List<String> peers = new ArrayList<>();
        s.get("links").forEach(l -> peers.add(l.get("peer").asText()));
        assertEquals(List.of("ministry-sftp", "ministry-broker", "printer-DKC-1"), peers.subList(0, 3),
                "the ministry links and each configured printer are listed even before any contact");
        JsonNode config = s.get("config");
        assertTrue(config.get("valid").asBoolean());
        assertEquals(Spool.sha256Of(root.resolve("hub.yaml")), config.get("sha256").asText());
        assertEquals(0, config.get("problems").size());
        assertTrue(config.get("rejectedAt").isNull());
        assertNotNull(OffsetDateTime.parse(config.get("appliedAt").asText()));
        JsonNode build = s.get("build");
        assertTrue(build.get("version").asText().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), build.toString());
        assertEquals("4.18.0", build.get("camel").asText());
        assertEquals(System.getProperty("java.version"), build.get("java").asText());
    }

    @Test
    void devicesShowTheirLinkWithTheDownOnesFirstAndWhereResidentsCanRecord() throws Exception {
        await().atMost(PATIENCE).until(() -> {
            JsonNode s = status();
            return device(s, "331014-WDR01").get("state").asText().equals("DOWN")
                    && device(s, "331005-CWS01").get("state").asText().equals("UP")
                    && device(s, "331006-TRC01").get("state").asText().equals("UP");
        });
        JsonNode s = status();
        assertEquals("331014-WDR01", s.at("/devices/0/key").asText(), "configured last, listed first: it is down");
        JsonNode down = s.at("/devices/0");
        assertFalse(down.get("lastError").asText().isBlank(), down.toString());
        assertEquals("UNREACHABLE", down.at("/trouble/code").asText(), "nothing listens on its port: " + down);
        assertEquals("Perangkat kecamatan mati, atau jaringannya putus.", down.at("/trouble/what").asText());
        assertEquals("The kecamatan device is off, or its line is down.", down.at("/trouble/whatEn").asText());
        assertTrue(down.at("/trouble/todoEn").asText().contains("nothing is lost"), down.toString());
        assertTrue(down.get("sinceSeconds").asLong() >= 0);
        assertNotNull(OffsetDateTime.parse(down.get("since").asText()));
        assertEquals("33.10.05", down.at("/neighbours/0/kecamatanCode").asText());
        assertEquals("Device CWS01", down.at("/neighbours/0/name").asText());
        assertEquals("UP", down.at("/neighbours/0/state").asText());
        assertEquals("Device TRC01", down.at("/neighbours/1/name").asText());
        assertEquals("UP", down.at("/neighbours/1/state").asText());
        JsonNode up = device(s, "331005-CWS01");
        assertTrue(up.get("lastError").isNull());
        assertTrue(up.get("trouble").isNull());
        assertNotNull(OffsetDateTime.parse(up.get("lastPoll").asText()));
    }

    @Test
    void aForwardedPacketIsItsDevicesLastPacket() throws Exception {
        PacketSpec first = PacketSpec.builder().kecamatanCode("33.10.05").deviceId("CWS01").sequence(1).seed(11).build();
        PacketSpec second = PacketSpec.builder().kecamatanCode("33.10.05").deviceId("CWS01").sequence(2).seed(12)
                .capturedAt(first.capturedAt().plusMinutes(5)).build();
        NotifyBuilder forwarded = Exchanges.of(hub).forwarded(first.packetId(), second.packetId());
        env.drop(first);
        env.drop(second);
        Exchanges.await(forwarded, PATIENCE, "both packets forwarded");
        JsonNode s = status();
        JsonNode last = device(s, "331005-CWS01").get("lastPacket");
        assertEquals(second.packetId(), last.path("packetId").asText(), last.toString());
        assertEquals("FORWARDED", last.path("state").asText(), last.toString());
        assertTrue(last.get("ageSeconds").asLong() >= 0);
        assertNotNull(OffsetDateTime.parse(last.get("receivedAt").asText()));
        assertTrue(s.at("/backlogs/up/forwarded").asLong() >= 2, s.get("backlogs").toString());
        assertTrue(device(s, "331014-WDR01").get("lastPacket").isNull(), "WDR01 has sent nothing");
        String body = send("GET", "/api/status").body();
        assertFalse(body.contains(first.nik()) || body.contains(second.nik()), "no NIK in the status");
    }

    @Test
    void aRejectedPacketShowsInQuarantineAndInTheFailureReportsWithoutAnyNik() throws Exception {
        PacketSpec bad = PacketSpec.builder().kecamatanCode("33.10.06").deviceId("TRC01").sequence(7).seed(77)
                .defect(PacketDefect.CHECKSUM_MISMATCH).build();
        NotifyBuilder checked = Exchanges.of(hub).checked(bad.packetId());
        env.drop(bad);
        Exchanges.await(checked, PATIENCE, "the bad packet checked");
        assertEquals(1, status().at("/quarantine/byReason/CHECKSUM_MISMATCH").asInt());
        // Its PACKET_REJECTED report is marked sent once the ministry's broker has it.
        await().atMost(PATIENCE).until(() -> {
            JsonNode s = status();
            boolean reported = false;
            for (JsonNode r : s.get("failureReports")) {
                reported |= r.get("kind").asText().equals("PACKET_REJECTED") && r.get("subject").asText().equals(bad.packetId())
                        && r.get("sent").asBoolean();
            }
            return reported && s.at("/quarantine/byReason/CHECKSUM_MISMATCH").asInt() == 1;
        });
        // An item whose sentence carries a NIK (no flow writes one; the status must mask it if one ever does).
        String nik = "3310054507900001";
        hub.quarantine().hold("q-test-nik", "UP", "test", "packets/q-test-nik.zip", "test", "MALFORMED_MANIFEST",
                "demographics nik " + nik + " differs");
        JsonNode s = status();
        assertEquals(2, s.at("/quarantine/count").asInt(), s.get("quarantine").toString());
        assertEquals(1, s.at("/quarantine/byReason/MALFORMED_MANIFEST").asInt());
        JsonNode newest = s.at("/quarantine/items/0");
        assertEquals("q-test-nik", newest.get("quarantineId").asText(), "newest first");
        assertEquals("demographics nik 331005******0001 differs", newest.get("detail").asText());
        JsonNode rejected = s.at("/quarantine/items/1");
        assertEquals("CHECKSUM_MISMATCH", rejected.get("reason").asText());
        assertEquals(bad.packetId(), rejected.get("subjectId").asText());
        assertFalse(rejected.get("detail").asText().isBlank());
        String body = send("GET", "/api/status").body();
        assertFalse(body.contains(nik) || body.contains(bad.nik()), "no NIK in the status: " + body);
    }

    @Test
    void stockShowsDaysOfCoverAgainstTheThresholdsOpenRequestsAndShipmentsAwaited() throws Exception {
        Instant now = Instant.now();
        hub.ledger().announce(new Allocation("ALLOC-1", 100, "BLK2026A0000001", "BLK2026A0000100",
                "2026-11-20T10:00:00+07:00", now, null, null));
        hub.ledger().announce(new Allocation("ALLOC-2", 500, "BLK2026A0000101", "BLK2026A0000600",
                "2026-11-21T10:00:00+07:00", now, null, null));
        hub.stock().confirmArrival("ALLOC-1", 100);
        JsonNode stock = status().get("stock");
        assertEquals(100, stock.get("onHand").asLong());
        assertTrue(stock.get("daysOfCover").isNull(), "nothing used yet: unlimited");
        assertEquals("OK", stock.get("level").asText());
        assertEquals(1, stock.get("awaitingArrival").size());
        assertEquals("ALLOC-2", stock.at("/awaitingArrival/0/allocationId").asText());
        assertEquals(500, stock.at("/awaitingArrival/0/quantity").asInt());

        // 70 blanks used over the last week: 10 a day, 30 left, 3 days of cover: under reorder (7), over critical (2)
        for (int i = 0; i < 70; i++) {
            hub.ledger().append(now.minus(Duration.ofHours(2 * i + 1)), Kind.PRINT, -1, "print:status-test-" + i, null);
        }
        String requestId = hub.stock().manualRequest(400, "school enrollment drive");
        stock = status().get("stock");
        assertEquals(30, stock.get("onHand").asLong());
        assertEquals(10.0, stock.get("avgDailyUsage").asDouble());
        assertEquals(3.0, stock.get("daysOfCover").asDouble());
        assertEquals("LOW", stock.get("level").asText());
        assertEquals(7, stock.get("reorderDaysOfCover").asInt());
        assertEquals(2, stock.get("criticalDaysOfCover").asInt());
        assertEquals(1, stock.get("openRequestCount").asInt());
        assertEquals(requestId, stock.at("/openRequests/0/requestId").asText());
        assertEquals("MANUAL", stock.at("/openRequests/0/reason").asText());
        assertEquals(400, stock.at("/openRequests/0/quantity").asInt());

        for (int i = 70; i < 80; i++) { // 20 left at 80/7 a day: 1.75 days
            hub.ledger().append(now.minus(Duration.ofMinutes(i)), Kind.PRINT, -1, "print:status-test-" + i, null);
        }
        assertEquals("CRITICAL", status().at("/stock/level").asText());

        // The ministry answers: a shipment announced after the request, once confirmed arrived,
        // closes it. A request made after that announcement is not answered by it and stays open.
        hub.ledger().announce(new Allocation("ALLOC-3", 400, "BLK2026A0000601", "BLK2026A0001000",
                "2026-11-24T10:00:00+07:00", Instant.now(), null, null));
        String later = hub.stock().manualRequest(50, "after the announcement");
        hub.stock().confirmArrival("ALLOC-3", 400);
        stock = status().get("stock");
        assertEquals(1, stock.get("openRequestCount").asInt(), stock.toString());
        assertEquals(later, stock.at("/openRequests/0/requestId").asText());
    }

    @Test
    void aRefusedConfigurationEditIsShownWithItsProblems() throws Exception {
        var running = hub.configState().current();
        String good = java.nio.file.Files.readString(running.file());
        try {
            // A real edit of the real file: the hub's config watch refuses it.
            HubTestEnvironment.rewrite(running.file(), good.replace("pollInterval: 200ms", "pollInterval: 5 minutes"));
            Exchanges.await(Exchanges.of(hub).configChecked(System.currentTimeMillis()), PATIENCE, "a check of the edited file");
            JsonNode config = status().get("config");
            assertFalse(config.get("valid").asBoolean(), config.toString());
            assertTrue(config.at("/problems/0").asText().startsWith("devices[0].pollInterval: '5 minutes' is not a duration"),
                    config.toString());
            assertNotNull(OffsetDateTime.parse(config.get("rejectedAt").asText()));
            assertEquals(running.sha256(), config.get("sha256").asText(), "the running configuration is still the old one");
        } finally {
            HubTestEnvironment.rewrite(running.file(), good);
            Exchanges.await(Exchanges.of(hub).configChecked(System.currentTimeMillis()), PATIENCE, "a check of the restored file");
            assertTrue(status().at("/config/valid").asBoolean(false), status().get("config").toString());
        }
    }

    @Test
    void onlyGetIsServedAndThePageIsOneSelfContainedFile() throws Exception {
        assertEquals(405, send("POST", "/api/status").statusCode());
        assertEquals(405, send("DELETE", "/api/status").statusCode());
        assertEquals(404, send("GET", "/api/status/devices").statusCode());

        HttpResponse<String> page = send("GET", "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("fetch(\"/api/status\""), "the page reads the API");
        assertTrue(page.body().contains("id=\"device-rows\""));
        assertFalse(page.body().matches("(?s).*(src|href)=\"(https?:)?//.*"), "nothing loaded from elsewhere");
        assertEquals(405, send("POST", "/").statusCode());
    }
}

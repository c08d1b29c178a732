package id.ektp.hub.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.HubTestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The admin calls over real HTTP: the token rule, 400s that name the problem, and their effects. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {
    @TempDir
    static Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;
    Hub hub;
    final HttpClient http = Contracts.http(); // every /api call checked against openapi.json

    @BeforeAll
    void start() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        hub = env.startHub();
        hub.ledger().announce(new Allocation("ALLOC-9", 100, "BLK2026A0000001", "BLK2026A0000100",
                "2026-11-20T10:00:00+07:00", Instant.now(), null, null));
    }

    @AfterAll
    void stop() {
        env.close();
    }

    HttpResponse<String> post(String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Messages.json().readTree(response.body());
    }

    @Test
    void withoutTheTokenEveryAdminCallIsRefused() throws Exception {
        long before = hub.stock().snapshot().onHand();
        for (String path : new String[] {"/api/stock/arrivals", "/api/stock/requests", "/api/destructions"}) {
            HttpResponse<String> none = post(path, null, "{}");
            assertEquals(401, none.statusCode(), path);
            assertTrue(json(none).get("error").asText().contains("Bearer"), none.body());
            assertEquals(401, post(path, "wrong-token", "{}").statusCode(), path);
        }
        assertEquals(before, hub.stock().snapshot().onHand(), "nothing changed");
    }

    @Test
    void aBadBodyIsA400ThatNamesWhatIsWrong() throws Exception {
        String token = env.adminToken();
        HttpResponse<String> notJson = post("/api/stock/arrivals", token, "received=5");
        assertEquals(400, notJson.statusCode());
        assertEquals("the body is not JSON", json(notJson).get("error").asText());
        HttpResponse<String> missing = post("/api/stock/arrivals", token, "{\"received\": 5}");
        assertEquals(400, missing.statusCode());
        assertTrue(json(missing).get("error").asText().startsWith("allocationId"), missing.body());
        HttpResponse<String> unknown = post("/api/stock/arrivals", token, "{\"allocationId\": \"NOPE\", \"received\": 5}");
        assertEquals(400, unknown.statusCode());
        assertTrue(json(unknown).get("error").asText().contains("NOPE"), unknown.body());
        HttpResponse<String> badCategory = post("/api/destructions", token, """
                {"period": "2026-11", "counts": {"DAMAGED": 1, "UNUSED": 0, "CHIP_INVALID": 0, "DATA_INVALID": 0, "LOST": 2},
                 "destroyedAt": "2026-11-23T10:00:00+07:00", "witness": "Sri"}""");
        assertEquals(400, badCategory.statusCode());
        assertTrue(json(badCategory).get("error").asText().contains("counts.LOST"), badCategory.body());
    }

    @Test
    void anOperatorConfirmsAnArrivalRequestsStockAndRecordsADestruction() throws Exception {
        String token = env.adminToken();
        long before = hub.stock().snapshot().onHand(); // other tests of this hub confirm arrivals too
        // without a token, the same call changes nothing
        assertEquals(401, post("/api/stock/arrivals", null, "{\"allocationId\": \"ALLOC-9\", \"received\": 96}").statusCode());
        HttpResponse<String> arrival = post("/api/stock/arrivals", token, "{\"allocationId\": \"ALLOC-9\", \"received\": 96}");
        assertEquals(200, arrival.statusCode(), arrival.body());
        assertEquals(before + 96, json(arrival).get("onHand").asInt());
        assertEquals(400, post("/api/stock/arrivals", token, "{\"allocationId\": \"ALLOC-9\", \"received\": 96}").statusCode(),
                "an arrival is confirmed once");

        HttpResponse<String> request = post("/api/stock/requests", token, "{\"quantity\": 500, \"reason\": \"school enrollment drive\"}");
        assertEquals(200, request.statusCode(), request.body());
        String requestId = json(request).get("requestId").asText();

        HttpResponse<String> destruction = post("/api/destructions", token, """
                {"period": "2026-11", "counts": {"DAMAGED": 3, "UNUSED": 2, "CHIP_INVALID": 1, "DATA_INVALID": 0},
                 "destroyedAt": "2026-11-23T10:00:00+07:00", "witness": "Sri (Kabid)"}""");
        assertEquals(200, destruction.statusCode(), destruction.body());
        assertEquals(before + 94, hub.stock().snapshot().onHand());

        await().atMost(Duration.ofSeconds(30)).until(() -> broker.queueSize(Queues.STOCK_REQUESTS) == 1
                && broker.queueSize(Queues.FAILURES) == 1);
        Contracts.assertSent(broker.browse(Queues.FAILURES)); // the DESTRUCTION report
        JsonNode sent = Messages.json().readTree(Contracts.assertSent(broker.browse(Queues.STOCK_REQUESTS).get(0)).text());
        assertEquals(requestId, sent.get("requestId").asText());
        assertEquals("MANUAL", sent.get("reason").asText());
        assertEquals("school enrollment drive", sent.get("note").asText());
    }

    /**
     * An operator's double click, or two operators at once: the same arrival posted eight times
     * together is applied once; the others are told it is already confirmed.
     */
    @Test
    void anArrivalPostedSeveralTimesAtOnceIsAppliedOnce() throws Exception {
        String token = env.adminToken();
        for (int round = 0; round < 5; round++) {
            String id = "ALLOC-TWICE-" + round;
            hub.ledger().announce(new Allocation(id, 10, "BLK2026B0000001", "BLK2026B0000010",
                    "2026-11-20T10:00:00+07:00", Instant.now(), null, null));
            long before = hub.stock().snapshot().onHand();
            String body = "{\"allocationId\": \"" + id + "\", \"received\": 10}";
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort()
                                + "/api/stock/arrivals")).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                answers.add(call.get(60, TimeUnit.SECONDS));
            }
            assertEquals(1, answers.stream().filter(a -> a.statusCode() == 200).count(), id + ": " + bodies(answers));
            for (HttpResponse<String> a : answers) {
                if (a.statusCode() != 200) {
                    assertEquals(400, a.statusCode(), a.body());
                    assertTrue(json(a).get("error").asText().contains("already confirmed"), a.body());
                }
            }
            assertEquals(before + 10, hub.stock().snapshot().onHand(), id + " counted once");
        }
    }

    @Test
    void moreBlanksThanAnnouncedAreRefused() throws Exception {
        hub.ledger().announce(new Allocation("ALLOC-SHORT", 20, "BLK2026C0000001", "BLK2026C0000020",
                "2026-11-20T10:00:00+07:00", Instant.now(), null, null));
        long before = hub.stock().snapshot().onHand();
        HttpResponse<String> tooMany = post("/api/stock/arrivals", env.adminToken(),
                "{\"allocationId\": \"ALLOC-SHORT\", \"received\": 200}");
        assertEquals(400, tooMany.statusCode(), tooMany.body());
        assertTrue(json(tooMany).get("error").asText().contains("more than the 20 announced"), tooMany.body());
        assertEquals(before, hub.stock().snapshot().onHand(), "nothing changed");
        HttpResponse<String> counted = post("/api/stock/arrivals", env.adminToken(),
                "{\"allocationId\": \"ALLOC-SHORT\", \"received\": 20}");
        assertEquals(200, counted.statusCode(), "the refusal left the allocation to confirm: " + counted.body());
    }

    private static String bodies(List<HttpResponse<String>> answers) {
        return answers.stream().map(a -> a.statusCode() + " " + a.body()).toList().toString();
    }

    /** docker-compose.yml's healthcheck asks this; a hub whose routes started answers 200. */
    @Test
    void theReadinessEndpointTheContainerHealthcheckUsesAnswers() throws Exception {
        // Within the healthcheck's start period, not necessarily at the first request.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + env.httpPort() + "/observe/health/ready"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
        });
    }

    @Test
    void withoutTheTokenNoQuarantineItemIsReleasedOrDropped() throws Exception {
        assertEquals(401, post("/api/quarantine/any-id/release", null, "").statusCode());
        HttpResponse<String> drop = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + env.httpPort() + "/api/quarantine/any-id"))
                .timeout(Duration.ofSeconds(10)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, drop.statusCode(), "the token is checked before the id is looked up");
    }
}

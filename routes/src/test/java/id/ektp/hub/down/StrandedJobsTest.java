package id.ektp.hub.down;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.prr.PrinterSimulator;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.store.PrintJob;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A printer taken out of the configuration while jobs are QUEUED on it (it broke; another
 * printer takes over its kecamatan). Its results are no longer read, so those jobs would wait
 * for ever: they are shown in {@code /api/status}, never sent elsewhere by the hub itself, and
 * queued again for the printer serving now by one admin call, each exactly once.
 */
class StrandedJobsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final String DKC1 = "  - {id: DKC-1, folder: printers/DKC-1, serves: [\"*\"]}";
    private static final String DKC2 = "\n  - {id: DKC-2, folder: printers/DKC-2, serves: [\"33.10.05\"]}";

    @TempDir
    Path root;
    HubTestEnvironment env;
    final HttpClient http = Contracts.http(); // every /api call checked against openapi.json

    @AfterEach
    void stop() {
        env.close();
    }

    Path queue(String printerId) {
        return root.resolve("printers/" + printerId + "/queue");
    }

    Set<String> jobs(String printerId) throws Exception {
        Set<String> jobs = new TreeSet<>();
        for (String name : names(queue(printerId))) {
            if (!name.startsWith(".")) {
                jobs.add(name);
            }
        }
        return jobs;
    }

    void online(String printerId) throws Exception {
        Files.createDirectories(queue(printerId));
        Files.createDirectories(root.resolve("printers/" + printerId + "/results"));
    }

    HttpResponse<String> requeue(String printerId, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + env.httpPort() + "/api/printers/" + printerId + "/requeue"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode stranded() throws Exception {
        return Messages.json().readTree(env.httpGet("/api/status")).get("backlogs").get("down").get("stranded");
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Messages.json().readTree(response.body());
    }

    @Test
    void jobsLeftOnARemovedPrinterAreShownAndQueuedAgainOnceByAnOperator() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.withBroker();
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        online("DKC-1");
        online("DKC-2");
        env.editConfig(hub, DKC1, DKC1 + DKC2); // Cawas gets a printer of its own
        // Even-numbered records are picked up in Cawas (33.10.05, DKC-2), odd ones in Trucuk (DKC-1).
        List<ObjectNode> records = new java.util.ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            records.add(PrrBatchFactory.record("PRR-3310-S00000" + n, PacketFactory.nikFor("33.10.05", n),
                    n % 2 == 0 ? "33.10.05" : "33.10.06"));
        }
        NotifyBuilder queued = exchanges.jobsQueued(6);
        PrrBatchFactory.publish(PrrBatchFactory.batch("prr-3310-20261124-0001", "33.10", records),
                root.resolve("ministry/outbox"));
        Set<String> cawas = Set.of("PRR-3310-S000002.json", "PRR-3310-S000004.json", "PRR-3310-S000006.json");
        Exchanges.await(queued, PATIENCE, "the six jobs queued");
        assertEquals(cawas, jobs("DKC-2"));
        assertEquals(Set.of("PRR-3310-S000001.json", "PRR-3310-S000003.json", "PRR-3310-S000005.json"), jobs("DKC-1"));
        assertEquals(0, stranded().size(), "a configured printer's jobs are not stranded");

        // DKC-2 is struck by lightning before printing anything, and taken out of the configuration.
        env.editConfig(hub, DKC2, "");
        JsonNode stranded = stranded();
        assertEquals(1, stranded.size(), stranded.toString());
        assertEquals("DKC-2", stranded.get(0).get("printerId").asText());
        assertEquals(3, stranded.get(0).get("count").asInt());
        assertTrue(stranded.get(0).hasNonNull("oldest"), stranded.toString());
        assertEquals(PrintJobState.QUEUED, hub.printJobs().find("PRR-3310-S000002").orElseThrow().state(),
                "the hub does not send them elsewhere by itself");
        assertEquals(3, jobs("DKC-1").size());
        assertTrue(env.httpGet("/observe/metrics").contains("\nektp_stranded_jobs 3.0\n"), "the metric an alert can watch");

        // The call's rules: a token, a reason, a printer no longer configured, one with jobs on it.
        assertEquals(401, requeue("DKC-2", null, "{\"reason\": \"lightning\"}").statusCode());
        HttpResponse<String> noReason = requeue("DKC-2", env.adminToken(), "{}");
        assertEquals(400, noReason.statusCode());
        assertTrue(json(noReason).get("error").asText().contains("reason"), noReason.body());
        HttpResponse<String> configured = requeue("DKC-1", env.adminToken(), "{\"reason\": \"x\"}");
        assertEquals(409, configured.statusCode());
        assertTrue(json(configured).get("error").asText().contains("DKC-1 is in the running configuration"),
                configured.body());
        HttpResponse<String> unknown = requeue("DKC-9", env.adminToken(), "{\"reason\": \"x\"}");
        assertEquals(404, unknown.statusCode());
        assertTrue(json(unknown).get("error").asText().contains("[DKC-2]"), "names the printers that do hold jobs: "
                + unknown.body());
        assertEquals(3, stranded().get(0).get("count").asInt(), "refused calls changed nothing");

        NotifyBuilder requeued = exchanges.jobsQueued(3);
        HttpResponse<String> done = requeue("DKC-2", env.adminToken(), "{\"reason\": \"DKC-2 struck by lightning\"}");
        assertEquals(200, done.statusCode(), done.body());
        assertEquals(3, json(done).get("requeued").asInt());
        assertEquals("PRR-3310-S000002", json(done).get("prrIds").get(0).asText());
        PrintJob job = hub.printJobs().find("PRR-3310-S000004").orElseThrow();
        assertTrue(job.lastResult().contains("DKC-2 struck by lightning"), job.lastResult());

        // The default printer now serves Cawas: each job lands there once.
        Exchanges.await(requeued, PATIENCE, "the three jobs queued again");
        assertEquals(6, jobs("DKC-1").size());
        assertEquals(0, stranded().size());
        assertEquals(404, requeue("DKC-2", env.adminToken(), "{\"reason\": \"again\"}").statusCode(),
                "a second call finds nothing to queue");
        PrinterSimulator press = new PrinterSimulator("DKC-1", root.resolve("printers/DKC-1"), 1);
        NotifyBuilder results = exchanges.resultsTaken("DKC-1", 6);
        for (String name : jobs("DKC-1")) {
            press.print(queue("DKC-1").resolve(name), null);
        }
        Exchanges.await(results, PATIENCE, "the six results taken");
        for (ObjectNode r : records) {
            assertEquals(PrintJobState.PRINTED, hub.printJobs().find(r.get("prrId").asText()).orElseThrow().state(),
                    r.get("prrId").asText());
        }
        assertEquals(-6, hub.stock().snapshot().onHand(), "six cards, six blanks: none printed twice");
        assertEquals(Set.of(), jobs("DKC-1"));
    }
}

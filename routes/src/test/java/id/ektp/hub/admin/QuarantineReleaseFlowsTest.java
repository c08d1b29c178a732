package id.ektp.hub.admin;

import static id.ektp.hub.admin.QuarantineCalls.events;
import static id.ektp.hub.admin.QuarantineCalls.itemFor;
import static id.ektp.hub.admin.QuarantineCalls.json;
import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.broker.EmbeddedBroker.ReceivedMessage;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.store.PrintJob;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quarantine release (ICD section 4, "check again and forward if now valid") of the flows other
 * than UP, end to end over real HTTP against a hub with real embedded SFTP servers and a real
 * broker: a printer result, a PRR batch quarantined whole, and a ministry allocation message.
 */
class QuarantineReleaseFlowsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;
    final QuarantineCalls calls = new QuarantineCalls(() -> env.httpPort());

    @BeforeEach
    void setUp() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        Files.createDirectories(printer().resolve("queue"));
        Files.createDirectories(printer().resolve("results"));
    }

    @AfterEach
    void stop() {
        env.close();
    }

    // ---------------------------------------------------------------- printer result

    @Test
    void aResultIsReleasedOnlyOnceItsJobIsQueuedOnThatPrinterAndIsRecordedExactlyOnce() throws Exception {
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        String prrId = "PRR-3310-H000001";
        // The printer reports a card the hub never queued (say the job came by another way).
        Path result = printer().resolve("results/" + prrId + ".result.json");
        NotifyBuilder taken = exchanges.resultsTaken("DKC-1", 1);
        Files.writeString(result, """
                {"schema": "ektp.print-result/1", "prrId": "%s", "printerId": "DKC-1",
                 "status": "PRINTED", "blankSerial": "BLK2026A0004711", "at": "2026-11-23T09:02:11+07:00"}"""
                .formatted(prrId));
        Exchanges.await(taken, PATIENCE, "the result taken");
        assertEquals(1, hub.quarantine().held().size());
        assertFalse(Files.exists(result), "removed from the printer's results/");

        JsonNode item = itemFor(json(calls.get("/api/quarantine"), 200), prrId + ".result.json");
        String id = item.get("id").asText();
        assertEquals("UNKNOWN_PRR", item.get("reason").asText());
        assertEquals("DOWN", item.get("flow").asText());
        assertEquals("printer DKC-1", item.get("source").asText());
        assertEquals("HELD", item.get("state").asText());
        Path kept = env.dataDir().resolve(item.get("file").asText());
        assertTrue(Files.exists(kept), "kept in " + kept);
        assertEquals(0, hub.stock().snapshot().onHand(), "a quarantined result uses no blank");

        // Still unknown: 409 with the reason found now, still held, nothing recorded.
        JsonNode refused = json(post("/api/quarantine/" + id + "/release"), 409);
        assertTrue(refused.get("error").asText().startsWith("still invalid"), refused.toString());
        assertEquals("UNKNOWN_PRR", refused.at("/item/reason").asText(), refused.toString());
        assertEquals("HELD", refused.at("/item/state").asText());
        assertEquals("HELD", hub.quarantine().find(id).orElseThrow().state());
        assertTrue(Files.exists(kept));
        assertEquals(0, hub.stock().snapshot().onHand());
        assertTrue(hub.printJobs().find(prrId).isEmpty());

        // The ministry's batch with that PRR arrives while the printer is offline: the job
        // exists but waits in the hub, so a result cannot be counted for it yet (it would
        // close a job the printer has not got, and the card would be printed later anyway).
        Path queueDir = printer().resolve("queue");
        Path parked = printer().resolve("queue-offline");
        Files.move(queueDir, parked);
        NotifyBuilder processed = exchanges.batchesProcessed(1);
        PrrBatchFactory.publish(PrrBatchFactory.batch("prr-3310-20261123-0101", "33.10",
                List.of(record(prrId, 1, "33.10.05"))), ministryOutbox());
        Exchanges.await(processed, PATIENCE, "the batch turned into a job");
        assertEquals(PrintJobState.PENDING, hub.printJobs().find(prrId).orElseThrow().state());
        JsonNode notHere = json(post("/api/quarantine/" + id + "/release"), 409);
        assertEquals("NOT_QUEUED_HERE", notHere.at("/item/reason").asText(), notHere.toString());
        assertEquals(PrintJobState.PENDING, hub.printJobs().find(prrId).orElseThrow().state());
        assertEquals(0, hub.stock().snapshot().onHand());

        // The printer is back and the job is queued to it.
        NotifyBuilder queued = exchanges.jobsQueued(1);
        Files.move(parked, queueDir);
        Exchanges.await(queued, PATIENCE, "the job queued once the printer is back");
        assertTrue(Files.exists(printer().resolve("queue/" + prrId + ".json")));
        assertEquals(PrintJobState.QUEUED, hub.printJobs().find(prrId).orElseThrow().state());
        assertEquals(1, messages(Queues.PRR_RECEIPTS, 1).get(0).get("accepted").asInt());

        JsonNode released = json(post("/api/quarantine/" + id + "/release"), 200);
        assertEquals("RELEASED", released.get("state").asText(), released.toString());
        assertFalse(released.get("alreadyReleased").asBoolean());
        assertFalse(Files.exists(kept), "the kept copy is gone once recorded");
        PrintJob job = hub.printJobs().find(prrId).orElseThrow();
        assertEquals(PrintJobState.PRINTED, job.state());
        assertEquals(1, job.prints());
        assertEquals(-1, hub.stock().snapshot().onHand(), "the result used exactly one blank");
        List<JsonNode> notices = messages(Queues.PICKUP_NOTICES, 1);
        assertEquals(1, notices.size());
        assertEquals(prrId, notices.get(0).get("prrId").asText());
        assertEquals("33.10.05", notices.get(0).get("pickupKecamatanCode").asText());

        // Released again: nothing more happens.
        JsonNode again = json(post("/api/quarantine/" + id + "/release"), 200);
        assertTrue(again.get("alreadyReleased").asBoolean(), again.toString());
        assertEquals("RELEASED", again.get("state").asText());
        assertEquals(-1, hub.stock().snapshot().onHand(), "no second blank");
        assertEquals(1, hub.printJobs().find(prrId).orElseThrow().prints(), "no second print counted");
        await().atMost(PATIENCE).until(() -> hub.outbox().backlog().count() == 0);
        assertTrue(broker.receiveAll(Queues.PICKUP_NOTICES, Duration.ofMillis(500)).isEmpty(), "one pickup notice");

        assertEquals(0, json(calls.get("/api/quarantine"), 200).get("count").asInt());
        assertEquals(List.of("HELD", "RECHECKED", "RECHECKED", "RELEASED"), events(json(calls.get("/api/quarantine/" + id), 200)));
    }

    // ---------------------------------------------------------------- PRR batch

    /**
     * A batch is quarantined whole when it is not JSON, of an unknown schema, another regency's
     * or lacks batchId/records (BatchProcessor.read). All but WRONG_REGENCY are properties of
     * the file alone, and the release refuses a file changed in quarantine (CONTENT_CHANGED),
     * so those can never be released: only dropped, and the ministry asked to send again.
     * WRONG_REGENCY depends on the hub's configured regency: a hub set up with the wrong code
     * holds the ministry's batches, and once the code is corrected (a restart: the regency is
     * read at start) the very same file passes.
     */
    @Test
    void aBatchHeldForTheWrongRegencyIsReleasedAfterTheCodeIsCorrectedAndAMalformedOneNever() throws Exception {
        // The office first set the hub up with a neighbour regency's codes (33.11 for 33.10).
        env.config(); // writes the right hub.yaml beside it
        Path wrongYaml = root.resolve("hub-wrong-regency.yaml");
        String right = Files.readString(root.resolve("hub.yaml"));
        String wrong = right.replace("code: \"33.10\"", "code: \"33.11\"").replace("\"33.10.0", "\"33.11.0");
        assertNotEquals(right, wrong);
        Files.writeString(wrongYaml, wrong);
        Hub misconfigured = Hub.create(ConfigLoader.load(wrongYaml));
        String ministrysId;
        String malformedId;
        List<String> prrIds = List.of("PRR-3310-J000001", "PRR-3310-J000002");
        try {
            misconfigured.start();
            assertEquals("33.11", misconfigured.config().regency().code());
            NotifyBuilder taken = Exchanges.of(misconfigured).batchesTaken(2);
            NotifyBuilder processed = Exchanges.of(misconfigured).batchesProcessed(2);
            Path sent = PrrBatchFactory.publish(PrrBatchFactory.batch("prr-3310-20261123-0201", "33.10",
                    List.of(record(prrIds.get(0), 2, "33.10.05"), record(prrIds.get(1), 3, "33.10.06"))), ministryOutbox());
            String sentText = Files.readString(sent);
            PrrBatchFactory.publishText("{\"schema\": \"ektp.prr-batch/1\", \"batchId\": \"prr-3310-20261123-0202\", "
                    + "\"records\": [", "prr-3310-20261123-0202.json", ministryOutbox());
            Exchanges.await(processed, PATIENCE, "both batches processed");
            assertEquals(2, misconfigured.quarantine().held().size());
            Exchanges.await(taken, PATIENCE, "both batches taken from the ministry");
            assertEquals(List.of(), names(ministryOutbox()));

            JsonNode list = json(calls.get("/api/quarantine"), 200);
            JsonNode held = itemFor(list, "prr-3310-20261123-0201");
            ministrysId = held.get("id").asText();
            assertEquals("WRONG_REGENCY", held.get("reason").asText());
            assertEquals("DOWN", held.get("flow").asText());
            assertEquals("ministry outbox", held.get("source").asText());
            assertEquals(sentText, Files.readString(env.dataDir().resolve(held.get("file").asText())),
                    "kept byte-identical");
            JsonNode broken = itemFor(list, "prr-3310-20261123-0202"); // it named itself before breaking off
            malformedId = broken.get("id").asText();
            assertEquals("MALFORMED_JSON", broken.get("reason").asText());

            // Under the wrong code the batch is still another regency's: 409, still held, no jobs.
            JsonNode refused = json(post("/api/quarantine/" + ministrysId + "/release"), 409);
            assertEquals("WRONG_REGENCY", refused.at("/item/reason").asText(), refused.toString());
            assertEquals("HELD", refused.at("/item/state").asText());
            assertTrue(refused.get("error").asText().contains("this hub is 33.11"), refused.toString());
            assertTrue(misconfigured.printJobs().find(prrIds.get(0)).isEmpty());
        } finally {
            misconfigured.close();
        }

        // The admin corrects the regency (and the kecamatan codes) and restarts the hub.
        Hub hub = env.startHub();
        assertEquals("33.10", hub.config().regency().code());

        // A malformed batch stays malformed: 409 with the reason found now, file kept.
        Path malformedFile = env.dataDir().resolve("quarantine").resolve(hub.quarantine().find(malformedId)
                .orElseThrow().fileName());
        JsonNode stillBad = json(post("/api/quarantine/" + malformedId + "/release"), 409);
        assertEquals("MALFORMED_JSON", stillBad.at("/item/reason").asText(), stillBad.toString());
        assertEquals("HELD", stillBad.at("/item/state").asText());
        assertTrue(Files.exists(malformedFile));
        // Mending the file in quarantine does not help: it is no longer the batch the ministry sent.
        Files.writeString(malformedFile, Messages.text(PrrBatchFactory.batch("prr-3310-20261123-0202", "33.10",
                List.of(record("PRR-3310-J000009", 9, "33.10.05")))));
        JsonNode changed = json(post("/api/quarantine/" + malformedId + "/release"), 409);
        assertEquals("CONTENT_CHANGED", changed.at("/item/reason").asText(), changed.toString());
        assertEquals("HELD", hub.quarantine().find(malformedId).orElseThrow().state());
        assertTrue(hub.printJobs().find("PRR-3310-J000009").isEmpty());

        // The ministry's batch now passes: released, turned into jobs and a receipt like any batch.
        NotifyBuilder queued = Exchanges.of(hub).jobsQueued(2);
        JsonNode released = json(post("/api/quarantine/" + ministrysId + "/release"), 200);
        assertEquals("RELEASED", released.get("state").asText(), released.toString());
        assertFalse(released.get("alreadyReleased").asBoolean());
        Exchanges.await(queued, PATIENCE, "the released batch's two jobs queued");
        assertEquals(List.of(prrIds.get(0) + ".json", prrIds.get(1) + ".json"), queued());
        for (String prrId : prrIds) {
            PrintJob job = hub.printJobs().find(prrId).orElseThrow();
            assertEquals("prr-3310-20261123-0201", job.batchId());
            assertEquals(PrintJobState.QUEUED, job.state());
        }
        JsonNode receipt = messages(Queues.PRR_RECEIPTS, 1).get(0);
        assertEquals("prr-3310-20261123-0201", receipt.get("batchId").asText());
        assertEquals("33.10", receipt.get("regencyCode").asText());
        assertEquals(2, receipt.get("accepted").asInt());
        assertEquals(0, receipt.get("rejected").size());
        assertFalse(Files.exists(env.dataDir().resolve("quarantine").resolve(
                hub.quarantine().find(ministrysId).orElseThrow().fileName())));

        // Released again: nothing more happens (no second receipt, no new jobs).
        JsonNode again = json(post("/api/quarantine/" + ministrysId + "/release"), 200);
        assertTrue(again.get("alreadyReleased").asBoolean(), again.toString());
        await().atMost(PATIENCE).until(() -> hub.outbox().backlog().count() == 0);
        assertTrue(broker.receiveAll(Queues.PRR_RECEIPTS, Duration.ofMillis(500)).isEmpty(), "one receipt");
        assertEquals(2, queued().size());
        assertEquals(2, hub.printJobs().backlog().get(PrintJobState.QUEUED).count());

        JsonNode after = json(calls.get("/api/quarantine"), 200);
        assertEquals(1, after.get("count").asInt());
        assertEquals(malformedId, after.at("/items/0/id").asText());
        assertEquals(List.of("HELD", "RECHECKED", "RELEASED"), events(json(calls.get("/api/quarantine/" + ministrysId), 200)));
    }

    // ---------------------------------------------------------------- allocation message

    @Test
    void aMalformedAllocationStaysHeldOnReleaseAndIsDroppedButKeptInTheTrail() throws Exception {
        Hub hub = env.startHub();
        String queue = Queues.allocations("3310");
        NotifyBuilder taken = Exchanges.of(hub).allocationsTaken(1);
        broker.send(queue, "{\"schema\":\"ektp.stock-allocation/1\",\"allocationId\":\"A-77\",\"regencyCode\":\"33.10\","
                + "\"quantity\":\"many\",\"serialFrom\":\"BLK2026A0000001\",\"serialTo\":\"BLK2026A0000009\","
                + "\"shippedAt\":\"2026-11-20T10:00:00+07:00\"}", Map.of(Queues.MESSAGE_ID, "m-77"));
        Exchanges.await(taken, PATIENCE, "the allocation message taken");
        assertEquals(1, hub.quarantine().held().size());
        await().atMost(PATIENCE).until(() -> broker.queueSize(queue) == 0);

        JsonNode item = itemFor(json(calls.get("/api/quarantine"), 200), "m-77");
        String id = item.get("id").asText();
        assertEquals("INVALID_FIELD", item.get("reason").asText());
        assertEquals("ACROSS", item.get("flow").asText());
        assertEquals("ministry broker", item.get("source").asText());
        Path kept = env.dataDir().resolve(item.get("file").asText());
        assertTrue(Files.exists(kept));

        // Checked again, it is as malformed as before: 409, still held, nothing announced.
        JsonNode refused = json(post("/api/quarantine/" + id + "/release"), 409);
        assertEquals("INVALID_FIELD", refused.at("/item/reason").asText(), refused.toString());
        assertTrue(refused.get("error").asText().contains("quantity"), refused.toString());
        assertEquals("HELD", refused.at("/item/state").asText());
        assertEquals("HELD", hub.quarantine().find(id).orElseThrow().state());
        assertTrue(Files.exists(kept));
        assertTrue(hub.ledger().allocation("A-77").isEmpty(), "not announced");
        assertEquals(1, json(calls.get("/api/quarantine"), 200).get("count").asInt());

        // Dropped: gone from the list and from disk, kept in ?all=true and the trail.
        JsonNode dropped = json(delete("/api/quarantine/" + id), 200);
        assertEquals("DROPPED", dropped.get("state").asText(), dropped.toString());
        assertFalse(dropped.get("alreadyDropped").asBoolean());
        assertEquals(QuarantineEntry.DROPPED, hub.quarantine().find(id).orElseThrow().state());
        assertFalse(Files.exists(kept));
        assertEquals(0, json(calls.get("/api/quarantine"), 200).get("count").asInt());
        JsonNode all = json(calls.get("/api/quarantine?all=true"), 200);
        assertEquals(1, all.get("count").asInt());
        JsonNode kept2 = itemFor(all, "m-77");
        assertEquals("DROPPED", kept2.get("state").asText());
        assertEquals("INVALID_FIELD", kept2.get("reason").asText());
        assertEquals(List.of("HELD", "RECHECKED", "DROPPED"), events(json(calls.get("/api/quarantine/" + id), 200)));
        assertTrue(json(post("/api/quarantine/" + id + "/release"), 409).get("error").asText().contains("dropped"));
        assertTrue(hub.ledger().allocation("A-77").isEmpty());
        assertEquals(0, hub.stock().snapshot().onHand());
    }

    // ---------------------------------------------------------------- helpers

    private Path printer() {
        return root.resolve("printers/DKC-1");
    }

    private Path ministryOutbox() {
        return root.resolve("ministry/outbox");
    }

    private List<String> queued() throws Exception {
        return names(printer().resolve("queue")).stream().filter(n -> !n.startsWith(".")).toList();
    }

    private static ObjectNode record(String prrId, int n, String pickup) {
        return PrrBatchFactory.record(prrId, PacketFactory.nikFor("33.10.05", n), pickup);
    }

    private List<JsonNode> messages(String queue, int count) throws Exception {
        List<ReceivedMessage> got = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            got.addAll(broker.receiveAll(queue, Duration.ofMillis(200)));
            return got.size() >= count;
        });
        List<JsonNode> result = new ArrayList<>();
        for (ReceivedMessage m : got) {
            result.add(Messages.json().readTree(Contracts.assertSent(m).text()));
        }
        return result;
    }


    private HttpResponse<String> post(String path) throws Exception {
        return calls.post(path, env.adminToken());
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return calls.delete(path, env.adminToken());
    }





}

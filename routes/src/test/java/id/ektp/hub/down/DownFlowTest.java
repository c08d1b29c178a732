package id.ektp.hub.down;

import static id.ektp.hub.testing.Exchanges.await;
import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.broker.EmbeddedBroker.ReceivedMessage;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.prr.PrinterSimulator;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DOWN flow: ministry SFTP outbox → print jobs in printer folders → results, receipts, notices. */
class DownFlowTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;
    Path printer;
    PrinterSimulator press;

    @BeforeEach
    void setUp() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        printer = root.resolve("printers/DKC-1");
        press = new PrinterSimulator("DKC-1", printer, 1);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    Path outbox() {
        return root.resolve("ministry/outbox");
    }

    Path queue() {
        return printer.resolve("queue");
    }

    void online() throws Exception {
        Files.createDirectories(printer.resolve("queue"));
        Files.createDirectories(printer.resolve("results"));
    }

    static ObjectNode record(String prrId, int n) {
        return PrrBatchFactory.record(prrId, PacketFactory.nikFor("33.10.05", n), n % 2 == 0 ? "33.10.05" : "33.10.06");
    }

    static List<ObjectNode> records(String prefix, int count) {
        List<ObjectNode> list = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            list.add(record(prefix + String.format("%06d", i), i));
        }
        return list;
    }

    Path publish(String batchId, List<ObjectNode> records) throws Exception {
        return PrrBatchFactory.publish(PrrBatchFactory.batch(batchId, "33.10", records), outbox());
    }

    List<JsonNode> messages(String queue, int count) throws Exception {
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

    List<String> queued() throws Exception {
        return names(queue()).stream().filter(n -> !n.startsWith(".")).toList();
    }

    void printAll(String reason) throws Exception {
        for (String name : names(queue())) {
            if (!name.startsWith(".")) {
                press.print(queue().resolve(name), reason);
            }
        }
    }

    @Test
    void aBatchBecomesOneJobPerRecordAndPrintedCardsAreAnnouncedForPickup() throws Exception {
        online();
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        NotifyBuilder taken = exchanges.batchesTaken(1);
        NotifyBuilder queued = exchanges.jobsQueued(3);
        publish("prr-3310-20261123-0001", records("PRR-3310-A", 3));

        await(queued, PATIENCE, "the batch's three jobs queued");
        assertEquals(List.of("PRR-3310-A000001.json", "PRR-3310-A000002.json", "PRR-3310-A000003.json"), names(queue()),
                "three jobs, no temp file left");
        JsonNode receipt = messages(Queues.PRR_RECEIPTS, 1).get(0);
        assertEquals("prr-3310-20261123-0001", receipt.get("batchId").asText());
        assertEquals(3, receipt.get("accepted").asInt());
        assertEquals(0, receipt.get("rejected").size());
        for (String name : names(queue())) {
            Contracts.assertPrintJob(Files.readString(queue().resolve(name)));
        }
        JsonNode job = Messages.json().readTree(Files.readString(queue().resolve("PRR-3310-A000001.json")));
        assertEquals("prr-3310-20261123-0001", job.get("batchId").asText());
        assertTrue(job.hasNonNull("queuedAt"));
        assertEquals("SRI WAHYUNI".length() > 0, job.hasNonNull("name"));
        // Removed from the ministry once the batch is safe here, which the jobs need not wait for.
        await(taken, PATIENCE, "the batch taken from the ministry");
        assertTrue(names(outbox()).isEmpty(), "taken from the ministry outbox");

        NotifyBuilder results = exchanges.resultsTaken("DKC-1", 3);
        printAll(null);
        await(results, PATIENCE, "the three results taken");
        assertEquals(3, hub.printJobs().backlog().get(PrintJobState.PRINTED).count());
        assertEquals(-3, hub.stock().snapshot().onHand(), "each print used a blank");
        assertTrue(names(printer.resolve("results")).isEmpty(), "each result removed once recorded");
        List<JsonNode> notices = messages(Queues.PICKUP_NOTICES, 3);
        for (JsonNode notice : notices) {
            assertTrue(notice.get("nik").asText().matches("[0-9]{6}\\*{6}[0-9]{4}"), "NIK masked: " + notice);
            assertEquals(Queues.PICKUP_NOTICE, notice.get("schema").asText());
        }
    }

    @Test
    void aBatchSentTwiceIsTakenOnceAndAPrrInTwoBatchesIsQueuedOnce() throws Exception {
        online();
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        List<ObjectNode> first = records("PRR-3310-B", 2);
        NotifyBuilder queued = exchanges.jobsQueued(2);
        Path published = publish("prr-3310-20261123-0002", first);
        String text = Files.readString(published);
        await(queued, PATIENCE, "the first batch's two jobs queued");
        messages(Queues.PRR_RECEIPTS, 1);

        NotifyBuilder resentTaken = exchanges.batchesTaken(1);
        PrrBatchFactory.publishText(text, "prr-3310-20261123-0002.json", outbox()); // the ministry resends
        await(resentTaken, PATIENCE, "the resent batch taken from the ministry");
        assertTrue(names(outbox()).isEmpty());
        List<ObjectNode> second = new ArrayList<>(List.of(first.get(1)));
        second.add(record("PRR-3310-B000009", 9));
        NotifyBuilder secondQueued = exchanges.jobsQueued(1);
        publish("prr-3310-20261123-0003", second);

        JsonNode receipt = messages(Queues.PRR_RECEIPTS, 1).get(0);
        assertEquals("prr-3310-20261123-0003", receipt.get("batchId").asText(), "no second receipt for the resent batch");
        assertEquals(1, receipt.get("accepted").asInt());
        assertEquals("PRR-3310-B000002", receipt.get("rejected").get(0).get("prrId").asText());
        assertTrue(receipt.get("rejected").get(0).get("reason").asText().startsWith("DUPLICATE_PRR"));
        await(secondQueued, PATIENCE, "the second batch's new job queued");
        assertEquals(3, queued().size());
        assertEquals(3, hub.printJobs().backlog().get(PrintJobState.QUEUED).count());
    }

    @Test
    void aBadRecordIsRejectedAloneAndABadBatchIsQuarantinedWhole() throws Exception {
        online();
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        List<ObjectNode> records = records("PRR-3310-C", 3);
        records.get(0).put("nik", "3310050513900001"); // birth month 13
        records.get(1).put("pickupKecamatanCode", "33.10.26"); // no device there: not ours
        NotifyBuilder queued = exchanges.jobsQueued(1);
        publish("prr-3310-20261123-0004", records);

        JsonNode receipt = messages(Queues.PRR_RECEIPTS, 1).get(0);
        assertEquals(1, receipt.get("accepted").asInt());
        Map<String, String> reasons = new java.util.HashMap<>();
        receipt.get("rejected").forEach(r -> reasons.put(r.get("prrId").asText(), r.get("reason").asText()));
        assertTrue(reasons.get("PRR-3310-C000001").startsWith("INVALID_NIK"), reasons.toString());
        assertTrue(reasons.get("PRR-3310-C000002").startsWith("UNKNOWN_KECAMATAN"), reasons.toString());
        assertTrue(!receipt.toString().contains("3310050513900001"), "no NIK in a receipt");
        await(queued, PATIENCE, "the good record's job queued");
        assertEquals(List.of("PRR-3310-C000003.json"), queued());

        NotifyBuilder taken = exchanges.batchesTaken(2);
        NotifyBuilder processed = exchanges.batchesProcessed(2);
        PrrBatchFactory.publishText("{\"schema\": \"ektp.prr-batch/1\", \"records\": [", "prr-3310-20261123-0005.json", outbox());
        PrrBatchFactory.publishText("{\"schema\": \"ektp.prr-batch/2\", \"batchId\": \"x\", \"regencyCode\": \"33.10\", \"records\": []}",
                "prr-3310-20261123-0006.json", outbox());
        await(processed, PATIENCE, "both bad batches processed");
        assertEquals(2, hub.quarantine().held().size());
        hub.quarantine().held().forEach(q -> assertTrue(Files.exists(env.dataDir().resolve("quarantine").resolve(q.fileName())),
                q.fileName()));
        Map<String, String> quarantined = hub.quarantine().held().stream()
                .collect(Collectors.toMap(q -> q.subjectId(), q -> q.reason()));
        assertEquals("MALFORMED_JSON", quarantined.get("prr-3310-20261123-0005.json"));
        assertEquals("UNKNOWN_SCHEMA", quarantined.get("x"));
        await(taken, PATIENCE, "both bad batches taken from the ministry");
        assertTrue(names(outbox()).isEmpty());
        assertTrue(broker.receiveAll(Queues.PRR_RECEIPTS, Duration.ofMillis(500)).isEmpty(), "no receipt for a batch not read");
    }

    @Test
    void aPrintingFailureIsReprintedUpToTheLimitThenReported() throws Exception {
        online();
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        Path job = queue().resolve("PRR-3310-D000001.json");
        String firstQueuedAt = null;
        NotifyBuilder queued = exchanges.jobsQueued(1);
        publish("prr-3310-20261123-0007", records("PRR-3310-D", 1));
        for (int print = 1; print <= 3; print++) {
            await(queued, PATIENCE, "the job queued for print " + print);
            assertTrue(Files.exists(job));
            String queuedAt = Messages.json().readTree(Files.readString(job)).get("queuedAt").asText();
            if (firstQueuedAt == null) {
                firstQueuedAt = queuedAt;
            } else {
                assertNotEquals(firstQueuedAt, queuedAt, "queued again with a new queuedAt");
            }
            String reason = print == 2 ? "PHOTO_UNCLEAR" : "INK_SMEAR";
            NotifyBuilder result = exchanges.resultsTaken("DKC-1", 1);
            queued = exchanges.jobsQueued(1);
            // The previous result (same file name) was taken before the job was queued again.
            assertNotNull(press.print(job, reason), "printed");
            await(result, PATIENCE, "the result of print " + print + " taken");
        }
        assertEquals(PrintJobState.FAILED, hub.printJobs().find("PRR-3310-D000001").orElseThrow().state());
        assertEquals(3, hub.printJobs().find("PRR-3310-D000001").orElseThrow().prints());
        assertEquals(-3, hub.stock().snapshot().onHand(), "three blanks used");
        assertTrue(!Files.exists(job), "not queued a fourth time");
        assertTrue(!queued.matches(), "not queued a fourth time: " + queued);
        JsonNode report = messages(Queues.FAILURES, 1).get(0);
        assertEquals("PRINT_FAILURE", report.get("kind").asText());
        assertEquals("PRR-3310-D000001", report.get("prrId").asText());
        assertEquals("INK_SMEAR", report.get("reason").asText());
        assertEquals("DKC-1", report.get("printerId").asText());
    }

    @Test
    void aDataMismatchIsReportedAndNeverReprinted() throws Exception {
        online();
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        NotifyBuilder queued = exchanges.jobsQueued(1);
        publish("prr-3310-20261123-0008", records("PRR-3310-E", 1));
        await(queued, PATIENCE, "the job queued");
        NotifyBuilder result = exchanges.resultsTaken("DKC-1", 1);
        NotifyBuilder queuedAgain = exchanges.jobsQueued(1);
        printAll("DATA_MISMATCH");
        await(result, PATIENCE, "the result taken");
        assertEquals(PrintJobState.FAILED, hub.printJobs().find("PRR-3310-E000001").orElseThrow().state());
        assertEquals(1, hub.printJobs().find("PRR-3310-E000001").orElseThrow().prints());
        assertTrue(names(queue()).isEmpty());
        JsonNode report = messages(Queues.FAILURES, 1).get(0);
        assertEquals("DATA_MISMATCH", report.get("reason").asText());
        assertTrue(!queuedAgain.matches() && names(queue()).isEmpty(), "never queued again: " + queuedAgain);
    }

    @Test
    void anOfflinePrintersJobsWaitInTheHubAndGoOutWhenItReturns() throws Exception {
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        NotifyBuilder processed = exchanges.batchesProcessed(1);
        publish("prr-3310-20261123-0009", records("PRR-3310-F", 2));
        await(processed, PATIENCE, "the batch processed");
        assertEquals(2, hub.printJobs().backlog().get(PrintJobState.PENDING).count());
        messages(Queues.PRR_RECEIPTS, 1);
        NotifyBuilder queued = exchanges.jobsQueued(2);
        online();
        await(queued, PATIENCE, "the two jobs queued once the printer is back");
        assertEquals(2, queued().size());
        assertEquals(0, hub.printJobs().backlog().get(PrintJobState.PENDING).count());
    }

    @Test
    void aResultSeenTwiceCountsOnce() throws Exception {
        online();
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        NotifyBuilder queued = exchanges.jobsQueued(1);
        publish("prr-3310-20261123-0010", records("PRR-3310-G", 1));
        await(queued, PATIENCE, "the job queued");
        Files.delete(queue().resolve("PRR-3310-G000001.json")); // the printer takes it
        String result = """
                {"schema": "ektp.print-result/1", "prrId": "PRR-3310-G000001", "printerId": "DKC-1",
                 "status": "PRINTED", "blankSerial": "BLK2026A0001234", "at": "2026-11-23T09:02:11+07:00"}""";
        Path file = printer.resolve("results/PRR-3310-G000001.result.json");
        NotifyBuilder taken = exchanges.resultsTaken("DKC-1", 1);
        Files.writeString(file, result);
        await(taken, PATIENCE, "the result taken");
        assertTrue(!Files.exists(file));
        // The same result again, as a crash between recording it and deleting it would leave it.
        NotifyBuilder takenAgain = exchanges.resultsTaken("DKC-1", 1);
        Files.writeString(file, result);
        await(takenAgain, PATIENCE, "the same result taken again");
        assertTrue(!Files.exists(file));

        assertEquals(1, hub.printJobs().find("PRR-3310-G000001").orElseThrow().prints());
        assertEquals(-1, hub.stock().snapshot().onHand(), "one blank");
        assertEquals(0, hub.quarantine().all().size(), "a result seen again is no replay");
        assertEquals(1, messages(Queues.PICKUP_NOTICES, 1).size());
        assertTrue(broker.receiveAll(Queues.PICKUP_NOTICES, Duration.ofMillis(500)).isEmpty(), "one notice");
    }

    @Test
    void aMalformedResultIsQuarantinedNotLost() throws Exception {
        online();
        Hub hub = env.startHub();
        NotifyBuilder taken = Exchanges.of(hub).resultsTaken("DKC-1", 1);
        Path file = printer.resolve("results/PRR-3310-Z000001.result.json");
        Files.writeString(file, "{\"schema\": \"ektp.print-result/1\", \"prrId\": \"PRR-3310-Z000001\", \"status\": \"SMUDGED\"}");
        await(taken, PATIENCE, "the result taken");
        assertEquals(1, hub.quarantine().held().size());
        assertEquals("INVALID_RESULT", hub.quarantine().held().get(0).reason());
        assertTrue(!Files.exists(file));
        assertEquals(0, hub.stock().snapshot().onHand());
    }
}

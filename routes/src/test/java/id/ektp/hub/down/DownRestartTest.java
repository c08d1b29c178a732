package id.ektp.hub.down;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.prr.PrinterSimulator;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DOWN flow across restarts: every PRR printed once, every batch receipted once. */
class DownRestartTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;
    Path printer;
    PrinterSimulator press;
    final Map<String, Integer> printed = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        printer = root.resolve("printers/DKC-1");
        Files.createDirectories(printer.resolve("queue"));
        Files.createDirectories(printer.resolve("results"));
        press = new PrinterSimulator("DKC-1", printer, 7);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    /** Takes and prints whatever is in the queue, counting each PRR's prints. */
    private int printQueue() throws Exception {
        return printQueue(Integer.MAX_VALUE);
    }

    /** Takes and prints up to {@code limit} jobs of the queue, counting each PRR's prints. */
    private int printQueue(int limit) throws Exception {
        int n = 0;
        for (String name : names(printer.resolve("queue"))) {
            if (n < limit && !name.startsWith(".") && press.print(printer.resolve("queue").resolve(name), null) != null) {
                printed.merge(name.substring(0, name.length() - ".json".length()), 1, Integer::sum);
                n++;
            }
        }
        return n;
    }

    /** Messages on a queue: exact once the hub's outbox backlog is 0 (a row is sent only once the broker has it). */
    private long count(String queue) {
        return broker.queueSize(queue);
    }

    @ParameterizedTest(name = "stopped after {0} printed")
    @ValueSource(ints = {0, 4, 9})
    void stoppedAtSeveralPointsEachPrrIsPrintedOnceAndReceiptedOnce(int printedBeforeStop) throws Exception {
        List<ObjectNode> records = DownFlowTest.records("PRR-3310-R", 12);
        Hub first = env.startHub();
        NotifyBuilder processed = Exchanges.of(first).batchesProcessed(1);
        NotifyBuilder queued = Exchanges.of(first).jobsQueued(12);
        PrrBatchFactory.publish(PrrBatchFactory.batch("prr-3310-20261123-0100", "33.10", records), root.resolve("ministry/outbox"));
        Exchanges.await(processed, PATIENCE, "the batch turned into jobs");
        assertEquals(12, first.printJobs().backlog().values().stream().mapToLong(b -> b.count()).sum());
        if (printedBeforeStop > 0) {
            Exchanges.await(queued, PATIENCE, "the twelve jobs queued");
            assertEquals(printedBeforeStop, printQueue(printedBeforeStop));
        }
        first.close();

        // What the second hub has to do: queue the jobs still pending, take the result of every
        // job not yet recorded printed (those printed before the stop, and the rest once printed).
        List<String> pending = new java.util.ArrayList<>();
        List<String> unprinted = new java.util.ArrayList<>();
        try (HubStore store = HubStore.open(env.dataDir())) {
            PrintJobs jobs = new PrintJobs(store, Clock.systemUTC());
            for (ObjectNode r : records) {
                PrintJobState state = jobs.find(r.get("prrId").asText()).orElseThrow().state();
                if (state == PrintJobState.PENDING) {
                    pending.add(r.get("prrId").asText());
                }
                if (state != PrintJobState.PRINTED) {
                    unprinted.add(r.get("prrId").asText());
                }
            }
        }
        Supplier<NotifyBuilder> queuedAgain = env.atNextStart(on -> on.jobsQueued(pending.size()));
        Supplier<NotifyBuilder> results = env.atNextStart(on -> on.resultsTaken("DKC-1", unprinted.size()));
        Hub second = env.startHub();
        Exchanges.await(queuedAgain.get(), PATIENCE, "the " + pending.size() + " job(s) still pending queued");
        printQueue();
        Exchanges.await(results.get(), PATIENCE, "the results of the " + unprinted.size() + " job(s) not yet recorded printed");
        assertEquals(12, second.printJobs().backlog().get(PrintJobState.PRINTED).count());
        assertEquals(12, printed.size());
        printed.forEach((prr, times) -> assertEquals(1, times, prr + " printed once"));
        await().atMost(PATIENCE).until(() -> second.outbox().backlog().count() == 0);
        assertEquals(1, count(Queues.PRR_RECEIPTS), "one receipt");
        assertEquals(12, count(Queues.PICKUP_NOTICES));
        assertEquals(-12, second.stock().snapshot().onHand());
    }

    @Test
    void everyCrashWindowIsResumedFromTheStateOnDisk() throws Exception {
        env.config();
        Path received = Files.createDirectories(env.dataDir().resolve("spool/batches/received"));
        Path queue = printer.resolve("queue");
        ObjectNode unprocessed = PrrBatchFactory.batch("prr-3310-20261123-0201", "33.10", DownFlowTest.records("PRR-3310-S", 2));
        ObjectNode alreadyDone = PrrBatchFactory.batch("prr-3310-20261123-0202", "33.10", DownFlowTest.records("PRR-3310-T", 2));
        try (HubStore store = HubStore.open(env.dataDir())) {
            PrintJobs jobs = new PrintJobs(store, Clock.systemUTC());
            // 1. A batch taken from the ministry and acknowledged, not yet processed.
            Path a = PrrBatchFactory.publish(unprocessed, received);
            String shaA = Spool.sha256Of(a);
            Files.move(a, received.resolve(shaA.substring(0, 12) + "~" + a.getFileName()));
            jobs.batchReceived(shaA, a.getFileName().toString());
            // 2. A batch processed and receipted; only its file was left behind.
            Path b = PrrBatchFactory.publish(alreadyDone, received);
            String shaB = Spool.sha256Of(b);
            Files.move(b, received.resolve(shaB.substring(0, 12) + "~" + b.getFileName()));
            jobs.create("PRR-3310-T000001", "prr-3310-20261123-0202", "33.10.06", "3310054507900001", "{\"prrId\":\"PRR-3310-T000001\"}");
            jobs.batchDone(shaB, b.getFileName().toString(), "prr-3310-20261123-0202", "DONE", 1, 0);
            // 3. A job marked QUEUED whose rename had not happened.
            jobs.create("PRR-3310-U000001", "prr-3310-20261123-0203", "33.10.05", "3310054507900001",
                    "{\"prrId\":\"PRR-3310-U000001\",\"pickupKecamatanCode\":\"33.10.05\"}");
            Files.writeString(queue.resolve(".PRR-3310-U000001.json.part"), "{\"prrId\":\"PRR-3310-U000001\"}");
            jobs.markQueued("PRR-3310-U000001", "DKC-1", Instant.now());
            // 4. A job still PENDING whose temp file was half written.
            jobs.create("PRR-3310-V000001", "prr-3310-20261123-0203", "33.10.05", "3310054507900001",
                    "{\"prrId\":\"PRR-3310-V000001\",\"pickupKecamatanCode\":\"33.10.05\"}");
            Files.writeString(queue.resolve(".PRR-3310-V000001.json.part"), "{\"prrId\":");
        }

        // Both batch files gone through again; S1, S2, T1 and V1 queued (and U1's rename
        // finished, as each dispatch pass does first).
        Supplier<NotifyBuilder> processed = env.atNextStart(on -> on.batchesProcessed(2));
        Supplier<NotifyBuilder> queued = env.atNextStart(on -> on.jobsQueued(4));
        Hub hub = env.startHub();
        Exchanges.await(processed.get(), PATIENCE, "both batch files processed");
        assertEquals(List.of(), names(received));
        Exchanges.await(queued.get(), PATIENCE, "the four pending jobs queued");
        assertEquals(List.of("PRR-3310-S000001.json", "PRR-3310-S000002.json", "PRR-3310-T000001.json",
                "PRR-3310-U000001.json", "PRR-3310-V000001.json"), names(queue), "no temp file left, each job once");
        JsonNode v = Messages.json().readTree(Files.readString(queue.resolve("PRR-3310-V000001.json")));
        assertTrue(v.hasNonNull("queuedAt"), "the half-written job was written again whole");
        // The receipt was committed with the jobs; once the outbox is empty the broker has it.
        await().atMost(PATIENCE).until(() -> hub.outbox().backlog().count() == 0);
        List<EmbeddedBroker.ReceivedMessage> receipts = broker.receiveAll(Queues.PRR_RECEIPTS, Duration.ofSeconds(2));
        assertEquals(1, receipts.size(), "only the unprocessed batch is receipted");
        assertEquals("prr-3310-20261123-0201", Messages.json().readTree(receipts.get(0).text()).get("batchId").asText());
        assertEquals(PrintJobState.QUEUED, hub.printJobs().find("PRR-3310-U000001").orElseThrow().state());
    }

    @Test
    void batchesWaitingTogetherAreProcessedInTheMinistrysOrderNotTheirHashes() throws Exception {
        env.config();
        Path received = Files.createDirectories(env.dataDir().resolve("spool/batches/received"));
        List<String> batchIds = List.of("prr-3310-20261123-0401", "prr-3310-20261123-0402",
                "prr-3310-20261123-0403", "prr-3310-20261123-0404");
        ObjectNode shared = DownFlowTest.record("PRR-3310-X000001", 1); // listed in every batch
        try (HubStore store = HubStore.open(env.dataDir())) {
            PrintJobs jobs = new PrintJobs(store, Clock.systemUTC());
            for (int b = 0; b < batchIds.size(); b++) {
                // As a hub leaves them that took all four from the ministry and then stopped.
                Path file = PrrBatchFactory.publish(PrrBatchFactory.batch(batchIds.get(b), "33.10",
                        List.of(shared, DownFlowTest.record("PRR-3310-X00001" + b, 2 + b))), received);
                String sha = Spool.sha256Of(file);
                Files.move(file, received.resolve(sha.substring(0, 12) + "~" + file.getFileName()));
                jobs.batchReceived(sha, file.getFileName().toString());
            }
        }
        List<String> hashOrder = names(received).stream().map(n -> n.substring(n.indexOf('~') + 1, n.length() - 5)).toList();
        assertNotEquals(batchIds, hashOrder, "the test means something only if hash order is not name order");

        env.startHub();
        List<JsonNode> receipts = new java.util.ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            for (EmbeddedBroker.ReceivedMessage m : broker.receiveAll(Queues.PRR_RECEIPTS, Duration.ofMillis(300))) {
                receipts.add(Messages.json().readTree(m.text()));
            }
            return receipts.size() >= batchIds.size();
        });
        assertEquals(batchIds, receipts.stream().map(r -> r.get("batchId").asText()).toList());
        assertEquals(0, receipts.get(0).get("rejected").size(), "the earliest batch keeps the shared PRR");
        for (JsonNode later : receipts.subList(1, receipts.size())) {
            assertEquals("PRR-3310-X000001", later.get("rejected").get(0).get("prrId").asText(), later.toString());
        }
    }

    @Test
    void aQuarantinedBatchWhoseMoveWasInterruptedEndsInQuarantineNotDeleted() throws Exception {
        env.config();
        Path received = Files.createDirectories(env.dataDir().resolve("spool/batches/received"));
        Path bad = PrrBatchFactory.publishText("{\"schema\": \"ektp.prr-batch/7\", \"batchId\": \"b\"}",
                "prr-3310-20261123-0301.json", received);
        String sha = Spool.sha256Of(bad);
        Path spooled = received.resolve(sha.substring(0, 12) + "~" + bad.getFileName());
        Files.move(bad, spooled);
        try (HubStore store = HubStore.open(env.dataDir())) {
            new PrintJobs(store, Clock.systemUTC()).batchDone(sha, "prr-3310-20261123-0301.json", "b", "QUARANTINED", 0, 0);
        }
        Supplier<NotifyBuilder> processed = env.atNextStart(on -> on.batchesProcessed(1));
        env.startHub();
        Exchanges.await(processed.get(), PATIENCE, "the batch file gone through again");
        Path quarantined = env.dataDir().resolve("quarantine/batches/batch~" + sha.substring(0, 12) + "~prr-3310-20261123-0301.json.json");
        assertTrue(Files.exists(quarantined), "moved into quarantine");
        assertTrue(!Files.exists(spooled));
    }

    @Test
    void aJobWhoseRenameWasInterruptedIsPublishedWhenItsPrinterComesBack() throws Exception {
        env.config();
        Path queue = printer.resolve("queue");
        try (HubStore store = HubStore.open(env.dataDir())) {
            PrintJobs jobs = new PrintJobs(store, Clock.systemUTC());
            jobs.create("PRR-3310-W000001", "prr-3310-20261123-0302", "33.10.05", "3310054507900001",
                    "{\"prrId\":\"PRR-3310-W000001\",\"pickupKecamatanCode\":\"33.10.05\"}");
            Files.writeString(queue.resolve(".PRR-3310-W000001.json.part"), "{\"prrId\":\"PRR-3310-W000001\"}");
            jobs.markQueued("PRR-3310-W000001", "DKC-1", Instant.now());
        }
        // The printer's share is not mounted when the hub starts: its queue/ is not there.
        Path unmounted = printer.resolve("queue.unmounted");
        Files.move(queue, unmounted);
        Supplier<NotifyBuilder> passWhileUnmounted = env.atNextStart(on -> on.dispatchPasses(1));
        Hub hub = env.startHub();
        Exchanges.await(passWhileUnmounted.get(), PATIENCE, "a dispatch pass while the share is not mounted");
        assertEquals(List.of(".PRR-3310-W000001.json.part"), names(unmounted), "nothing done to it while unreachable");
        assertEquals(PrintJobState.QUEUED, hub.printJobs().find("PRR-3310-W000001").orElseThrow().state());
        Files.move(unmounted, queue);
        NotifyBuilder passAfterMount = Exchanges.of(hub).dispatchPasses(1);
        Exchanges.await(passAfterMount, PATIENCE, "a dispatch pass once the share is mounted");
        assertEquals(List.of("PRR-3310-W000001.json"), names(queue));
    }
}

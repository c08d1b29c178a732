package id.ektp.hub.down;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.connectors.link.Link;
import id.ektp.hub.connectors.printer.PrinterConnector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.prr.PrinterSimulator;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.sandbox.sftp.HangingServer;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestSftpPrinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DOWN flow to a printer reached over SFTP (a real MINA SSHD server, real keys, strict
 * host-key checking): jobs into its {@code queue/}, results out of its {@code results/}, while
 * its link drops, after a crash, and over a stale job a spooler left behind.
 */
class SftpPrinterTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    /**
     * MINA, like OpenSSH, offers {@code posix-rename@openssh.com}, with which JSch's rename
     * replaces its target. Many spoolers' SFTP servers speak plain v3, where a rename onto an
     * existing name fails; these tests run the printer server that way (MINA reads its settings
     * from system properties under this prefix), so the hub's stale-name handling is exercised.
     */
    private static final String OPENSSH_EXTENSIONS = "org.apache.sshd.config.sftp-openssh-extensions";

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;
    final Map<String, Integer> printed = new HashMap<>();

    @BeforeAll
    static void plainSftpV3() {
        System.setProperty(OPENSSH_EXTENSIONS, "fsync@openssh.com=1");
    }

    @AfterAll
    static void defaultExtensions() {
        System.clearProperty(OPENSSH_EXTENSIONS);
    }

    @BeforeEach
    void setUp() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    /** DKC-2 over SFTP prints for both test kecamatan; DKC-1 (folder) stays the default. */
    Path sftpPrinter(String baseDir) {
        env.addSftpPrinter(TestSftpPrinter.of("DKC-2", baseDir, "33.10.05", "33.10.06"));
        return env.printerFolder("DKC-2");
    }

    Path publish(String batchId, List<ObjectNode> records) throws Exception {
        return PrrBatchFactory.publish(PrrBatchFactory.batch(batchId, "33.10", records), root.resolve("ministry/outbox"));
    }

    List<JsonNode> messages(String queue, int count) throws Exception {
        List<EmbeddedBroker.ReceivedMessage> got = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            got.addAll(broker.receiveAll(queue, Duration.ofMillis(200)));
            return got.size() >= count;
        });
        List<JsonNode> result = new ArrayList<>();
        for (EmbeddedBroker.ReceivedMessage m : got) {
            result.add(Messages.json().readTree(Contracts.assertSent(m).text()));
        }
        return result;
    }

    static List<String> jobs(Path queue) throws Exception {
        return names(queue).stream().filter(n -> !n.startsWith(".")).toList();
    }

    /** Takes and prints whatever is in the queue, counting each PRR's prints. */
    int printQueue(PrinterSimulator press, Path queue) throws Exception {
        int n = 0;
        for (String name : jobs(queue)) {
            if (press.print(queue.resolve(name), null) != null) {
                printed.merge(name.substring(0, name.length() - ".json".length()), 1, Integer::sum);
                n++;
            }
        }
        return n;
    }

    @Test
    void jobsGoOutAndResultsComeBackOverSftp() throws Exception {
        Path printer = sftpPrinter("spool/ektp");
        Path queue = printer.resolve("queue");
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        NotifyBuilder queued = exchanges.jobsQueued(3);
        publish("prr-3310-20261123-0401", DownFlowTest.records("PRR-3310-H", 3));

        Exchanges.await(queued, PATIENCE, "the three jobs queued over SFTP");
        assertEquals(List.of("PRR-3310-H000001.json", "PRR-3310-H000002.json", "PRR-3310-H000003.json"), names(queue),
                "no temp file left behind");
        Path job = queue.resolve("PRR-3310-H000001.json");
        Contracts.assertPrintJob(Files.readString(job)); // as the printer read it over SFTP
        JsonNode document = Messages.json().readTree(Files.readString(job));
        assertEquals("prr-3310-20261123-0401", document.get("batchId").asText());
        assertTrue(document.hasNonNull("queuedAt"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(job)),
                "the spooler's group may read a job, others not");
        assertEquals("DKC-2", hub.printJobs().find("PRR-3310-H000001").orElseThrow().printerId());
        assertTrue(names(root.resolve("printers/DKC-1/queue")).isEmpty(), "nothing for the folder printer");
        assertTrue(hub.peerLinks().link(PrinterConnector.peer("DKC-2")).orElseThrow().up());

        PrinterSimulator press = new PrinterSimulator("DKC-2", printer, 3);
        NotifyBuilder results = exchanges.resultsTaken("DKC-2", 3);
        press.print(queue.resolve("PRR-3310-H000001.json"), null);
        press.print(queue.resolve("PRR-3310-H000002.json"), null);
        press.print(queue.resolve("PRR-3310-H000003.json"), "DATA_MISMATCH");

        Exchanges.await(results, PATIENCE, "the three results taken over SFTP");
        assertEquals(2, hub.printJobs().backlog().get(PrintJobState.PRINTED).count());
        assertEquals(List.of(), names(printer.resolve("results")), "each result removed from the printer once recorded");
        List<JsonNode> notices = messages(Queues.PICKUP_NOTICES, 2);
        assertEquals(2, notices.size());
        JsonNode failure = messages(Queues.FAILURES, 1).get(0);
        assertEquals("PRR-3310-H000003", failure.get("prrId").asText());
        assertEquals("DKC-2", failure.get("printerId").asText());
        assertEquals(-3, hub.stock().snapshot().onHand(), "each result used a blank");
        assertEquals(PrintJobState.FAILED, hub.printJobs().find("PRR-3310-H000003").orElseThrow().state());
        assertFalse(Files.exists(env.dataDir().resolve("spool/printer-results")),
                "results are read from the link, never stored on the hub's disk");

        hub.close();
        // JSch's session threads are not daemons: a session left open would keep the JVM alive.
        await().atMost(PATIENCE).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("Connect thread")));
    }

    @Test
    void whileThePrinterIsDownItsJobsWaitAndGoOutOnceWhenItIsBack() throws Exception {
        Path printer = sftpPrinter(".");
        Path queue = printer.resolve("queue");
        PrinterSimulator press = new PrinterSimulator("DKC-2", printer, 5);
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        NotifyBuilder queued = exchanges.jobsQueued(2);
        publish("prr-3310-20261123-0402", DownFlowTest.records("PRR-3310-J", 2));
        Exchanges.await(queued, PATIENCE, "the first two jobs queued");
        NotifyBuilder results = exchanges.resultsTaken("DKC-2", 2);
        assertEquals(2, printQueue(press, queue));
        Exchanges.await(results, PATIENCE, "their results taken");
        assertEquals(2, hub.printJobs().backlog().get(PrintJobState.PRINTED).count());

        env.printerServer().stop();
        NotifyBuilder processed = exchanges.batchesProcessed(1);
        publish("prr-3310-20261123-0403", DownFlowTest.records("PRR-3310-K", 6));
        messages(Queues.PRR_RECEIPTS, 2);
        Exchanges.await(processed, PATIENCE, "the second batch turned into jobs");
        assertEquals(6, hub.printJobs().backlog().get(PrintJobState.PENDING).count());
        // The first failure may be a session cut mid-listing ("Pipe closed"); each later poll
        // finds the server gone and says so, which is what an operator should end up reading.
        await().atMost(PATIENCE.plus(Duration.ofSeconds(30))).untilAsserted(() -> {
            Link link = hub.peerLinks().link(PrinterConnector.peer("DKC-2")).orElse(null);
            assertFalse(link == null || link.up(), String.valueOf(link));
            assertTrue(link.lastError().contains("refused"), link::toString);
        });
        assertEquals(List.of(), names(queue), "nothing reached the printer while it was down");

        NotifyBuilder queuedOnceBack = exchanges.jobsQueued(6);
        NotifyBuilder resultsOnceBack = exchanges.resultsTaken("DKC-2", 6);
        env.printerServer().start();
        Exchanges.await(queuedOnceBack, PATIENCE, "the six waiting jobs queued once the printer is back");
        assertEquals(6, printQueue(press, queue));
        // After a failed poll the results route skips 15 polls (half a minute): the results of
        // the jobs printed now may be read only after that.
        Exchanges.await(resultsOnceBack, PATIENCE.plus(Duration.ofSeconds(30)), "their results taken");
        assertEquals(8, hub.printJobs().backlog().get(PrintJobState.PRINTED).count());
        assertEquals(8, printed.size());
        printed.forEach((prr, times) -> assertEquals(1, times, prr + " printed once"));
        assertTrue(hub.peerLinks().link(PrinterConnector.peer("DKC-2")).orElseThrow().up());
        assertEquals(List.of(), names(queue), "no job, no temp file left");
        assertEquals(-8, hub.stock().snapshot().onHand());
    }

    /**
     * Results piling up faster than one a second (a printer working through a backlog) are all
     * taken within a few polls, not one per read-lock interval: with Camel's readLock=changed
     * (a second a file over SFTP) these 150 take two and a half minutes, past this test's
     * 90 s limit. Prints the time taken.
     */
    @Test
    void aBacklogOfResultsIsTakenInAFewPollsNotOneFileAtATime() throws Exception {
        Path printer = sftpPrinter(".");
        Path queue = printer.resolve("queue");
        PrinterSimulator press = new PrinterSimulator("DKC-2", printer, 7);
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        NotifyBuilder queued = exchanges.jobsQueued(150);
        publish("prr-3310-20261124-0410", DownFlowTest.records("PRR-3310-B", 150));
        // Generous limits (a full-sync commit per job and per result on a slow CI disk): the time
        // is printed, and the old one-file-a-second lock would still need 150 s.
        Exchanges.await(queued, Duration.ofSeconds(90), "the 150 jobs queued");
        assertEquals(150, jobs(queue).size());
        NotifyBuilder results = exchanges.resultsTaken("DKC-2", 150);
        long start = System.nanoTime();
        assertEquals(150, printQueue(press, queue)); // as fast as it can: results pile up
        long printed = System.nanoTime();
        Exchanges.await(results, Duration.ofSeconds(90), "the 150 results taken");
        assertEquals(150, hub.printJobs().backlog().get(PrintJobState.PRINTED).count());
        System.out.printf("150 results written in %d ms, all taken over SFTP %d ms after the first was written%n",
                (printed - start) / 1_000_000, (System.nanoTime() - start) / 1_000_000);
        assertEquals(-150, hub.stock().snapshot().onHand(), "each result counted once");
        assertEquals(0, hub.quarantine().held().size(), "no result taken half written");
        assertEquals(List.of(), names(printer.resolve("results")));
    }

    @Test
    void aRenameACrashInterruptedIsFinishedWithoutASecondCopy() throws Exception {
        Path queue = sftpPrinter("spool").resolve("queue");
        env.config();
        try (HubStore store = HubStore.open(env.dataDir())) {
            PrintJobs jobs = new PrintJobs(store, Clock.systemUTC());
            // Marked QUEUED on DKC-2, not yet renamed: the printer holds only the temp file.
            jobs.create("PRR-3310-U000002", "prr-3310-20261123-0404", "33.10.05", "3310054507900001",
                    "{\"prrId\":\"PRR-3310-U000002\",\"pickupKecamatanCode\":\"33.10.05\"}");
            Files.writeString(queue.resolve(".PRR-3310-U000002.json.part"),
                    "{\"prrId\":\"PRR-3310-U000002\",\"queuedAt\":\"before the crash\"}");
            jobs.markQueued("PRR-3310-U000002", "DKC-2", Instant.now());
            // Still PENDING, its temp file half written.
            jobs.create("PRR-3310-V000002", "prr-3310-20261123-0404", "33.10.06", "3310054507900001",
                    "{\"prrId\":\"PRR-3310-V000002\",\"pickupKecamatanCode\":\"33.10.06\"}");
            Files.writeString(queue.resolve(".PRR-3310-V000002.json.part"), "{\"prrId\":");
        }

        // V2 queued; U2's rename finished by the same pass (each pass does that first).
        Supplier<NotifyBuilder> queued = env.atNextStart(on -> on.jobsQueued(1));
        Hub hub = env.startHub();
        Exchanges.await(queued.get(), PATIENCE, "the pending job queued over SFTP");
        assertEquals(List.of("PRR-3310-U000002.json", "PRR-3310-V000002.json"), names(queue));
        assertEquals("before the crash", Messages.json().readTree(Files.readString(queue.resolve("PRR-3310-U000002.json")))
                .get("queuedAt").asText(), "the interrupted job was renamed, not written a second time");
        JsonNode v = Messages.json().readTree(Files.readString(queue.resolve("PRR-3310-V000002.json")));
        assertTrue(v.hasNonNull("queuedAt"), "the half-written job was written again whole");
        assertEquals(PrintJobState.QUEUED, hub.printJobs().find("PRR-3310-U000002").orElseThrow().state());
        assertEquals(PrintJobState.QUEUED, hub.printJobs().find("PRR-3310-V000002").orElseThrow().state());
    }

    @Test
    void aJobQueuedAgainReplacesTheStaleCopyASpoolerLeftInTheQueue() throws Exception {
        Path printer = sftpPrinter(".");
        Path queue = printer.resolve("queue");
        Path job = queue.resolve("PRR-3310-L000001.json");
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        NotifyBuilder queued = exchanges.jobsQueued(1);
        publish("prr-3310-20261123-0405", DownFlowTest.records("PRR-3310-L", 1));
        Exchanges.await(queued, PATIENCE, "the job queued");
        String firstQueuedAt = Messages.json().readTree(Files.readString(job)).get("queuedAt").asText();

        // This spooler reports the print and leaves the job where it was.
        Path results = printer.resolve("results");
        Path temp = results.resolve(".PRR-3310-L000001.result.json.tmp");
        Files.writeString(temp, """
                {"schema": "ektp.print-result/1", "prrId": "PRR-3310-L000001", "printerId": "DKC-2",
                 "status": "FAILED", "reason": "INK_SMEAR", "blankSerial": "BLK2026DKC20000001",
                 "at": "2026-11-23T09:02:11+07:00"}""");
        NotifyBuilder taken = exchanges.resultsTaken("DKC-2", 1);
        NotifyBuilder queuedAgain = exchanges.jobsQueued(1);
        Files.move(temp, results.resolve("PRR-3310-L000001.result.json"), StandardCopyOption.ATOMIC_MOVE);

        Exchanges.await(taken, PATIENCE, "the result taken");
        // The pass that queues it again ends with the rename, which on this SFTP v3 server is a
        // removal of the stale job then a rename of the new one.
        Exchanges.await(queuedAgain, PATIENCE, "the job queued again");
        assertEquals(1, hub.printJobs().find("PRR-3310-L000001").orElseThrow().prints());
        assertEquals(PrintJobState.QUEUED, hub.printJobs().find("PRR-3310-L000001").orElseThrow().state());
        assertEquals(List.of("PRR-3310-L000001.json"), names(queue), "one job file, no temp file left");
        String secondQueuedAt = Messages.json().readTree(Files.readString(job)).get("queuedAt").asText();
        assertNotEquals(firstQueuedAt, secondQueuedAt, "the stale job was replaced by the new one");
        assertTrue(hub.peerLinks().link(PrinterConnector.peer("DKC-2")).orElseThrow().up(), "the replace is no failure");
    }

    @Test
    void aHangingSftpPrinterHoldsUpNeitherTheFolderPrinterNorTheStart() throws Exception {
        try (HangingServer hanging = new HangingServer()) {
            env.addSftpPrinter(TestSftpPrinter.at("DKC-2", hanging.port(), "33.10.05"));
            Path folderQueue = Files.createDirectories(root.resolve("printers/DKC-1/queue"));
            Files.createDirectories(root.resolve("printers/DKC-1/results"));
            Hub hub = env.startHub();
            NotifyBuilder queued = Exchanges.of(hub).jobsQueued(3);
            // Records alternate 33.10.06 (odd, DKC-1 by default) and 33.10.05 (even, DKC-2).
            publish("prr-3310-20261123-0406", DownFlowTest.records("PRR-3310-M", 6));

            Exchanges.await(queued, PATIENCE, "the folder printer's three jobs queued");
            assertEquals(List.of("PRR-3310-M000001.json", "PRR-3310-M000003.json", "PRR-3310-M000005.json"),
                    jobs(folderQueue));
            await().atMost(PATIENCE).until(() -> hub.peerLinks().link(PrinterConnector.peer("DKC-2")).isPresent());
            Link link = hub.peerLinks().link(PrinterConnector.peer("DKC-2")).orElse(null);
            assertFalse(link == null || link.up(), String.valueOf(link));
            assertEquals(3, hub.printJobs().backlog().get(PrintJobState.PENDING).count(), "DKC-2's jobs wait in the hub");
            assertTrue(hub.peerLinks().link(PrinterConnector.peer("DKC-1")).orElseThrow().up());
            int tries = hanging.acceptedConnections();
            assertTrue(tries >= 1, "the hub did try");
        }
    }

    @Test
    void jobsHeldForAnOfflinePrinterDoNotHideTheJobsOfAReachableOne() throws Exception {
        env.addSftpPrinter(TestSftpPrinter.of("DKC-2", ".", "33.10.05"));
        Path folderQueue = Files.createDirectories(root.resolve("printers/DKC-1/queue"));
        Files.createDirectories(root.resolve("printers/DKC-1/results"));
        env.printerServer().stop();
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        // More jobs for the offline DKC-2 (33.10.05) than one page of the dispatcher, all older
        // than the one job for DKC-1 (33.10.06).
        int held = JobDispatcher.BATCH + 10;
        NotifyBuilder processed = exchanges.batchesProcessed(1);
        publish("prr-3310-20261123-0501", DownFlowTest.records("PRR-3310-S", 2 * held).stream()
                .filter(r -> r.get("pickupKecamatanCode").asText().equals("33.10.05")).toList());
        Exchanges.await(processed, PATIENCE, "the batch for DKC-2 turned into jobs");
        assertEquals(held, hub.printJobs().backlog().get(PrintJobState.PENDING).count());
        NotifyBuilder queued = exchanges.jobsQueued(1);
        publish("prr-3310-20261123-0502", DownFlowTest.records("PRR-3310-T", 1));

        Exchanges.await(queued, PATIENCE, "DKC-1's job queued");
        assertEquals(List.of("PRR-3310-T000001.json"), jobs(folderQueue));
        assertEquals(held, hub.printJobs().backlog().get(PrintJobState.PENDING).count(), "DKC-2's jobs still wait");
    }
}

package id.ektp.hub.app;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Queues;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.broker.EmbeddedBroker.ReceivedMessage;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.prr.PrinterSimulator;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.Backlog;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.store.StockLedger;
import id.ektp.hub.store.StoreException;
import id.ektp.hub.testing.HubTestEnvironment;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DOWN flow with the hub killed (SIGKILL) three times while PRR batches are being taken,
 * jobs queued and printer results read, and a printer that keeps printing meanwhile, as a real
 * one does. In the end each PRR has been printed exactly as often as its results called for
 * (once, or again after a printing failure, never because of a restart), and every receipt,
 * pickup notice, failure report and blank is counted once. Then a large batch, killed inside its
 * chunked reading and inside a grouped dispatch pass.
 */
class DownKillAndRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH_SIZE = 50;
    /** Four batches of 50 (PRRs 1–200), then a fifth with 10 of batch 4's PRRs and 10 new ones. */
    private static final int PRRS = 210;

    @TempDir
    Path root;
    HubTestEnvironment env;
    HubProcess hub;
    ScheduledExecutorService printerThread;
    /** What the printer did: prints per PRR id, counted when the result file is written. */
    final Map<String, Integer> prints = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (printerThread != null) {
            printerThread.shutdownNow();
            printerThread.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (hub != null) {
            hub.close();
        }
        env.close();
    }

    @Test
    void killedWhileJobsAreQueuedAndResultsReadEachPrrIsPrintedAsOftenAsItsResultsCallFor() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        Path printer = root.resolve("printers/DKC-1");
        Files.createDirectories(printer.resolve("queue"));
        Files.createDirectories(printer.resolve("results"));
        env.config();
        Path outbox = root.resolve("ministry/outbox");

        List<ObjectNode> batches = new ArrayList<>();
        for (int b = 1; b <= 4; b++) {
            batches.add(batch(b, (b - 1) * BATCH_SIZE + 1, b * BATCH_SIZE));
        }
        batches.add(batch(5, 191, PRRS)); // 191–200 were in batch 4: DUPLICATE_PRR here
        for (ObjectNode batch : batches) {
            PrrBatchFactory.publish(batch, outbox);
        }

        PrinterSimulator press = new PrinterSimulator("DKC-1", printer, 1);
        printerThread = Executors.newSingleThreadScheduledExecutor();
        printerThread.scheduleWithFixedDelay(() -> printAll(press, printer.resolve("queue")), 0, 20, TimeUnit.MILLISECONDS);

        hub = new HubProcess(root.resolve("hub.yaml"), root.resolve("hub.log"));
        hub.killWhen(() -> total(prints) >= 15);
        PrrBatchFactory.publish(batches.get(0), outbox); // the ministry resends batch 1 while the hub is down
        hub.killWhen(() -> total(prints) >= 90);
        hub.killWhen(() -> total(prints) >= 170);

        Map<String, Integer> expectedPrints = new TreeMap<>();
        for (int i = 1; i <= PRRS; i++) {
            expectedPrints.put(prrId(i), expectedPrints(i));
        }
        hub.start();
        // Compared as one line, so that a timeout says which part is missing.
        String done = progress(PRRS, 0, List.of(), List.of());
        // Reads of the store beside the running hub may meet it busy, or just after a kill, recovering.
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> assertEquals(done, progress(
                finished(), pendingMessages(), names(printer.resolve("queue")), names(printer.resolve("results")))));
        hub.stop();
        printerThread.shutdownNow();

        assertEquals(expectedPrints, new TreeMap<>(prints),
                "each PRR printed once, plus once more after each printing failure, up to 3 prints");
        int blanksUsed = total(prints);
        Map<String, PrintJobState> expectedStates = new TreeMap<>();
        for (int i = 1; i <= PRRS; i++) {
            expectedStates.put(prrId(i), i % 25 == 11 || i % 50 == 7 ? PrintJobState.FAILED : PrintJobState.PRINTED);
        }
        try (HubStore store = HubStore.openReadOnly(env.dataDir())) {
            PrintJobs jobs = new PrintJobs(store, Clock.systemUTC());
            Map<String, PrintJobState> states = new TreeMap<>();
            expectedStates.keySet().forEach(id -> states.put(id, jobs.find(id).orElseThrow().state()));
            assertEquals(expectedStates, states);
            assertEquals(-blanksUsed, new StockLedger(store).onHand(), "one blank per result, each counted once");
        }

        Map<String, JsonNode> receipts = once(broker.receiveAll(Queues.PRR_RECEIPTS, Duration.ofSeconds(2)), "batchId");
        assertEquals(List.of("prr-3310-20261123-0001", "prr-3310-20261123-0002", "prr-3310-20261123-0003",
                "prr-3310-20261123-0004", "prr-3310-20261123-0005"), List.copyOf(receipts.keySet()),
                "one receipt per batch; none for the identical resend");
        assertEquals(PRRS, receipts.values().stream().mapToInt(r -> r.get("accepted").asInt()).sum());
        assertEquals(10, receipts.get("prr-3310-20261123-0005").get("rejected").size());
        assertEquals(new TreeSet<>(keysIn(expectedStates, PrintJobState.PRINTED)),
                once(broker.receiveAll(Queues.PICKUP_NOTICES, Duration.ofSeconds(2)), "prrId").keySet(),
                "one pickup notice per card printed");
        assertEquals(new TreeSet<>(keysIn(expectedStates, PrintJobState.FAILED)),
                once(broker.receiveAll(Queues.FAILURES, Duration.ofSeconds(2)).stream()
                        .filter(m -> m.text().contains("PRINT_FAILURE")).toList(), "prrId").keySet(),
                "one PRINT_FAILURE report per PRR given up on");
        assertEquals(List.of(), names(env.dataDir().resolve("spool/batches/received")));
    }

    /**
     * One batch of three chunks, and the printer offline until it is all read. The hub is killed
     * while the batch is half turned into jobs (a chunk committed, not the last), then while a
     * grouped dispatch pass is writing its jobs' temp files. The batch ends with one receipt that
     * counts every record once (a rejection recorded before the kill included, and a PRR listed
     * again after it), and each job reaches the printer once.
     */
    @Test
    void killedMidBatchAndMidDispatchPassEachRecordIsCountedOnceAndQueuedOnce() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        Path printer = root.resolve("printers/DKC-1");
        Path queue = printer.resolve("queue"); // not there yet: the printer is offline
        Path taken = Files.createDirectories(root.resolve("taken"));
        Files.createDirectories(printer.resolve("results"));
        env.config();
        int total = 3_000;
        List<ObjectNode> records = new ArrayList<>();
        for (int n = 1; n <= total; n++) {
            records.add(PrrBatchFactory.record(prrId(n), PacketFactory.nikFor("33.10.05", n),
                    n % 2 == 0 ? "33.10.05" : "33.10.06"));
        }
        records.get(499).put("nik", "3310050513900001"); // chunk 1: birth month 13
        records.get(2_499).put("pickupKecamatanCode", "33.10.26"); // chunk 3: not this hub's
        records.set(2_799, PrrBatchFactory.record(prrId(10), PacketFactory.nikFor("33.10.05", 10), "33.10.05"));
        String batchId = "prr-3310-20261123-0601";
        String sha = Spool.sha256Of(PrrBatchFactory.publish(PrrBatchFactory.batch(batchId, "33.10", records),
                root.resolve("ministry/outbox")));
        int accepted = total - 3;

        hub = new HubProcess(root.resolve("hub.yaml"), root.resolve("hub.log"));
        hub.killWhen(() -> progress(sha).isPresent());
        int done = progress(sha).map(PrintJobs.BatchProgress::recordsDone).orElse(total);
        assertTrue(done < total, "killed with the batch half read (" + done + " of " + total + " records)");
        System.out.println("killed with " + done + " of " + total + " records of the batch read");

        hub.start();
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> backlogOf(PrintJobState.PENDING) == accepted && pendingMessages() == 0);
        Files.createDirectory(queue); // the printer is back
        printerThread = Executors.newSingleThreadScheduledExecutor();
        Map<String, Integer> takes = new ConcurrentHashMap<>();
        printerThread.scheduleWithFixedDelay(() -> take(queue, taken, takes), 0, 20, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                .until(() -> temp(queue) >= 10);
        hub.kill();
        long left = temp(queue);
        assertTrue(left > 0, "killed inside a grouped pass: its temp files are left");
        System.out.println("killed inside a dispatch pass: " + left + " temp files left, "
                + backlogOf(PrintJobState.QUEUED) + " jobs QUEUED");

        hub.start();
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> assertEquals(
                accepted + " taken, queue []", takes.size() + " taken, queue " + names(queue)));
        hub.stop();
        printerThread.shutdownNow();

        Map<String, Integer> moreThanOnce = new TreeMap<>(takes);
        moreThanOnce.values().removeIf(n -> n == 1);
        assertEquals(Map.of(), moreThanOnce, "each job reaches the printer once");
        assertEquals(accepted, backlogOf(PrintJobState.QUEUED));
        JsonNode receipt = once(broker.receiveAll(Queues.PRR_RECEIPTS, Duration.ofSeconds(2)), "batchId").get(batchId);
        assertEquals(accepted, receipt.get("accepted").asInt());
        Map<String, String> rejected = new TreeMap<>();
        receipt.get("rejected").forEach(r -> rejected.put(r.get("prrId").asText(), r.get("reason").asText()));
        assertEquals(List.of(prrId(10), prrId(500), prrId(2_500)), List.copyOf(rejected.keySet()));
        assertEquals("DUPLICATE_PRR: listed twice in this batch", rejected.get(prrId(10)));
        assertTrue(rejected.get(prrId(500)).startsWith("INVALID_NIK"), rejected.toString());
        assertTrue(rejected.get(prrId(2_500)).startsWith("UNKNOWN_KECAMATAN"), rejected.toString());
    }

    /** The batch's progress, read beside the hub; empty when it has none (or the store is busy). */
    private Optional<PrintJobs.BatchProgress> progress(String sha) throws SQLException {
        try {
            Optional<PrintJobs.BatchProgress> progress =
                    read(store -> new PrintJobs(store, Clock.systemUTC()).batchProgress(sha));
            return progress == null ? Optional.empty() : progress;
        } catch (StoreException busy) {
            return Optional.empty();
        }
    }

    private long backlogOf(PrintJobState state) throws SQLException {
        Map<PrintJobState, Backlog> backlog = read(store -> new PrintJobs(store, Clock.systemUTC()).backlog());
        return backlog == null ? 0 : backlog.get(state).count();
    }

    private static long temp(Path queue) throws IOException {
        try (var names = Files.list(queue)) {
            return names.filter(p -> p.getFileName().toString().startsWith(".")).count();
        }
    }

    /** A printer that takes each job from the queue as it appears, counting the takes per PRR. */
    private static void take(Path queue, Path taken, Map<String, Integer> takes) {
        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(queue, "[!.]*.json")) {
            for (Path job : jobs) {
                String name = job.getFileName().toString();
                Files.move(job, taken.resolve(name + "." + takes.merge(name.replace(".json", ""), 1, Integer::sum)));
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("printer: " + e); // keep taking at the next turn
        }
    }

    /**
     * The printer: takes every job in the queue and writes its result. PRR n fails its first
     * print with an ink smear when n ends in 3; always fails with a chip write failure when
     * n % 50 == 7; is a data mismatch when n % 25 == 11; prints otherwise.
     */
    private void printAll(PrinterSimulator press, Path queue) {
        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(queue, "[!.]*.json")) {
            for (Path job : jobs) {
                String prrId = job.getFileName().toString().replace(".json", "");
                int n = Integer.parseInt(prrId.substring(prrId.length() - 6));
                int attempt = prints.getOrDefault(prrId, 0) + 1;
                String reason = n % 50 == 7 ? "CHIP_WRITE_FAILED" : n % 25 == 11 ? "DATA_MISMATCH"
                        : n % 10 == 3 && attempt == 1 ? "INK_SMEAR" : null;
                if (press.print(job, reason) != null) {
                    prints.merge(prrId, 1, Integer::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep printing at the next turn: an exception would end the scheduled task for good
            System.out.println("printer: " + e);
        }
    }

    private static int expectedPrints(int n) {
        return n % 50 == 7 ? 3 : n % 25 == 11 ? 1 : n % 10 == 3 ? 2 : 1;
    }

    private static ObjectNode batch(int seq, int from, int to) {
        List<ObjectNode> records = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            records.add(PrrBatchFactory.record(prrId(n), PacketFactory.nikFor("33.10.05", n),
                    n % 2 == 0 ? "33.10.05" : "33.10.06"));
        }
        return PrrBatchFactory.batch("prr-3310-20261123-%04d".formatted(seq), "33.10", records);
    }

    private static String prrId(int n) {
        return "PRR-3310-K%06d".formatted(n);
    }

    private static String progress(int finished, long pendingMessages, List<String> queue, List<String> results) {
        return "jobs finished: " + finished + ", messages not yet sent: " + pendingMessages
                + ", printer queue: " + queue + ", results: " + results;
    }

    private int finished() throws SQLException {
        Map<PrintJobState, Backlog> backlog = read(store -> new PrintJobs(store, Clock.systemUTC()).backlog());
        return backlog == null ? 0
                : (int) (backlog.get(PrintJobState.PRINTED).count() + backlog.get(PrintJobState.FAILED).count());
    }

    private long pendingMessages() throws SQLException {
        Long pending = read(store -> new Outbox(store, Clock.systemUTC()).backlog().count());
        return pending == null ? -1 : pending;
    }

    /** A query on the hub's store, read-only beside the running hub; null before its first start. */
    private <T> T read(Function<HubStore, T> query) throws SQLException {
        if (!Files.exists(env.dataDir().resolve("state/hub.db"))) {
            return null;
        }
        try (HubStore store = HubStore.openReadOnly(env.dataDir())) {
            return query.apply(store);
        }
    }

    /**
     * The messages' bodies by {@code field}, each message id counted once (delivery is at least
     * once, ICD §3): two different messages for the same subject fail the test.
     */
    private static Map<String, JsonNode> once(List<ReceivedMessage> messages, String field) throws IOException {
        Map<String, String> idBySubject = new HashMap<>();
        Map<String, JsonNode> bySubject = new TreeMap<>();
        for (ReceivedMessage m : messages) {
            JsonNode body = JSON.readTree(m.text());
            String subject = body.get(field).asText();
            String id = String.valueOf(m.properties().get("EktpMessageId"));
            String earlier = idBySubject.putIfAbsent(subject, id);
            assertEquals(earlier == null ? id : earlier, id, "a second message for " + subject);
            bySubject.put(subject, body);
        }
        return bySubject;
    }

    private static List<String> keysIn(Map<String, PrintJobState> states, PrintJobState state) {
        return states.entrySet().stream().filter(e -> e.getValue() == state).map(Map.Entry::getKey).toList();
    }

    private static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}

package id.ektp.hub.sandbox.prr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An e-KTP card printer behind a spool folder: takes {@code queue/<prrId>.json} (removing it),
 * prints on the next blank, and writes {@code results/<prrId>.result.json} (temp name, rename).
 * A few percent of prints fail the way real ones do: ink smears and unclear photos, fewer chip
 * write failures, now and then a data mismatch.
 */
public final class PrinterSimulator implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("sandbox.printers");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String printerId;
    private final Path folder;
    private final Random random;
    private final AtomicInteger serial = new AtomicInteger();
    private final AtomicInteger printed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    public PrinterSimulator(String printerId, Path folder, long seed) {
        this.printerId = printerId;
        this.folder = folder;
        this.random = new Random(seed);
    }

    /** Prints every job in the queue. */
    @Override
    public void run() {
        Path queue = folder.resolve("queue");
        if (!Files.isDirectory(queue)) {
            return; // switched off
        }
        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(queue, "[!.]*.json")) {
            for (Path job : jobs) {
                double roll = random.nextDouble();
                String reason = roll < 0.03 ? "INK_SMEAR" : roll < 0.05 ? "PHOTO_UNCLEAR"
                        : roll < 0.06 ? "CHIP_WRITE_FAILED" : roll < 0.065 ? "DATA_MISMATCH" : null;
                print(job, reason);
            }
        } catch (IOException e) {
            LOG.warn("printer {}: {}", printerId, e.toString());
        }
    }

    /**
     * Takes one job and reports it PRINTED ({@code reason} null) or FAILED for {@code reason};
     * returns the blank used, or null when the job was not printed: gone, or a reprint whose
     * previous result the hub has not taken yet. Like a careful spooler, this one never writes
     * over a result nobody has read: the job waits in the queue for the next turn.
     */
    public String print(Path job, String reason) throws IOException {
        String name = job.getFileName().toString();
        Path results = Files.createDirectories(folder.resolve("results"));
        if (Files.exists(results.resolve(name.replaceFirst("\\.json$", ".result.json")))) {
            return null;
        }
        JsonNode document;
        try {
            document = JSON.readTree(Files.readString(job));
            Files.delete(job);
        } catch (NoSuchFileException gone) {
            return null;
        }
        String prrId = document.get("prrId").asText();
        ObjectNode result = JSON.createObjectNode();
        result.put("schema", "ektp.print-result/1");
        result.put("prrId", prrId);
        result.put("printerId", printerId);
        result.put("status", reason == null ? "PRINTED" : "FAILED");
        if (reason != null) {
            result.put("reason", reason);
        }
        String blank = "BLK2026" + printerId.replaceAll("[^A-Z0-9]", "") + String.format("%07d", serial.incrementAndGet());
        result.put("blankSerial", blank);
        result.put("at", OffsetDateTime.now(ZoneOffset.ofHours(7)).withNano(0).toString());
        Path temp = results.resolve("." + prrId + ".result.json.tmp");
        Files.writeString(temp, JSON.writeValueAsString(result));
        Files.move(temp, results.resolve(prrId + ".result.json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        (reason == null ? printed : failed).incrementAndGet();
        if (reason != null) {
            LOG.info("printer {}: {} FAILED ({})", printerId, prrId, reason);
        }
        return blank;
    }

    public int printed() {
        return printed.get();
    }

    public int failed() {
        return failed.get();
    }
}

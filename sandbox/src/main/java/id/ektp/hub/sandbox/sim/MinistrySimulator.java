package id.ektp.hub.sandbox.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.ZipFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ministry as the hub sees it: an SFTP inbox that takes packets (and de-duplicates them
 * nationally: a packet id seen twice is counted once), a link that drops now and then, and,
 * once a packet is "verified", a print-ready record for it in a PRR batch in its outbox.
 */
public final class MinistrySimulator {
    private static final Logger LOG = LoggerFactory.getLogger("sandbox.ministry");

    private final EmbeddedSftpServer server;
    private final Path inbox;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> packetIds = ConcurrentHashMap.newKeySet();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final ConcurrentLinkedQueue<ObjectNode> verified = new ConcurrentLinkedQueue<>();
    private final AtomicInteger prrSequence = new AtomicInteger();
    private final AtomicInteger batchSequence = new AtomicInteger();
    private final Path outbox;
    private final String regencyCode;

    public MinistrySimulator(EmbeddedSftpServer server, Path inbox) {
        this(server, inbox, null, null);
    }

    public MinistrySimulator(EmbeddedSftpServer server, Path inbox, Path outbox, String regencyCode) {
        this.server = server;
        this.inbox = inbox;
        this.outbox = outbox;
        this.regencyCode = regencyCode;
    }

    /** Takes every complete packet from the inbox (temp names are still being uploaded). */
    public void collect() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(inbox, "*.zip")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!packetIds.add(name.substring(0, name.length() - 4))) {
                    duplicates.incrementAndGet();
                } else if (outbox != null) {
                    verify(file);
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("ministry: reading inbox {}: {}", inbox, e.toString());
        }
    }

    /** National de-duplication passed: the packet's citizen gets a print-ready record. */
    private void verify(Path packet) {
        try (ZipFile zip = new ZipFile(packet.toFile());
             InputStream manifest = zip.getInputStream(zip.getEntry("manifest.json"))) {
            JsonNode m = JSON.readTree(manifest);
            String prrId = "PRR-" + regencyCode.replace(".", "") + "-" + String.format("%09d", prrSequence.incrementAndGet());
            verified.add(PrrBatchFactory.record(prrId, m.get("nik").asText(), m.get("kecamatanCode").asText()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("ministry: could not read packet {}: {}", packet.getFileName(), e.toString());
        }
    }

    /** Issues the records verified so far as one PRR batch in the ministry's outbox. */
    public void issueBatch() {
        List<ObjectNode> records = new ArrayList<>();
        for (ObjectNode r; (r = verified.poll()) != null; ) {
            records.add(r);
        }
        if (records.isEmpty()) {
            return;
        }
        String batchId = "prr-" + regencyCode.replace(".", "") + "-"
                + LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE) + "-" + String.format("%04d", batchSequence.incrementAndGet());
        try {
            PrrBatchFactory.publish(PrrBatchFactory.batch(batchId, regencyCode, records), outbox);
            LOG.info("ministry: issued PRR batch {} with {} record(s)", batchId, records.size());
        } catch (IOException e) {
            LOG.warn("ministry: could not write batch {}: {}", batchId, e.toString());
        }
    }

    /** The link drops: connections refused until {@link #linkUp()}. */
    public void linkDown() {
        if (server.isRunning()) {
            LOG.warn("ministry: link DOWN (simulated): the hub keeps packets until it is back");
            server.stop();
        }
    }

    public void linkUp() {
        if (!server.isRunning()) {
            server.start();
            LOG.warn("ministry: link UP again (simulated)");
        }
    }

    public boolean isLinkUp() {
        return server.isRunning();
    }

    public int received() {
        return packetIds.size();
    }

    public int duplicates() {
        return duplicates.get();
    }
}

package id.ektp.hub.sandbox.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
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
 *
 * <p>With a broker ({@link #publishingResults}) it also answers each packet on
 * {@code EKTP.PACKET.RESULTS.<RRRR>} ({@code ektp.packet-result/1}): RECEIVED at once, and a little
 * later mostly ENROLLED (only those get a print-ready record), a few DUPLICATE or REJECTED, and
 * some never, so the hub's follow-ups and overdue reports have something to show.
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
    /** Final results waiting for their time: the ministry's de-duplication takes a while. */
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    private EmbeddedBroker broker;
    private Duration resultAfter = Duration.ZERO;
    private Random random = new Random(0);

    /** A final result due at {@code due}; {@code record} is the PRR record an ENROLLED one brings. */
    private record Pending(Instant due, String packetId, String kecamatanCode, String status, ObjectNode record) {}

    public MinistrySimulator(EmbeddedSftpServer server, Path inbox) {
        this(server, inbox, null, null);
    }

    public MinistrySimulator(EmbeddedSftpServer server, Path inbox, Path outbox, String regencyCode) {
        this.server = server;
        this.inbox = inbox;
        this.outbox = outbox;
        this.regencyCode = regencyCode;
    }

    /**
     * Answers each packet on the regency's results queue: the final result {@code resultAfter}
     * after RECEIVED (a fifth of it to twice it, at random from {@code seed}).
     */
    public MinistrySimulator publishingResults(EmbeddedBroker broker, Duration resultAfter, long seed) {
        this.broker = broker;
        this.resultAfter = resultAfter;
        this.random = new Random(seed);
        return this;
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
            ObjectNode record = PrrBatchFactory.record(prrId, m.get("nik").asText(), m.get("kecamatanCode").asText());
            if (broker == null) {
                verified.add(record);
                return;
            }
            String packetId = m.get("packetId").asText();
            publish(packetId, "RECEIVED", null);
            double roll = random.nextDouble();
            String status = roll < 0.06 ? "DUPLICATE" : roll < 0.12 ? "REJECTED" : roll < 0.18 ? null : "ENROLLED";
            if (status == null) {
                answered.computeIfAbsent("NEVER", k -> new AtomicInteger()).incrementAndGet();
                return; // lost in the ministry: the hub reports it overdue
            }
            long millis = resultAfter.toMillis() / 5 + (long) (random.nextDouble() * resultAfter.toMillis() * 1.8);
            pending.add(new Pending(Instant.now().plusMillis(millis), packetId, m.get("kecamatanCode").asText(), status,
                    "ENROLLED".equals(status) ? record : null));
        } catch (IOException | RuntimeException e) {
            LOG.warn("ministry: could not read packet {}: {}", packet.getFileName(), e.toString());
        }
    }

    /** Publishes the final results whose time has come; an ENROLLED one's print-ready record goes into the next batch. */
    public void publishResults() {
        Instant now = Instant.now();
        for (Pending p : List.copyOf(pending)) {
            if (p.due().isAfter(now)) {
                continue;
            }
            ObjectNode extra = JSON.createObjectNode();
            if ("DUPLICATE".equals(p.status())) {
                // Recorded before somewhere else in the regency, years ago.
                extra.putObject("duplicateOf").put("kecamatanCode", p.kecamatanCode().substring(0, 6) + "14")
                        .put("recordedOn", "2016-03-02");
            } else if ("REJECTED".equals(p.status())) {
                extra.put("reason", random.nextBoolean() ? "BIOMETRIC_QUALITY" : "DATA_MISMATCH");
            }
            if (publish(p.packetId(), p.status(), extra)) {
                pending.remove(p);
                answered.computeIfAbsent(p.status(), k -> new AtomicInteger()).incrementAndGet();
                if (p.record() != null) {
                    verified.add(p.record());
                }
                if (!"ENROLLED".equals(p.status())) {
                    LOG.info("ministry: packet {} is {}", p.packetId(), p.status());
                }
            }
        }
    }

    private boolean publish(String packetId, String status, ObjectNode extra) {
        ObjectNode r = JSON.createObjectNode();
        r.put("schema", "ektp.packet-result/1");
        r.put("packetId", packetId);
        r.put("regencyCode", regencyCode);
        r.put("status", status);
        r.put("at", OffsetDateTime.now(ZoneOffset.ofHours(7)).withNano(0).toString());
        if (extra != null) {
            r.setAll(extra);
        }
        try {
            broker.send("EKTP.PACKET.RESULTS." + regencyCode.replace(".", ""), r.toString(),
                    Map.of("EktpMessageId", UUID.randomUUID().toString(), "EktpType", "ektp.packet-result/1",
                            "EktpRegency", regencyCode));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("ministry: could not publish the result of {}: {}", packetId, e.toString());
            return false;
        }
    }

    /** Final results published so far by status, and {@code NEVER} for packets that will get none. */
    public Map<String, Integer> answered() {
        Map<String, Integer> counts = new TreeMap<>();
        answered.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
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

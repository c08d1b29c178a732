package id.ektp.hub.down;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.camel.Body;

/**
 * Turns one received PRR batch into print jobs. The batch is read as a stream, one record at a
 * time; each record is checked alone. The jobs of all good records, the batch's state and its
 * {@code ektp.prr-receipt/1} commit in one transaction, so a crash before the commit redoes
 * the whole batch and one after it only removes the file. A batch that is not JSON, of an
 * unknown schema or another regency's is quarantined whole.
 */
public final class BatchProcessor {
    public static final String FLOW = "DOWN";

    private record Accepted(String prrId, String pickup, String nik, String json) {}

    private record Rejected(String prrId, String reason) {}

    private static final class BadBatch extends Exception {
        final String reason;
        String batchId; // when the batch got as far as naming itself

        BadBatch(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    private final HubStore store;
    private final PrintJobs jobs;
    private final Outbox outbox;
    private final QuarantineRecords quarantine;
    private final Messages messages;
    private final PrrRecordCheck check;
    private final Path quarantineDir;
    private final Path received;

    public BatchProcessor(HubStore store, PrintJobs jobs, Outbox outbox, QuarantineRecords quarantine, Messages messages,
                          Predicate<String> configuredKecamatan, Path dataDir) throws IOException {
        this.store = store;
        this.jobs = jobs;
        this.outbox = outbox;
        this.quarantine = quarantine;
        this.messages = messages;
        this.check = new PrrRecordCheck(configuredKecamatan);
        this.quarantineDir = SecureFiles.ownerOnlyDirectories(dataDir.resolve("quarantine/batches"));
        this.received = SecureFiles.ownerOnlyDirectories(dataDir.resolve("spool/batches/received"));
    }

    /**
     * An operator's release of a batch quarantined whole: the file is read again with the same
     * checks and, if it passes now (say the hub's regency code was corrected), it goes back to
     * {@code spool/batches/received/} as RECEIVED, to be turned into print jobs and a receipt
     * like any batch. Returns {@code "REASON: sentence"} when it stays held. The batch is known
     * by its content hash, so a file changed in quarantine is not this batch and is refused.
     * Run again after a crash between the commit and the move, it finishes the move.
     */
    public Optional<String> release(QuarantineEntry entry, Path file) throws IOException {
        String sha256 = Spool.sha256Of(file);
        String id = entry.quarantineId();
        String fileName = id.substring(id.indexOf('~', "batch~".length()) + 1);
        if (!id.equals(quarantineId(sha256, fileName))) {
            return Optional.of("CONTENT_CHANGED: the file in quarantine is not the batch the ministry sent (sha256 "
                    + sha256.substring(0, 12) + "…); drop it and ask the ministry to send the batch again");
        }
        String batchId;
        try {
            batchId = read(file, new ArrayList<>(), new ArrayList<>());
        } catch (BadBatch e) {
            return Optional.of(e.reason + ": " + e.getMessage());
        }
        store.transact(c -> {
            quarantine.release(id, "checked again: valid; back to the batch spool");
            jobs.batchDone(sha256, fileName, batchId, "RECEIVED", 0, 0);
            return null;
        });
        SecureFiles.moveDurably(file, received.resolve(BatchSpoolNames.of(sha256, fileName)));
        BatchIntake.LOG.info("batch file {}: released from quarantine, queued for processing", fileName);
        return Optional.empty();
    }

    public void process(@Body File file) throws IOException {
        Path path = file.toPath();
        String stored = path.getFileName().toString();
        String fileName = BatchSpoolNames.ministryName(stored);
        String sha256 = Spool.sha256Of(path);
        String state = jobs.batchState(sha256).orElse("RECEIVED");
        if (state.equals("QUARANTINED")) { // recorded before a crash; the move was not done
            SecureFiles.moveDurably(path, quarantineDir.resolve(quarantineId(sha256, fileName) + ".json"));
            return;
        }
        if (!state.equals("RECEIVED")) {
            Files.deleteIfExists(path); // done before a crash; only the file was left
            return;
        }
        String batchId = null;
        List<Accepted> accepted = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        try {
            batchId = read(path, accepted, rejected);
        } catch (BadBatch e) {
            quarantineWhole(path, sha256, fileName, e.batchId, e);
            return;
        }
        String id = batchId;
        int[] counts = new int[2];
        store.transact(c -> {
            Set<String> seen = new HashSet<>();
            List<Rejected> all = new ArrayList<>(rejected);
            int ok = 0;
            for (Accepted a : accepted) {
                if (!seen.add(a.prrId())) {
                    all.add(new Rejected(a.prrId(), "DUPLICATE_PRR: listed twice in this batch"));
                } else if (!jobs.create(a.prrId(), id, a.pickup(), a.nik(), a.json())) {
                    String earlier = jobs.find(a.prrId()).map(j -> j.batchId() + ", " + j.state()).orElse("?");
                    all.add(new Rejected(a.prrId(), "DUPLICATE_PRR: already queued or printed (batch " + earlier + ")"));
                } else {
                    ok++;
                }
            }
            raiseReceipt(id, ok, all);
            jobs.batchDone(sha256, fileName, id, "DONE", ok, all.size());
            counts[0] = ok;
            counts[1] = all.size();
            return null;
        });
        Files.deleteIfExists(path);
        BatchIntake.LOG.info("batch {} ({}): {} record(s) accepted for printing, {} rejected", batchId, fileName,
                counts[0], counts[1]);
    }

    /** Streams the batch; returns its batchId after checking the whole envelope. */
    private String read(Path path, List<Accepted> accepted, List<Rejected> rejected) throws IOException, BadBatch {
        String[] batchId = new String[1];
        try {
            return read(path, accepted, rejected, batchId);
        } catch (BadBatch e) {
            e.batchId = batchId[0];
            throw e;
        }
    }

    private String read(Path path, List<Accepted> accepted, List<Rejected> rejected, String[] named)
            throws IOException, BadBatch {
        String schema = null;
        String batchId = null;
        String regency = null;
        boolean sawRecords = false;
        try (JsonParser p = Messages.json().getFactory().createParser(path.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadBatch("MALFORMED_JSON", "the batch is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "schema" -> schema = p.getValueAsString();
                    case "batchId" -> {
                        batchId = p.getValueAsString();
                        named[0] = batchId;
                    }
                    case "regencyCode" -> regency = p.getValueAsString();
                    case "records" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw new BadBatch("INVALID_BATCH", "records must be a list");
                        }
                        sawRecords = true;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            JsonNode record = p.readValueAsTree();
                            check.problem(record).ifPresentOrElse(
                                    reason -> rejected.add(new Rejected(PrrRecordCheck.text(record, "prrId"), reason)),
                                    () -> accepted.add(new Accepted(record.get("prrId").asText(),
                                            record.get("pickupKecamatanCode").asText(), record.get("nik").asText(),
                                            Messages.text((ObjectNode) record))));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadBatch("MALFORMED_JSON", "not valid JSON: " + e.getOriginalMessage());
        }
        if (!Queues.PRR_BATCH.equals(schema)) {
            throw new BadBatch("UNKNOWN_SCHEMA", "schema is " + (schema == null ? "missing" : "\"" + schema + "\"")
                    + "; only \"" + Queues.PRR_BATCH + "\" is accepted");
        }
        if (!messages.regency().code().equals(regency)) {
            throw new BadBatch("WRONG_REGENCY", "regencyCode is " + regency + ", this hub is " + messages.regency().code());
        }
        if (batchId == null || batchId.isBlank() || !sawRecords) {
            throw new BadBatch("INVALID_BATCH", "batchId and records are required");
        }
        return batchId;
    }

    private void raiseReceipt(String batchId, int accepted, List<Rejected> rejected) {
        String id = UUID.randomUUID().toString();
        ObjectNode receipt = messages.document(Queues.PRR_RECEIPT);
        receipt.put("receiptId", id);
        receipt.put("batchId", batchId);
        receipt.put("regencyCode", messages.regency().code());
        receipt.put("accepted", accepted);
        ArrayNode list = receipt.putArray("rejected");
        for (Rejected r : rejected) {
            list.addObject().put("prrId", r.prrId()).put("reason", Nik.maskAll(r.reason()));
        }
        receipt.put("at", messages.now());
        outbox.raise(id, Queues.PRR_RECEIPTS, Queues.PRR_RECEIPT, Messages.text(receipt));
    }

    /** The same batch always gets the same quarantine id, so a redo after a crash finds it. */
    private static String quarantineId(String sha256, String fileName) {
        return "batch~" + sha256.substring(0, 12) + "~" + fileName.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private void quarantineWhole(Path path, String sha256, String fileName, String batchId, BadBatch e) throws IOException {
        String id = quarantineId(sha256, fileName);
        store.transact(c -> {
            quarantine.hold(id, FLOW, batchId == null ? fileName : batchId, "batches/" + id + ".json",
                    "ministry outbox", e.reason, e.getMessage());
            jobs.batchDone(sha256, fileName, batchId, "QUARANTINED", 0, 0);
            return null;
        });
        SecureFiles.moveDurably(path, quarantineDir.resolve(id + ".json"));
        BatchIntake.LOG.warn("batch file {}: QUARANTINED {}: {}", fileName, e.reason, e.getMessage());
    }
}

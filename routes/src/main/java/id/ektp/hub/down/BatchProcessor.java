package id.ektp.hub.down;

import static id.ektp.hub.codes.UntrustedText.forLog;
import static id.ektp.hub.codes.UntrustedText.sentence;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.camel.Body;

/**
 * Turns one received PRR batch into print jobs. The batch is read as a stream, twice, so that a
 * batch of any size (100,000 records after months without blanks) never has more than
 * {@value #CHUNK} records in memory:
 *
 * <ol>
 *   <li>{@link #check}: the whole file, before anything is committed. It must be JSON with each
 *       key once per object, its {@code schema}, {@code batchId} and {@code regencyCode} strings
 *       (the hub's schema and regency), {@code records} a list, no record over
 *       {@value #MAX_RECORD_BYTES} bytes. A batch that fails is quarantined whole, with no job
 *       or receipt.</li>
 *   <li>{@link #turnIntoJobs}: the records again, each checked alone, {@value #CHUNK} per
 *       transaction: the chunk's jobs, its rejected records and how far the batch got commit
 *       together. The last chunk's transaction also raises the batch's
 *       {@code ektp.prr-receipt/1} (the accepted count and every record rejected, kept in the
 *       store meanwhile) and marks the batch DONE.</li>
 * </ol>
 *
 * A crash mid-batch resumes after the last chunk committed, with the counts and rejections
 * recorded so far: no job is created twice (a PRR id is unique anyway) and the batch gets one
 * receipt. A crash after the last commit only leaves the file, which is then removed.
 */
public final class BatchProcessor {
    public static final String FLOW = "DOWN";
    /** Records per transaction: one commit per thousand jobs, and the memory a chunk holds. */
    static final int CHUNK = 1_000;
    /** A progress line this often, for a batch large enough to take a while. */
    static final int PROGRESS_EVERY = 10_000;
    /** A print-ready record is under 1 KiB; a bound on what one record can make the hub hold. */
    static final int MAX_RECORD_BYTES = 64 * 1024;

    /** One record read: a job to create, or the reason it is rejected. */
    private record Settled(int index, String prrId, String pickup, String nik, String json, String problem) {}

    /** How far the batch got: records done, and of them accepted and rejected. */
    private record Progress(int done, int accepted, int rejected) {}

    private static final class BadBatch extends Exception {
        final String reason;
        String batchId; // when the batch got as far as naming itself

        BadBatch(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /** An envelope field as read: its text if it is a JSON string, else what it is (skipped whole). */
    private record Field(String text, JsonToken token) {
        static final Field MISSING = new Field(null, null);

        static Field read(JsonParser p, JsonToken token) throws IOException {
            Field field = new Field(token == JsonToken.VALUE_STRING ? p.getText() : null, token);
            p.skipChildren();
            return field;
        }

        boolean isText() {
            return token == JsonToken.VALUE_STRING;
        }

        boolean isPresent() {
            return token != null;
        }

        /** For a sentence: the text quoted, or "missing", "an object", "a list", ... */
        String describe() {
            if (token == null) {
                return "missing";
            }
            return switch (token) {
                case VALUE_STRING -> shown(text);
                case START_OBJECT -> "an object";
                case START_ARRAY -> "a list";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                default -> "null";
            };
        }
    }

    /** What the first reading found. */
    private static final class Envelope {
        Field schema = Field.MISSING;
        Field batchId = Field.MISSING;
        Field regency = Field.MISSING;
        JsonToken records; // null while not seen
        int count;
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
            batchId = check(file, true).batchId.text();
        } catch (BadBatch e) {
            return Optional.of(e.reason + ": " + e.getMessage());
        }
        store.transact(c -> {
            quarantine.release(id, "checked again: valid; back to the batch spool");
            jobs.batchDone(sha256, fileName, batchId, "RECEIVED", 0, 0);
            return null;
        });
        SecureFiles.moveDurably(file, received.resolve(BatchSpoolNames.of(sha256, fileName)));
        BatchIntake.LOG.info("batch file {}: released from quarantine, queued for processing", forLog(fileName));
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
        // A batch resumed was found to be this regency's when it was started: a configuration
        // changed since must not quarantine a batch that has jobs already.
        Optional<PrintJobs.BatchProgress> resumed = jobs.batchProgress(sha256);
        Envelope envelope;
        try {
            envelope = check(path, resumed.isEmpty());
        } catch (BadBatch e) {
            quarantineWhole(path, sha256, fileName, e.batchId, e);
            return;
        }
        String batchId = envelope.batchId.text();
        Progress from = resumed.map(r -> new Progress(r.recordsDone(), r.accepted(), r.rejected()))
                .orElse(new Progress(0, 0, 0));
        if (resumed.isPresent()) {
            BatchIntake.LOG.info("batch {} ({}): resuming after record {} of {} (the hub stopped while reading it)",
                    forLog(batchId), forLog(fileName), from.done(), envelope.count);
        }
        Progress done = turnIntoJobs(path, sha256, fileName, batchId, envelope.count, from);
        Files.deleteIfExists(path);
        BatchIntake.LOG.info("batch {} ({}): {} record(s) accepted for printing, {} rejected", forLog(batchId), forLog(fileName),
                done.accepted(), done.rejected());
    }

    /**
     * The first reading: the whole batch checked as a batch, nothing kept but its envelope and
     * how many records it has; {@code regencyToo} unless the batch was started before.
     */
    private Envelope check(Path path, boolean regencyToo) throws IOException, BadBatch {
        Envelope envelope = new Envelope();
        try {
            scan(path, envelope);
            validate(envelope, regencyToo);
            return envelope;
        } catch (BadBatch e) {
            e.batchId = envelope.batchId.text();
            throw e;
        }
    }

    private static void scan(Path path, Envelope envelope) throws IOException, BadBatch {
        try (JsonParser p = parser(path)) {
            try {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new BadBatch("MALFORMED_JSON", "the batch is not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "schema" -> envelope.schema = Field.read(p, value);
                        case "batchId" -> envelope.batchId = Field.read(p, value);
                        case "regencyCode" -> envelope.regency = Field.read(p, value);
                        case "records" -> {
                            envelope.records = value;
                            envelope.count = value == JsonToken.START_ARRAY ? countRecords(p) : 0;
                            p.skipChildren();
                        }
                        default -> p.skipChildren();
                    }
                }
                if (p.nextToken() != null) {
                    throw new BadBatch("MALFORMED_JSON", "something follows the batch's closing brace ("
                            + lineAndColumn(p.currentTokenLocation()) + ")");
                }
            } catch (JsonProcessingException e) {
                throw malformed(p, e);
            }
        }
    }

    /** Counts the records, each skipped unread; one over {@link #MAX_RECORD_BYTES} fails the batch. */
    private static int countRecords(JsonParser p) throws IOException, BadBatch {
        int count = 0;
        JsonLocation start = null;
        JsonToken token;
        do {
            token = p.nextToken();
            // A record's size runs to the next record's start: a string value is only read
            // (and skipped, without being held) when the parser moves past it.
            JsonLocation next = p.currentTokenLocation();
            if (start != null && offset(next) - offset(start) > MAX_RECORD_BYTES) {
                throw new BadBatch("INVALID_BATCH", "record " + count + " (/records/" + (count - 1) + ", "
                        + lineAndColumn(start) + ") is over " + MAX_RECORD_BYTES
                        + " bytes; a print-ready record is far smaller");
            }
            if (token != JsonToken.END_ARRAY) {
                start = next;
                count++;
                p.skipChildren();
            }
        } while (token != JsonToken.END_ARRAY);
        return count;
    }

    private void validate(Envelope envelope, boolean regencyToo) throws BadBatch {
        if (!envelope.schema.isText() || !Queues.PRR_BATCH.equals(envelope.schema.text())) {
            throw new BadBatch("UNKNOWN_SCHEMA", "schema is " + envelope.schema.describe() + "; only \""
                    + Queues.PRR_BATCH + "\" is accepted");
        }
        String code = messages.regency().code();
        if (regencyToo && envelope.regency.isPresent() && !envelope.regency.isText()) {
            throw new BadBatch("INVALID_BATCH", "regencyCode must be a string, not " + envelope.regency.describe());
        }
        if (regencyToo && !code.equals(envelope.regency.text())) {
            throw new BadBatch("WRONG_REGENCY", "regencyCode is " + envelope.regency.describe() + ", this hub is " + code);
        }
        if (envelope.batchId.isPresent() && !envelope.batchId.isText()) {
            throw new BadBatch("INVALID_BATCH", "batchId must be a string, not " + envelope.batchId.describe());
        }
        if (envelope.batchId.text() == null || envelope.batchId.text().isBlank() || envelope.records == null) {
            throw new BadBatch("INVALID_BATCH", "batchId and records are required");
        }
        if (envelope.records != JsonToken.START_ARRAY) {
            throw new BadBatch("INVALID_BATCH", "records must be a list");
        }
    }

    /**
     * The second reading: each record checked alone and committed {@value #CHUNK} at a time,
     * from where an earlier, interrupted reading left off.
     */
    private Progress turnIntoJobs(Path path, String sha256, String fileName, String batchId, int total, Progress from)
            throws IOException {
        Progress progress = from;
        List<Settled> chunk = new ArrayList<>(CHUNK);
        try (JsonParser p = parser(path)) {
            toRecords(p);
            int index = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (index < from.done()) {
                    p.skipChildren();
                } else {
                    chunk.add(settle(index, p.readValueAsTree()));
                }
                index++;
                if (chunk.size() == CHUNK && index < total) {
                    Progress before = progress;
                    progress = commit(sha256, fileName, batchId, progress, chunk, false);
                    chunk.clear();
                    if (progress.done() / PROGRESS_EVERY > before.done() / PROGRESS_EVERY) {
                        BatchIntake.LOG.info("batch {} ({}): {} of {} records read", forLog(batchId), forLog(fileName), progress.done(),
                                total);
                    }
                }
            }
        }
        return commit(sha256, fileName, batchId, progress, chunk, true);
    }

    /** Moves the parser onto the records list the first reading found. */
    private static void toRecords(JsonParser p) throws IOException {
        p.nextToken();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("records")) {
                return;
            }
            p.skipChildren();
        }
        throw new IOException("the records of the batch are gone since it was checked");
    }

    private Settled settle(int index, JsonNode record) {
        Optional<String> problem = check.problem(record);
        if (problem.isPresent()) {
            return new Settled(index, PrrRecordCheck.text(record, "prrId"), null, null, null,
                    Nik.maskAll(problem.get()));
        }
        return new Settled(index, record.get("prrId").asText(), record.get("pickupKecamatanCode").asText(),
                record.get("nik").asText(), Messages.text((ObjectNode) record), null);
    }

    /**
     * One chunk's jobs and rejections, and how far the batch got, in one transaction; with the
     * last chunk, the receipt (every rejection kept so far) and the batch DONE instead.
     */
    private Progress commit(String sha256, String fileName, String batchId, Progress before, List<Settled> chunk,
                            boolean last) {
        return store.transact(c -> {
            int accepted = before.accepted();
            int rejected = before.rejected();
            for (Settled record : chunk) {
                String problem = record.problem();
                if (problem == null && !jobs.create(record.prrId(), batchId, record.pickup(), record.nik(), record.json())) {
                    problem = duplicate(record.prrId(), batchId);
                }
                if (problem == null) {
                    accepted++;
                } else {
                    jobs.batchRecordRejected(sha256, record.index(), record.prrId(), problem);
                    rejected++;
                }
            }
            Progress after = new Progress(before.done() + chunk.size(), accepted, rejected);
            if (last) {
                raiseReceipt(batchId, accepted, jobs.batchRejections(sha256));
                jobs.batchDone(sha256, fileName, batchId, "DONE", accepted, rejected);
            } else {
                jobs.batchProgressed(sha256, fileName, batchId, after.done(), accepted, rejected);
            }
            return after;
        });
    }

    /** Why a PRR id that has a job already is rejected: earlier in this batch, or in another. */
    private String duplicate(String prrId, String batchId) {
        return jobs.find(prrId)
                .map(j -> j.batchId().equals(batchId) ? "DUPLICATE_PRR: listed twice in this batch"
                        : "DUPLICATE_PRR: already queued or printed (batch " + j.batchId() + ", " + j.state() + ")")
                .orElse("DUPLICATE_PRR: already queued or printed");
    }

    private void raiseReceipt(String batchId, int accepted, List<PrintJobs.Rejection> rejected) {
        String id = UUID.randomUUID().toString();
        ObjectNode receipt = messages.document(Queues.PRR_RECEIPT);
        receipt.put("receiptId", id);
        receipt.put("batchId", batchId);
        receipt.put("regencyCode", messages.regency().code());
        receipt.put("accepted", accepted);
        ArrayNode list = receipt.putArray("rejected");
        for (PrintJobs.Rejection r : rejected) {
            list.addObject().put("prrId", r.prrId()).put("reason", Nik.maskAll(r.reason()));
        }
        receipt.put("at", messages.now());
        outbox.raise(id, Queues.PRR_RECEIPTS, Queues.PRR_RECEIPT, Messages.text(receipt));
    }

    /** A parser of the batch that refuses a key given twice in one object. */
    private static JsonParser parser(Path path) throws IOException {
        JsonParser p = Messages.json().getFactory().createParser(path.toFile());
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return p;
    }

    /** The parser's complaint as a sentence; a duplicate key named, with the object it is in. */
    private static BadBatch malformed(JsonParser p, JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " (" + lineAndColumn(e.getLocation()) + ")";
        // STRICT_DUPLICATE_DETECTION's words (BatchProcessorTest holds them to it).
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field '")) {
            JsonPointer key = p.getParsingContext().pathAsPointer();
            JsonPointer object = key.head();
            String in = object == null || object.matches() ? "the batch's top level" : object.toString();
            return new BadBatch("DUPLICATE_KEY", "the key " + shown(p.getParsingContext().getCurrentName())
                    + " appears twice in " + in + where + "; which one is meant cannot be known");
        }
        return new BadBatch("MALFORMED_JSON", "not valid JSON: " + e.getOriginalMessage() + where);
    }

    /** Bytes into the file; characters for a batch the parser decodes from UTF-16 or UTF-32. */
    private static long offset(JsonLocation at) {
        return at.getByteOffset() >= 0 ? at.getByteOffset() : at.getCharOffset();
    }

    private static String lineAndColumn(JsonLocation at) {
        return "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** Text from the batch in a sentence: quoted, escaped and cut short. */
    private static String shown(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(cut)) + "\"";
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
        BatchIntake.LOG.warn("batch file {}: QUARANTINED {}: {}", forLog(fileName), e.reason, sentence(e.getMessage()));
    }
}

package id.ektp.hub.down;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.FailureReports;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.codes.Codes;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PrintJob;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * Reads one printer result ({@code ektp.print-result/1}) and records it durably before the
 * consumer removes the file. Every result, PRINTED or FAILED, uses one blank (handed to the
 * stock ledger here, and only here). PRINTED tells the citizen the card is ready; a printing
 * failure is queued again until {@code printing.maxAttempts} prints, then reported; a
 * DATA_MISMATCH is reported at once. The same result seen twice counts once.
 */
public final class PrintResultIntake {
    public static final String PRINTER_HEADER = "ektpPrinter";
    static final long MAX_RESULT_BYTES = 64 * 1024;
    static final Set<String> REASONS = Set.of("INK_SMEAR", "PHOTO_UNCLEAR", "CHIP_WRITE_FAILED", "CARD_DAMAGED", "DATA_MISMATCH");

    private final HubStore store;
    private final PrintJobs jobs;
    private final StockKeeper stock;
    private final FailureReports reports;
    private final Outbox outbox;
    private final Messages messages;
    private final QuarantineRecords quarantine;
    private final IntSupplier maxAttempts;
    private final Path quarantineDir;

    public PrintResultIntake(HubStore store, PrintJobs jobs, StockKeeper stock, FailureReports reports, Outbox outbox,
                             Messages messages, QuarantineRecords quarantine, IntSupplier maxAttempts, Path dataDir)
            throws IOException {
        this.store = store;
        this.jobs = jobs;
        this.stock = stock;
        this.reports = reports;
        this.outbox = outbox;
        this.messages = messages;
        this.quarantine = quarantine;
        this.maxAttempts = maxAttempts;
        this.quarantineDir = SecureFiles.ownerOnlyDirectories(dataDir.resolve("quarantine/results"));
    }

    public void record(@Body File file, @Header(PRINTER_HEADER) String printerId) throws IOException {
        Checked checked = check(file);
        if (checked.reason() != null) {
            reject(file, printerId, checked.reason(), checked.detail());
            return;
        }
        apply(checked.result(), printerId, () -> { });
    }

    /**
     * An operator's release of a quarantined result: the kept copy is checked again with the
     * same rules (an UNKNOWN_PRR result becomes valid once its job exists, say after its batch
     * was released) and, if it passes, recorded exactly as if it had just arrived, the entry
     * marked RELEASED in the same transaction. Returns {@code "REASON: sentence"} when it stays
     * held. Recording is idempotent (a result counts once), so a repeat after a crash only
     * removes the copy.
     */
    public Optional<String> release(QuarantineEntry entry, Path file) throws IOException {
        String printerId = entry.source().substring(entry.source().indexOf(' ') + 1); // "printer DKC-1"
        Checked checked = check(file.toFile());
        if (checked.reason() != null) {
            return Optional.of(checked.reason() + ": " + checked.detail());
        }
        // A held result only counts for a job out on that very printer now: otherwise a PRINTED
        // would close a job the printer is yet to print (a second blank), and a FAILED would
        // send a job again that is still in a queue (a second copy).
        String prrId = checked.result().get("prrId").asText();
        PrintJob job = jobs.find(prrId).orElseThrow();
        if (job.state() != PrintJobState.QUEUED || !printerId.equals(job.printerId())) {
            return Optional.of("NOT_QUEUED_HERE: print job " + prrId + " is " + job.state()
                    + (job.printerId() == null ? "" : " on printer " + job.printerId())
                    + ", not QUEUED on printer " + printerId + "; this result cannot be counted for it");
        }
        apply(checked.result(), printerId,
                () -> quarantine.release(entry.quarantineId(), "checked again: valid; recorded"));
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    /** A parsed result, or why it cannot be taken. */
    private record Checked(JsonNode result, String reason, String detail) {
        static Checked refused(String reason, String detail) {
            return new Checked(null, reason, detail);
        }
    }

    private Checked check(File file) throws IOException {
        if (file.length() > MAX_RESULT_BYTES) { // a result is a few hundred bytes; never read a huge file whole
            return Checked.refused("INVALID_RESULT", "the file has " + file.length() + " bytes; a result has at most "
                    + MAX_RESULT_BYTES);
        }
        String text = Files.readString(file.toPath());
        JsonNode result;
        try {
            result = Messages.json().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Checked.refused("MALFORMED_JSON", "not JSON: " + e.getOriginalMessage());
        }
        String problem = problem(result);
        if (problem != null) {
            return Checked.refused(problem.substring(0, problem.indexOf(':')), problem.substring(problem.indexOf(':') + 2));
        }
        String prrId = result.get("prrId").asText();
        if (jobs.find(prrId).isEmpty()) {
            return Checked.refused("UNKNOWN_PRR", "no print job " + prrId + " was queued by this hub");
        }
        return new Checked(result, null, null);
    }

    /** Records a checked result; {@code alsoInTransaction} commits with it. */
    private void apply(JsonNode result, String printerId, Runnable alsoInTransaction) {
        String prrId = result.get("prrId").asText();
        String status = result.get("status").asText();
        String reason = result.path("reason").asText(null);
        String serial = result.get("blankSerial").asText();
        String at = result.get("at").asText();
        String key = prrId + "|" + serial + "|" + at;
        store.transact(c -> {
            alsoInTransaction.run();
            if (!jobs.recordResult(key, prrId, printerId, status, reason, serial, at)) {
                return null; // seen before a crash: counted once
            }
            stock.blankUsed(key, status + " " + prrId + " on " + printerId);
            PrintJob job = jobs.find(prrId).orElseThrow(); // read under the transaction's lock
            int prints = job.prints() + 1;
            if ("PRINTED".equals(status)) {
                jobs.recordPrint(prrId, PrintJobState.PRINTED, "PRINTED " + serial);
                pickupNotice(job);
            } else if (!"DATA_MISMATCH".equals(reason) && prints < maxAttempts.getAsInt()) {
                jobs.recordPrint(prrId, PrintJobState.PENDING, "FAILED " + reason + ", print " + prints + ": queued again");
            } else {
                jobs.recordPrint(prrId, PrintJobState.FAILED, "FAILED " + reason + " after " + prints + " print(s)");
                reports.printFailure(prrId, printerId, reason, serial);
            }
            return null;
        });
        BatchIntake.LOG.info("prr {}: {} on printer {} ({}{})", prrId, status, printerId, serial,
                reason == null ? "" : ", " + reason);
    }

    private static String problem(JsonNode r) {
        if (r == null || !r.isObject()) {
            return "INVALID_RESULT: not a JSON object";
        }
        if (!Queues.PRINT_RESULT.equals(r.path("schema").asText(null))) {
            return "UNKNOWN_SCHEMA: schema must be " + Queues.PRINT_RESULT;
        }
        if (!Codes.matches(Codes.PRR_ID, r.path("prrId").asText(null))) {
            return "INVALID_RESULT: prrId missing or malformed";
        }
        String status = r.path("status").asText(null);
        if (!"PRINTED".equals(status) && !"FAILED".equals(status)) {
            return "INVALID_RESULT: status must be PRINTED or FAILED";
        }
        if ("FAILED".equals(status) && !REASONS.contains(r.path("reason").asText(""))) {
            return "INVALID_RESULT: a FAILED result needs a reason among " + REASONS;
        }
        if (!Codes.matches(Codes.BLANK_SERIAL, r.path("blankSerial").asText(null))) {
            return "INVALID_RESULT: blankSerial missing or malformed";
        }
        if (r.path("at").asText("").isBlank()) {
            return "INVALID_RESULT: at is missing";
        }
        return null;
    }

    private void pickupNotice(PrintJob job) {
        String id = UUID.randomUUID().toString();
        ObjectNode notice = messages.document(Queues.PICKUP_NOTICE);
        notice.put("noticeId", id);
        notice.put("prrId", job.prrId());
        notice.put("nik", Nik.mask(job.nik()));
        notice.put("pickupKecamatanCode", job.pickupKecamatan());
        notice.put("at", messages.now());
        outbox.raise(id, Queues.PICKUP_NOTICES, Queues.PICKUP_NOTICE, Messages.text(notice));
    }

    /** A result file that cannot be taken is kept in quarantine with the reason (and removed from results/). */
    private void reject(File file, String printerId, String reason, String detail) throws IOException {
        String name = file.getName().replaceAll("[^A-Za-z0-9._-]", "_");
        // Named by content: the same bad file seen again after a crash is the same quarantine item.
        String id = "result~" + printerId + "~" + name + "~" + Spool.sha256Of(file.toPath()).substring(0, 12);
        Path target = quarantineDir.resolve(id + ".json");
        Files.copy(file.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        SecureFiles.fsync(target);
        quarantine.hold(id, BatchProcessor.FLOW, name, "results/" + target.getFileName(), "printer " + printerId,
                reason, detail);
        BatchIntake.LOG.warn("printer {}: result {} QUARANTINED {}: {}", printerId, file.getName(), reason, detail);
    }
}

package id.ektp.hub.down;

import static id.ektp.hub.codes.UntrustedText.forLog;
import static id.ektp.hub.codes.UntrustedText.sentence;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.FailureReports;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.codes.Codes;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.connectors.printer.PrinterConnector;
import id.ektp.hub.connectors.printer.ResultFileFilter;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PrintJob;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.store.PrintJobs.RecordedResult;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * Reads one printer result ({@code ektp.print-result/1}) and records it durably before the
 * consumer removes the file. A result counts only for a job QUEUED on the printer whose
 * {@code results/} it came from, and which it names; then, PRINTED or FAILED, it uses one blank
 * (handed to the stock ledger here, and only here). PRINTED tells the citizen the card is ready;
 * a printing failure is queued again until {@code printing.maxAttempts} prints, then reported; a
 * DATA_MISMATCH is reported at once. The same result seen twice counts once. Anything else is
 * quarantined with its reason, uses no blank and moves no job.
 *
 * <p>What a printer writes is never trusted: at most {@link PrinterConnector#MAX_RESULT_BYTES}
 * of it is read, no link is followed, and no byte of it reaches a reason or a log line (a reason
 * names fields; values only once checked against their pattern).
 */
public final class PrintResultIntake {
    public static final String PRINTER_HEADER = "ektpPrinter";
    static final Set<String> REASONS = Set.of("INK_SMEAR", "PHOTO_UNCLEAR", "CHIP_WRITE_FAILED", "CARD_DAMAGED", "DATA_MISMATCH");
    /** As the configuration's printer ids. */
    private static final Pattern PRINTER_ID = Pattern.compile("[A-Za-z0-9-]{1,32}");
    private static final int MAX_BYTES = (int) PrinterConnector.MAX_RESULT_BYTES;
    private static final String LIMIT = ResultFileFilter.size(PrinterConnector.MAX_RESULT_BYTES);

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

    /**
     * A folder printer's result. The listing refused links; one swapped in since fails the open
     * ({@code O_NOFOLLOW}), and the exchange with it: the next listing reports it.
     */
    public void record(@Body File file, @Header(PRINTER_HEADER) String printerId) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file.toPath(), LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        take(bytes, file.getName(), printerId);
    }

    /** An SFTP printer's result, read from the download's stream: no further than the limit, whatever the listing said. */
    public void recordDownload(@Body InputStream in, @Header(Exchange.FILE_NAME_ONLY) String name,
                               @Header(PRINTER_HEADER) String printerId) throws IOException {
        take(in.readNBytes(MAX_BYTES + 1), name, printerId);
    }

    /**
     * An entry the results route's {@link ResultFileFilter} refused from the listing (a link, a
     * path for a name, too large): held without its content, which the hub never read, and
     * reported once. It stays on the printer, so it is listed again at every poll: the same name,
     * size and time are the same item, already reported.
     */
    public void refused(String printerId, ResultFileFilter.Refused entry) {
        String name = safe(entry.name());
        String id = "result~" + printerId + "~" + name + "~"
                + sha256((entry.name() + "|" + entry.size() + "|" + entry.lastModified()).getBytes(StandardCharsets.UTF_8));
        if (quarantine.find(id).isPresent()) {
            return;
        }
        hold(id, name, printerId, new Refusal(entry.reason(), entry.detail()
                + "; left in the printer's results folder: remove it there, then drop this item"));
    }

    /**
     * An operator's release of a quarantined result: the kept copy is checked again with the
     * same rules (an UNKNOWN_PRR result becomes valid once its job exists and is queued on that
     * printer, say after its batch was released) and, if it passes, counted exactly as if it had
     * just arrived, the entry marked RELEASED in the same transaction. Returns
     * {@code "REASON: sentence"} when it stays held. A repeat after a crash finds the result
     * already counted and only removes the copy.
     */
    public Optional<String> release(QuarantineEntry entry, Path file) throws IOException {
        String printerId = entry.source().substring(entry.source().indexOf(' ') + 1); // "printer DKC-1"
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        Checked checked = check(bytes);
        Refusal refusal = checked.refusal() != null ? checked.refusal()
                : count(checked.result(), printerId,
                        outcome -> quarantine.release(entry.quarantineId(), "checked again: " + outcome));
        if (refusal != null) {
            return Optional.of(refusal.reason() + ": " + refusal.detail());
        }
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    /** Why a result cannot be taken: a reason code and a plain sentence. */
    private record Refusal(String reason, String detail) {}

    /** A parsed result, or why it cannot be taken. */
    private record Checked(JsonNode result, Refusal refusal) {
        static Checked refused(String reason, String detail) {
            return new Checked(null, new Refusal(reason, detail));
        }
    }

    private void take(byte[] bytes, String name, String printerId) throws IOException {
        if (bytes.length > MAX_BYTES) {
            // The listing showed no more than the limit (the filter takes nothing larger): the
            // server sent more than it listed, or the file grew. Nothing more is read; the file goes.
            hold("result~" + printerId + "~" + safe(name) + "~" + sha256(bytes), safe(name), printerId,
                    new Refusal("TOO_LARGE", "not copied: more than " + LIMIT + " arrived (the listing showed less), over the "
                            + LIMIT + " limit; removed from the printer's results folder"));
            return;
        }
        Checked checked = check(bytes);
        Refusal refusal = checked.refusal() != null ? checked.refusal() : count(checked.result(), printerId, outcome -> { });
        if (refusal != null) {
            reject(bytes, name, printerId, refusal);
        }
    }

    private Checked check(byte[] bytes) {
        if (bytes.length > MAX_BYTES) { // a result is a few hundred bytes; never read a huge file whole
            return Checked.refused("TOO_LARGE", "more than " + LIMIT + ", over the " + LIMIT + " limit");
        }
        JsonNode result;
        try {
            result = Messages.json().readTree(bytes);
        } catch (IOException e) {
            // Jackson's message quotes the input: only where it went wrong is said.
            JsonLocation at = e instanceof JsonProcessingException json ? json.getLocation() : null;
            return Checked.refused("MALFORMED_JSON",
                    at == null ? "not JSON" : "not JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        String problem = problem(result);
        if (problem != null) {
            return Checked.refused(problem.substring(0, problem.indexOf(':')), problem.substring(problem.indexOf(':') + 2));
        }
        String prrId = result.get("prrId").asText();
        if (jobs.find(prrId).isEmpty()) {
            return Checked.refused("UNKNOWN_PRR", "no print job " + prrId + " was queued by this hub");
        }
        return new Checked(result, null);
    }

    /**
     * Counts a checked result that came from {@code printerId}'s {@code results/}, in one
     * transaction with {@code alsoInTransaction} (told what became of it), or says why it cannot
     * count, changing nothing. It counts only for a job QUEUED on that printer, and only if it
     * names that printer: otherwise a PRINTED would close a job the printer has not got (printed
     * later: a second card), and a FAILED replayed after the card was printed would send the PRR
     * back to the queue (a second card, a second blank, after the pickup notice). The one result
     * that may come again is the last one recorded for its PRR, from this printer: the file a
     * crash between recording and removing it leaves. It is counted already.
     */
    private Refusal count(JsonNode result, String printerId, Consumer<String> alsoInTransaction) {
        String prrId = result.get("prrId").asText();
        String named = result.get("printerId").asText();
        String status = result.get("status").asText();
        String reason = result.path("reason").asText(null);
        String serial = result.get("blankSerial").asText();
        String at = result.get("at").asText();
        String key = prrId + "|" + serial + "|" + at;
        Refusal refusal = store.transact(c -> {
            if (!printerId.equals(named)) {
                return new Refusal("WRONG_PRINTER", "the result names printer " + named + " but came from the results"
                        + " folder of printer " + printerId);
            }
            Optional<RecordedResult> before = jobs.recorded(key);
            if (before.isPresent()) {
                if (before.get().last() && printerId.equals(before.get().printerId())) {
                    alsoInTransaction.accept("already counted; nothing recorded again");
                    BatchIntake.LOG.info("prr {}: the result of blank {} on printer {} seen again: already counted",
                            prrId, serial, printerId);
                    return null;
                }
                return new Refusal("REPLAYED_RESULT", "this result (blank " + serial + ") was counted before"
                        + (before.get().last() ? ", from printer " + before.get().printerId()
                                : ", and a later result for " + prrId + " has been recorded since")
                        + "; a printer reports each print once");
            }
            PrintJob job = jobs.find(prrId).orElseThrow(); // read under the transaction's lock
            if (job.state() != PrintJobState.QUEUED || !printerId.equals(job.printerId())) {
                return new Refusal("NOT_QUEUED_HERE", "print job " + prrId + " is " + job.state()
                        + (job.printerId() == null ? "" : " on printer " + job.printerId())
                        + ", not QUEUED on printer " + printerId + "; this result cannot be counted for it");
            }
            alsoInTransaction.accept("valid; recorded");
            jobs.recordResult(key, prrId, printerId, status, reason, serial, at);
            stock.blankUsed(key, status + " " + prrId + " on " + printerId);
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
            BatchIntake.LOG.info("prr {}: {} on printer {} ({}{})", prrId, status, printerId, forLog(serial),
                    reason == null ? "" : ", " + forLog(reason));
            return null;
        });
        return refusal;
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
        if (!PRINTER_ID.matcher(r.path("printerId").asText("")).matches()) {
            return "INVALID_RESULT: printerId missing or malformed";
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

    /**
     * A result that cannot be taken is kept in quarantine with the reason (and removed from
     * results/ when the exchange completes). Named by content: the same bad file seen again
     * after a crash is the same quarantine item.
     */
    private void reject(byte[] bytes, String fileName, String printerId, Refusal refusal) throws IOException {
        String name = safe(fileName);
        String id = "result~" + printerId + "~" + name + "~" + sha256(bytes);
        keep(bytes, quarantineDir.resolve(id + ".json"));
        hold(id, name, printerId, refusal);
    }

    /** Records a quarantine item; its file, if any, is already in place. */
    private void hold(String id, String name, String printerId, Refusal refusal) {
        quarantine.hold(id, BatchProcessor.FLOW, name, "results/" + id + ".json", "printer " + printerId,
                refusal.reason(), refusal.detail());
        BatchIntake.LOG.warn("printer {}: result {} QUARANTINED {}: {}", printerId, forLog(name), refusal.reason(),
                sentence(refusal.detail()));
    }

    /**
     * Writes the kept copy: created owner-only (a copy of the printer's file would keep its
     * mode), forced to disk, and only then given its name.
     */
    private static void keep(byte[] bytes, Path target) throws IOException {
        Path part = target.resolveSibling("." + target.getFileName() + ".part");
        Files.deleteIfExists(part);
        Files.write(SecureFiles.createOwnerOnlyFile(part), bytes);
        SecureFiles.fsync(part);
        SecureFiles.moveDurably(part, target);
    }

    /** A printer's file name as the hub may show it and name files after it. */
    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

package id.ektp.hub.down;

import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.store.PrintJob;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.camel.Exchange;

/**
 * Puts pending print jobs in their printers' {@code queue/} folders, so that a PRR is never
 * queued twice and never lost, whenever the hub dies:
 *
 * <ol>
 *   <li>the job file is written as {@code queue/.<prrId>.json.part} and forced to disk (a
 *       printer takes only {@code <prrId>.json});</li>
 *   <li>the job is marked QUEUED in the state store;</li>
 *   <li>the file is renamed to {@code <prrId>.json}: from here the printer may take it.</li>
 * </ol>
 *
 * A crash before 2 leaves a PENDING job and a stale temp file, rewritten on the next pass; a
 * crash between 2 and 3 leaves a QUEUED job with its temp file, which {@link #finishInterrupted}
 * renames. A printer whose folder is missing is offline: its jobs stay PENDING in the hub.
 */
public final class JobDispatcher {
    private static final String PART = ".json.part";
    private static final int BATCH = 500;

    private final PrintJobs jobs;
    private final Messages messages;
    private final Supplier<Printers> printers;
    private final Map<String, Boolean> online = new ConcurrentHashMap<>();

    public JobDispatcher(PrintJobs jobs, Messages messages, Supplier<Printers> printers) {
        this.jobs = jobs;
        this.messages = messages;
        this.printers = printers;
    }

    /**
     * One pass: finishes renames a crash interrupted, then queues what is pending. Every pass,
     * not only the first: a printer offline at the restart keeps its temp files until it is back.
     * Between passes no temp file is outstanding, so any found here is a crash's.
     */
    public int dispatch(Exchange exchange) throws IOException {
        finishInterrupted();
        Printers current = printers.get();
        int queued = 0;
        List<PrintJob> pending = jobs.inState(PrintJobState.PENDING, BATCH);
        for (PrintJob job : pending) {
            Printer printer = current.serving(job.pickupKecamatan()).orElse(null);
            if (printer == null || !isOnline(printer)) {
                continue;
            }
            queue(job, printer);
            queued++;
        }
        // Tell a greedy scheduler whether to come straight back.
        exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, queued > 0);
        return queued;
    }

    private void queue(PrintJob job, Printer printer) throws IOException {
        Path queue = Printers.queue(printer);
        Path part = queue.resolve("." + job.prrId() + PART);
        Instant queuedAt = messages.instant();
        ObjectNode document = (ObjectNode) Messages.json().readTree(job.record());
        document.put("batchId", job.batchId());
        document.put("queuedAt", messages.time(queuedAt));
        Files.writeString(part, Messages.text(document), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        // The printer's spooler may run as another user of the printer group: group may read, others not.
        Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-r-----"));
        SecureFiles.fsync(part);
        jobs.markQueued(job.prrId(), printer.id(), queuedAt);
        publish(part, queue.resolve(job.prrId() + ".json"));
        BatchIntake.LOG.info("prr {}: QUEUED on printer {} (print {} of this PRR)", job.prrId(), printer.id(), job.prints() + 1);
    }

    /** Renames the temp files of jobs that were marked QUEUED just before a crash; drops the rest. */
    void finishInterrupted() throws IOException {
        for (Printer printer : printers.get().all()) {
            if (!isOnline(printer)) {
                continue;
            }
            try (DirectoryStream<Path> parts = Files.newDirectoryStream(Printers.queue(printer), ".*" + PART)) {
                for (Path part : parts) {
                    String name = part.getFileName().toString();
                    String prrId = name.substring(1, name.length() - PART.length());
                    boolean queued = jobs.find(prrId).map(j -> j.state() == PrintJobState.QUEUED).orElse(false);
                    if (queued) {
                        publish(part, Printers.queue(printer).resolve(prrId + ".json"));
                        BatchIntake.LOG.info("prr {}: QUEUED on printer {} (rename finished after an interruption)", prrId, printer.id());
                    } else {
                        Files.deleteIfExists(part); // still PENDING: it is written again
                    }
                }
            }
        }
    }

    private static void publish(Path part, Path target) throws IOException {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SecureFiles.fsyncDirectory(target.getParent());
    }

    private boolean isOnline(Printer printer) {
        boolean now = Printers.online(printer);
        Boolean before = online.put(printer.id(), now);
        if (before == null || before != now) {
            if (now) {
                BatchIntake.LOG.info("printer {}: online ({})", printer.id(), Printers.queue(printer));
            } else {
                BatchIntake.LOG.warn("printer {}: offline ({} is not there); its jobs wait in the hub",
                        printer.id(), Printers.queue(printer));
            }
        }
        return now;
    }

    public Map<String, Boolean> printerStates() {
        return Map.copyOf(online);
    }
}

package id.ektp.hub.down;

import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.printer.PrinterQueue;
import id.ektp.hub.connectors.printer.PrinterQueues;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.store.PrintJob;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Exchange;

/**
 * Puts pending print jobs in their printers' {@code queue/} (a folder or an SFTP account, see
 * {@link PrinterQueue}), so that a PRR is never queued twice and never lost, whenever the hub
 * or the link dies:
 *
 * <ol>
 *   <li>the job file is written whole as {@code queue/.<prrId>.json.part} (a printer takes
 *       only {@code <prrId>.json});</li>
 *   <li>the job is marked QUEUED in the state store;</li>
 *   <li>the file is renamed to {@code <prrId>.json}: from here the printer may take it.</li>
 * </ol>
 *
 * A crash (or a lost link) before 2 leaves a PENDING job and a stale temp file, written again
 * on a later pass; one between 2 and 3 leaves a QUEUED job with its temp file, which
 * {@link #finishInterrupted} renames once the printer can be reached. A printer that cannot be
 * reached is offline: its jobs stay PENDING in the hub, and other printers go on.
 */
public final class JobDispatcher {
    static final String PART = ".json.part";
    static final int BATCH = 500;

    private final PrintJobs jobs;
    private final Messages messages;
    private final Supplier<Printers> printers;
    private final PrinterQueues queues;

    public JobDispatcher(PrintJobs jobs, Messages messages, Supplier<Printers> printers, Links links) {
        this.jobs = jobs;
        this.messages = messages;
        this.printers = printers;
        this.queues = new PrinterQueues(links);
    }

    /**
     * One pass: finishes renames a crash interrupted, then queues what is pending. Every pass,
     * not only the first: a printer offline at the restart keeps its temp files until it is back.
     * Between passes no temp file is outstanding, so any found here is a crash's (or a dropped
     * link's).
     */
    public int dispatch(Exchange exchange) throws IOException {
        Printers current = printers.get();
        queues.retainOnly(current.all());
        Map<String, PrinterQueue> reachable = new HashMap<>();
        for (Printer printer : current.all()) {
            queues.reachable(printer, exchange.getContext()).ifPresent(queue -> reachable.put(printer.id(), queue));
        }
        finishInterrupted(current, reachable);
        int queued = 0;
        // Page through everything pending, not only the oldest page: jobs held for a printer
        // that is offline (thousands after a long outage) must not hide the jobs of the others.
        // A pass ends after a page's worth was queued; the greedy scheduler comes straight back.
        long after = 0;
        List<PrintJob> page;
        do {
            page = jobs.inState(PrintJobState.PENDING, after, BATCH);
            for (PrintJob job : page) {
                after = job.seq();
                Printer printer = current.serving(job.pickupKecamatan()).orElse(null);
                PrinterQueue queue = printer == null ? null : reachable.get(printer.id());
                if (queue == null) {
                    continue;
                }
                Instant queuedAt = messages.instant();
                String document = document(job, queuedAt);
                try {
                    queue(job, printer, queue, document, queuedAt);
                    queued++;
                } catch (IOException e) {
                    queues.failed(printer, e);
                    reachable.remove(printer.id()); // its other jobs wait for the next attempt
                }
            }
        } while (page.size() == BATCH && queued < BATCH && !reachable.isEmpty());
        for (Printer printer : current.all()) {
            if (reachable.containsKey(printer.id())) {
                queues.passed(printer);
            }
        }
        // Tell a greedy scheduler whether to come straight back.
        exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, queued > 0);
        return queued;
    }

    private String document(PrintJob job, Instant queuedAt) throws IOException {
        ObjectNode document = (ObjectNode) Messages.json().readTree(job.record());
        document.put("batchId", job.batchId());
        document.put("queuedAt", messages.time(queuedAt));
        return Messages.text(document);
    }

    /** The two-phase write; a store failure (not the printer's) propagates and fails the pass. */
    private void queue(PrintJob job, Printer printer, PrinterQueue queue, String document, Instant queuedAt)
            throws IOException {
        String part = "." + job.prrId() + PART;
        queue.write(part, document);
        if (!jobs.markQueued(job.prrId(), printer.id(), queuedAt)) {
            queue.delete(part); // its state changed since this pass read it: not ours to publish
            return;
        }
        queue.rename(part, job.prrId() + ".json");
        BatchIntake.LOG.info("prr {}: QUEUED on printer {} (print {} of this PRR)", job.prrId(), printer.id(), job.prints() + 1);
    }

    /** Renames the temp files of jobs that were marked QUEUED (on that printer) just before a crash; drops the rest. */
    private void finishInterrupted(Printers current, Map<String, PrinterQueue> reachable) {
        for (Printer printer : current.all()) {
            PrinterQueue queue = reachable.get(printer.id());
            if (queue == null) {
                continue;
            }
            try {
                for (String name : queue.tempNames(PART)) {
                    String prrId = name.substring(1, name.length() - PART.length());
                    boolean queuedHere = jobs.find(prrId)
                            .map(j -> j.state() == PrintJobState.QUEUED && printer.id().equals(j.printerId()))
                            .orElse(false);
                    if (queuedHere) {
                        queue.rename(name, prrId + ".json");
                        BatchIntake.LOG.info("prr {}: QUEUED on printer {} (rename finished after an interruption)",
                                prrId, printer.id());
                    } else {
                        queue.delete(name); // still PENDING: it is written again
                    }
                }
            } catch (IOException e) {
                queues.failed(printer, e);
                reachable.remove(printer.id());
            }
        }
    }

    /** Each printer tried so far: true while it can be reached. */
    public Map<String, Boolean> printerStates() {
        return queues.states();
    }
}

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.Exchange;

/**
 * Puts pending print jobs in their printers' {@code queue/} (a folder or an SFTP account, see
 * {@link PrinterQueue}), so that a PRR is never queued twice and never lost, whenever the hub
 * or the link dies. For each job:
 *
 * <ol>
 *   <li>the job file is written whole as {@code queue/.<prrId>.json.part} (a printer takes
 *       only {@code <prrId>.json}) and forced to disk;</li>
 *   <li>the job is marked QUEUED in the state store;</li>
 *   <li>the file is renamed to {@code <prrId>.json}: from here the printer may take it.</li>
 * </ol>
 *
 * The jobs of a page ({@value #BATCH}) go through each step together: every file written
 * ({@link PrinterQueue#writeAll}: a folder printer's several at a time), one commit marks them
 * all QUEUED, every file renamed, then each printer's {@code queue/} forced to disk once. Each
 * job still goes file durable → QUEUED committed → rename. A crash (or a
 * lost link) before the commit leaves PENDING jobs and stale temp files, written again on a
 * later pass; one after it leaves QUEUED jobs with their temp files, which
 * {@link #finishInterrupted} renames once the printer can be reached. A printer that cannot be
 * reached is offline: its jobs stay PENDING in the hub, and other printers go on.
 */
public final class JobDispatcher {
    static final String PART = ".json.part";
    static final int BATCH = 500;

    /** A job whose temp file is written (durable once its printer's writeAll returned), waiting for the commit. */
    private record Written(PrintJob job, String part, Instant queuedAt) {}

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
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).seq();
            }
            queued += queue(page, current, reachable);
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

    /**
     * The two-phase write for a page of jobs, each step for all of them at once; returns how
     * many were queued. A printer that fails a step is taken offline and left out of the later
     * steps: its jobs not yet marked stay PENDING, those marked keep their temp files for
     * {@link #finishInterrupted}. A store failure (not a printer's) propagates and fails the pass.
     */
    private int queue(List<PrintJob> page, Printers current, Map<String, PrinterQueue> reachable) throws IOException {
        Map<Printer, Map<String, String>> files = new LinkedHashMap<>(); // temp name → document, per printer
        Map<Printer, List<Written>> written = new LinkedHashMap<>();
        for (PrintJob job : page) {
            Printer printer = current.serving(job.pickupKecamatan()).orElse(null);
            if (printer == null || !reachable.containsKey(printer.id())) {
                continue;
            }
            Instant queuedAt = messages.instant();
            String part = "." + job.prrId() + PART;
            files.computeIfAbsent(printer, p -> new LinkedHashMap<>()).put(part, document(job, queuedAt));
            written.computeIfAbsent(printer, p -> new ArrayList<>()).add(new Written(job, part, queuedAt));
        }
        files.forEach((printer, documents) -> {
            try {
                reachable.get(printer.id()).writeAll(documents);
            } catch (IOException e) {
                offline(printer, e, reachable);
                written.remove(printer); // its temp files are dropped by the next pass it is reachable
            }
        });
        if (written.isEmpty()) {
            return 0;
        }
        List<PrintJobs.Queuing> queuing = new ArrayList<>();
        written.forEach((printer, jobsOfPrinter) -> jobsOfPrinter.forEach(
                w -> queuing.add(new PrintJobs.Queuing(w.job().prrId(), printer.id(), w.queuedAt()))));
        Set<String> marked = jobs.markQueued(queuing);
        int queued = 0;
        for (Map.Entry<Printer, List<Written>> entry : written.entrySet()) {
            Printer printer = entry.getKey();
            PrinterQueue queue = reachable.get(printer.id());
            try {
                for (Written w : entry.getValue()) {
                    PrintJob job = w.job();
                    if (!marked.contains(job.prrId())) {
                        queue.delete(w.part()); // its state changed since this pass read it: not ours to publish
                        continue;
                    }
                    queue.rename(w.part(), job.prrId() + ".json");
                    queued++;
                    BatchIntake.LOG.info("prr {}: QUEUED on printer {} (print {} of this PRR)", job.prrId(), printer.id(),
                            job.prints() + 1);
                }
                queue.sync();
            } catch (IOException e) {
                offline(printer, e, reachable);
            }
        }
        return queued;
    }

    private void offline(Printer printer, IOException e, Map<String, PrinterQueue> reachable) {
        queues.failed(printer, e);
        reachable.remove(printer.id()); // its other jobs wait for the next attempt
    }

    private String document(PrintJob job, Instant queuedAt) throws IOException {
        ObjectNode document = (ObjectNode) Messages.json().readTree(job.record());
        document.put("batchId", job.batchId());
        document.put("queuedAt", messages.time(queuedAt));
        return Messages.text(document);
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
                queue.sync();
            } catch (IOException e) {
                offline(printer, e, reachable);
            }
        }
    }

    /** Each printer tried so far: true while it can be reached. */
    public Map<String, Boolean> printerStates() {
        return queues.states();
    }
}

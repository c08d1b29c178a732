package id.ektp.hub.down;

import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.store.Backlog;
import id.ektp.hub.store.PrintJobs;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs QUEUED on a printer that is no longer in the configuration (it broke and was taken
 * out, or was replaced by another). Its results route went with it, so nothing will ever move
 * those jobs on by itself, and the hub cannot know whether the printer printed them before it
 * went. They are never sent elsewhere on the hub's own initiative (a card printed twice wastes a
 * blank); they are shown (status page, {@code /api/status}, the log at the edit), and an
 * operator who knows the printer will not print them queues them again with one admin call,
 * for the printer that now serves their pickup kecamatan.
 */
public final class StrandedJobs {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.prr");

    /** Thrown when the printer is still configured: its jobs are not stranded. */
    public static final class StillConfigured extends RuntimeException {
        StillConfigured(String message) {
            super(message);
        }
    }

    /** Thrown when no job is QUEUED on the printer named (a mistyped id, or done already). */
    public static final class NothingQueued extends RuntimeException {
        public NothingQueued(String message) {
            super(message);
        }
    }

    /** Jobs waiting on one printer that is gone. */
    public record Stranded(String printerId, Backlog queued) {}

    private final PrintJobs jobs;
    private final Supplier<HubConfig> config;

    public StrandedJobs(PrintJobs jobs, Supplier<HubConfig> config) {
        this.jobs = jobs;
        this.config = config;
    }

    /** Per printer no longer configured, the jobs still QUEUED on it; by printer id. */
    public List<Stranded> list() {
        Set<String> configured = configuredIds();
        return jobs.queuedByPrinter().entrySet().stream()
                .filter(e -> e.getKey() != null && !configured.contains(e.getKey()))
                .map(e -> new Stranded(e.getKey(), e.getValue()))
                .toList();
    }

    /**
     * Queues every job QUEUED on {@code printerId} again, for the printer serving its pickup
     * kecamatan now; {@code reason} goes into each job's audit trail. Refused while the printer
     * is configured: its results are still read, and it may yet print what it holds.
     */
    public synchronized List<String> requeue(String printerId, String reason) {
        if (configuredIds().contains(printerId)) {
            throw new StillConfigured("printer " + printerId + " is in the running configuration: its results are"
                    + " still read and its jobs are not stranded; take it out of the configuration first");
        }
        List<String> prrIds = jobs.requeue(printerId, reason);
        if (!prrIds.isEmpty()) {
            LOG.warn("{} job(s) QUEUED on printer {}, which is no longer configured, queued again by an operator: {}",
                    prrIds.size(), printerId, reason);
        }
        return prrIds;
    }

    /** Logs, once per edit, what a printer taken out of the configuration left QUEUED on it. */
    public void printerRemoved(Printer printer) {
        Backlog left = jobs.queuedByPrinter().getOrDefault(printer.id(), Backlog.EMPTY);
        if (left.count() > 0) {
            LOG.warn("printer {} was taken out of the configuration with {} job(s) QUEUED on it (oldest queued {});"
                    + " their results will not be read. If it will not print them: requeue-jobs --config FILE"
                    + " --printer {} --reason TEXT (or POST /api/printers/{}/requeue)",
                    printer.id(), left.count(), left.oldest(), printer.id(), printer.id());
        }
    }

    private Set<String> configuredIds() {
        return config.get().printers().stream().map(Printer::id).collect(Collectors.toSet());
    }
}

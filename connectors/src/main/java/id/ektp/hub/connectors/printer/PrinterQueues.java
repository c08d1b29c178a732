package id.ektp.hub.connectors.printer;

import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.connectors.link.Links;
import java.io.IOException;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each printer's {@link PrinterQueue} and whether it can be reached: online after a successful
 * {@link PrinterQueue#open}, offline after any failure, when its connection is dropped and it
 * is left alone for its {@link PrinterQueue#retryDelay}. Every contact is reported to
 * the hub's peer {@link Links} ({@code printer-<id>}); a change is logged once.
 *
 * <p>A Camel service of the context it first sees, so stopping the hub closes the SFTP
 * sessions (JSch's session threads would otherwise keep the JVM alive). A printer whose
 * configuration changed gets a new queue.
 */
public final class PrinterQueues extends ServiceSupport {
    /** The operator follows printers where the PRR log lines are. */
    private static final Logger LOG = LoggerFactory.getLogger("ektp.prr");

    private final Links links;
    private final Map<String, Link> printers = new ConcurrentHashMap<>();
    private volatile boolean registered;

    public PrinterQueues(Links links) {
        this.links = links;
    }

    private static final class Link {
        final Printer printer;
        final PrinterQueue queue;
        volatile Boolean online; // null until first tried
        int failures;
        long retryAt; // System.nanoTime()

        Link(Printer printer, PrinterQueue queue) {
            this.printer = printer;
            this.queue = queue;
        }
    }

    /** Closes and forgets the printers a config reload removed: their SFTP sessions end. */
    public void retainOnly(List<Printer> configured) {
        java.util.Set<String> ids = configured.stream().map(Printer::id).collect(java.util.stream.Collectors.toSet());
        printers.entrySet().removeIf(e -> {
            if (ids.contains(e.getKey())) {
                return false;
            }
            e.getValue().queue.close();
            return true;
        });
    }

    /** The printer's queue if it can be reached now; empty while it is offline (its jobs wait in the hub). */
    public Optional<PrinterQueue> reachable(Printer printer, CamelContext context) {
        register(context);
        Link link = printers.compute(printer.id(), (id, known) -> {
            if (known != null && known.printer.equals(printer)) {
                return known;
            }
            if (known != null) {
                known.queue.close(); // reconfigured
            }
            return new Link(printer, printer.sftp() != null
                    ? new SftpPrinterQueue(context, printer)
                    : new FolderPrinterQueue(PrinterConnector.queue(printer)));
        });
        if (Boolean.FALSE.equals(link.online) && System.nanoTime() - link.retryAt < 0) {
            return Optional.empty(); // backing off: not even a connect attempt
        }
        try {
            link.queue.open();
        } catch (IOException | RuntimeException e) {
            failed(link, e);
            return Optional.empty();
        }
        if (!Boolean.TRUE.equals(link.online)) {
            LOG.info("printer {}: online ({})", printer.id(), link.queue.location());
        }
        link.online = true;
        links.up(PrinterConnector.peer(printer.id()));
        return Optional.of(link.queue);
    }

    /**
     * Every step of a pass on the printer worked. Only then does the backoff start again from
     * its first delay: a printer that takes connections but fails a step (queue/ gone, disk
     * full) is tried less and less often, like one that is down.
     */
    public void passed(Printer printer) {
        Link link = printers.get(printer.id());
        if (link != null && Boolean.TRUE.equals(link.online)) {
            link.failures = 0;
        }
    }

    /** A step on a reachable printer failed: it is offline from here, until its retry delay has passed. */
    public void failed(Printer printer, Exception cause) {
        Link link = printers.get(printer.id());
        if (link != null) {
            failed(link, cause);
        }
    }

    private void failed(Link link, Exception cause) {
        link.queue.close();
        link.failures++;
        link.retryAt = System.nanoTime() + link.queue.retryDelay(link.failures).toNanos();
        if (!Boolean.FALSE.equals(link.online)) {
            LOG.warn("printer {}: offline ({}: {}); its jobs wait in the hub", link.printer.id(),
                    link.queue.location(), why(cause));
        }
        link.online = false;
        links.down(PrinterConnector.peer(link.printer.id()), why(cause));
    }

    /** A queue's own IOException already says what failed; anything else is described from its cause. */
    private static String why(Exception cause) {
        return cause instanceof IOException && cause.getMessage() != null ? cause.getMessage()
                : Links.describe(cause);
    }

    /** Each printer tried so far: true while it can be reached. */
    public Map<String, Boolean> states() {
        Map<String, Boolean> states = new TreeMap<>();
        printers.forEach((id, link) -> {
            if (link.online != null) {
                states.put(id, link.online);
            }
        });
        return states;
    }

    private void register(CamelContext context) {
        if (!registered) {
            registered = true;
            try {
                context.addService(this, true, true);
            } catch (Exception e) {
                throw new IllegalStateException("cannot register the printer connections with Camel", e);
            }
        }
    }

    @Override
    protected void doStop() {
        printers.values().forEach(link -> link.queue.close());
        printers.clear();
    }
}

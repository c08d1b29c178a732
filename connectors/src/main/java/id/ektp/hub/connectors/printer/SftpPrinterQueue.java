package id.ektp.hub.connectors.printer;

import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.config.HubConfig.SftpAccount;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.sftp.SftpOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.remote.RemoteFileOperations;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.apache.camel.support.DefaultExchange;

/**
 * A printer's {@code <baseDir>/queue/} over SFTP, through camel-ftp's own
 * {@link RemoteFileOperations} on an {@link SftpEndpoint} made from a URI with the same options
 * as every other SFTP link of the hub ({@link SftpOptions}). Not an {@code sftp:} producer: the producer's temp-name
 * upload renames at once, and the dispatcher must record the job QUEUED between the write and
 * the rename. The operations keep one session between passes; {@link #close} drops it.
 *
 * <p>Used by the dispatch thread only.
 */
final class SftpPrinterQueue implements PrinterQueue {
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final CamelContext context;
    private final SftpEndpoint endpoint;
    private final RemoteFileOperations<SftpRemoteFile> operations;
    private final String queueDir;
    private final String location;

    SftpPrinterQueue(CamelContext context, Printer printer) {
        this.context = context;
        this.endpoint = context.getEndpoint(uri(printer.sftp()), SftpEndpoint.class);
        this.operations = endpoint.createRemoteFileOperations();
        this.queueDir = PrinterConnector.remote(printer, "queue");
        SftpAccount a = printer.sftp();
        this.location = "sftp://" + a.username() + "@" + a.host() + ":" + a.port() + "/" + queueDir;
    }

    /**
     * {@code maximumReconnectAttempts=0}: one attempt per call, so a dead printer costs at most
     * its connect timeout per try, and the dispatcher's backoff decides when to try again.
     * {@code chmod=640}: group may read (the spooler), others not. {@code fastExistsCheck}: a
     * stale-name check looks at that one name, not the whole listing.
     */
    static String uri(SftpAccount account) {
        return SftpOptions.secure(SftpOptions.values(account), "")
                + "&maximumReconnectAttempts=0&stepwise=false&fastExistsCheck=true&chmod=640";
    }

    @Override
    public void open() throws IOException {
        call(() -> {
            if (!operations.isConnected()) {
                operations.connect(endpoint.getConfiguration(), null);
            }
        });
    }

    @Override
    public List<String> tempNames(String suffix) throws IOException {
        List<String> names = new ArrayList<>();
        // Listing queue/ on every pass doubles as the check that it is still there.
        call(() -> {
            for (SftpRemoteFile file : operations.listFiles(queueDir)) {
                String name = file.getFilename();
                if (name.startsWith(".") && name.endsWith(suffix) && name.length() > suffix.length() + 1) {
                    names.add(name);
                }
            }
        });
        return names;
    }

    @Override
    public void write(String name, String content) throws IOException {
        Exchange carrier = new DefaultExchange(context);
        carrier.getIn().setBody(content.getBytes(StandardCharsets.UTF_8));
        // Complete when this returns: the put waits for the server's status on every write and
        // the close. (SFTP has no fsync in camel-ftp: the printer host's own disk policy applies.)
        call(() -> operations.storeFile(path(name), carrier, -1));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        String source = path(from);
        String target = path(to);
        call(() -> {
            try {
                operations.renameFile(source, target);
            } catch (RuntimeException refused) {
                // Plain SFTP v3 (no posix-rename@openssh.com) refuses a rename onto an existing
                // name. Only a stale copy can be there: a spooler that leaves a job in queue/
                // until its result is written, and the hub queues a PRR again only after that
                // result was recorded. Anything else (the link gone) fails again below.
                if (!operations.existsFile(target)) {
                    throw refused;
                }
                operations.deleteFile(target);
                operations.renameFile(source, target);
            }
        });
    }

    /** Nothing to force: camel-ftp has no fsync; a rename is done once the server said so. */
    @Override
    public void sync() {
        // the printer host's own disk policy applies
    }

    @Override
    public void delete(String name) throws IOException {
        call(() -> operations.deleteFile(path(name)));
    }

    @Override
    public String location() {
        return location;
    }

    /** 1 s, doubling, at most 30 s: a printer back is used again soon, a dead one is not hammered. */
    @Override
    public Duration retryDelay(int failures) {
        Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 10));
        return delay.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay;
    }

    @Override
    public void close() {
        try {
            operations.forceDisconnect();
        } catch (RuntimeException alreadyGone) {
            // the session is dropped either way
        }
    }

    private String path(String name) {
        return queueDir + "/" + name;
    }

    /**
     * camel-ftp reports failures as unchecked exceptions; the dispatcher expects IOException,
     * saying what failed and why: "Cannot connect to sftp://…: Connection refused".
     */
    private static void call(RemoteStep step) throws IOException {
        try {
            step.run();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            throw new IOException(root == e || e.getMessage() == null ? Links.describe(e) : e.getMessage() + ": " + why, e);
        }
    }

    @FunctionalInterface
    private interface RemoteStep {
        void run();
    }
}

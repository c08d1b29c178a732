package id.ektp.hub.down;

import static id.ektp.hub.codes.UntrustedText.forLog;

import id.ektp.hub.spool.CappedInputStream;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.spool.SpooledFile;
import id.ektp.hub.store.PrintJobs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a PRR batch from the ministry's SFTP outbox onto the hub's disk: streamed to the
 * spool, forced to disk and renamed into {@code spool/batches/received/} before the consumer
 * deletes it from the ministry. A batch whose content was taken before (the ministry resends)
 * is only removed.
 */
public final class BatchIntake {
    static final Logger LOG = LoggerFactory.getLogger("ektp.prr");
    /** Far beyond any real batch (10,000 records are about 6 MiB); a bound on what can fill the disk. */
    static final long MAX_BATCH_BYTES = 512L * 1024 * 1024;

    private final Spool spool;
    private final PrintJobs jobs;
    private final Path received;

    public BatchIntake(Spool spool, PrintJobs jobs, Path dataDir) throws IOException {
        this.spool = spool;
        this.jobs = jobs;
        this.received = SecureFiles.ownerOnlyDirectories(dataDir.resolve("spool/batches/received"));
    }

    public Path received() {
        return received;
    }

    public synchronized void receive(@Header(Exchange.FILE_NAME_ONLY) String fileName, InputStream body) throws IOException {
        CappedInputStream capped = new CappedInputStream(body, MAX_BATCH_BYTES);
        SpooledFile part = spool.receive(capped);
        if (capped.exceeded()) {
            spool.discard(part);
            throw new IOException("batch " + fileName + " is larger than " + MAX_BATCH_BYTES + " bytes; left on the ministry side");
        }
        if (jobs.batchState(part.sha256()).isPresent()) {
            spool.discard(part);
            LOG.info("batch file {}: same content as a batch already taken; removed from the ministry outbox", forLog(fileName));
            return;
        }
        spool.place(part.path(), received.resolve(BatchSpoolNames.of(part.sha256(), fileName)));
        jobs.batchReceived(part.sha256(), fileName);
        LOG.info("batch file {}: received ({} bytes)", forLog(fileName), part.size());
    }
}

package id.ektp.hub.connectors.device;

import id.ektp.hub.codes.Nik;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.GenericFileProcessStrategy;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the device intake consumer does with a packet once the UP flow has made it durably
 * ours: remove {@code X.zip} from the device's outbox first, and only then its
 * {@code X.zip.done}.
 *
 * <p>Why not Camel's {@code delete=true}: it removes the done file first and the zip second.
 * A crash or a dropped kecamatan link between the two leaves a zip without its done file, which
 * by ICD section 1 is "still being written": nobody would ever take it or remove it. In this
 * order the same interruption leaves the pair, or a lone {@code .done} (harmless: nothing reads
 * it); the pair is simply taken again at the next poll, recognised as already held and removed.
 *
 * <p>A rollback (intake failed) leaves both files for the next poll. Stateless, so one instance
 * serves every device route.
 */
public final class DeviceOutboxCommit implements GenericFileProcessStrategy<SftpRemoteFile> {
    /** ICD section 1: a device marks {@code X.zip} finished by writing {@code X.zip.done}. */
    public static final String DONE_SUFFIX = ".done";
    private static final Logger LOG = LoggerFactory.getLogger(DeviceOutboxCommit.class);

    @Override
    public void prepareOnStartup(GenericFileOperations<SftpRemoteFile> operations,
                                 GenericFileEndpoint<SftpRemoteFile> endpoint) {
        // nothing to prepare: no read lock, no in-progress markers
    }

    @Override
    public boolean begin(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint,
                         Exchange exchange, GenericFile<SftpRemoteFile> file) {
        return true; // the consumer only offers zips whose done file it saw in the same listing
    }

    @Override
    public void abort(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint,
                      Exchange exchange, GenericFile<SftpRemoteFile> file) {
        operations.releaseRetrievedFileResources(exchange);
    }

    @Override
    public void commit(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint,
                       Exchange exchange, GenericFile<SftpRemoteFile> file) {
        operations.releaseRetrievedFileResources(exchange); // the streamed download's SFTP handle
        String zip = file.getAbsoluteFilePath();
        String device = exchange.getMessage().getHeader(DeviceConnector.DEVICE_HEADER, String.class);
        if (remove(operations, zip, device)) { // never the done file while its zip is still there
            remove(operations, zip + DONE_SUFFIX, device);
        }
    }

    @Override
    public void rollback(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint,
                         Exchange exchange, GenericFile<SftpRemoteFile> file) {
        operations.releaseRetrievedFileResources(exchange);
    }

    /**
     * Removes one file, telling whether it is gone. A failure is logged in one line and left at
     * that: the packet is already the hub's, and the next poll takes the pair again and removes
     * it. A {@code false} from the server is checked against a listing, as Camel's own delete
     * strategy does, since some servers report failure for a removal that happened.
     */
    private static boolean remove(GenericFileOperations<SftpRemoteFile> operations, String path, String device) {
        try {
            if (operations.deleteFile(path) || !operations.existsFile(path)) {
                return true;
            }
            LOG.warn("Could not remove {} from device {} (the server refused); the next poll tries again",
                    Nik.maskAll(path), device);
        } catch (GenericFileOperationFailedException e) {
            LOG.warn("Could not remove {} from device {} ({}); the next poll tries again",
                    Nik.maskAll(path), device, Nik.maskAll(String.valueOf(e.getMessage())));
        }
        return false;
    }
}

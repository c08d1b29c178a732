package id.ektp.hub.connectors.device;

import id.ektp.hub.codes.UntrustedText;
import id.ektp.hub.connectors.sftp.PeerFailure;
import id.ektp.hub.connectors.sftp.SftpLink;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the device intake does with a packet once the UP flow has made it durably ours: remove
 * {@code X.zip} from the device's outbox first, and only then its {@code X.zip.done}.
 *
 * <p>Why this order: the other one (Camel's {@code delete=true} removed the done file first) can
 * be interrupted between the two by a crash or a dropped kecamatan link, and leaves a zip without
 * its done file, which by ICD section 1 is "still being written": nobody would ever take it or
 * remove it. In this order the same interruption leaves the pair, or a lone {@code .done}. The
 * pair is simply taken again at the next poll, recognised as already held and removed; a lone
 * {@code .done} of a packet the hub holds is removed at the next poll ({@link #removeOrphan}).
 *
 * <p>A failed intake touches neither file.
 */
public final class DeviceOutboxCommit {
    /** ICD section 1: a device marks {@code X.zip} finished by writing {@code X.zip.done}. */
    public static final String DONE_SUFFIX = ".done";
    private static final Logger LOG = LoggerFactory.getLogger(DeviceOutboxCommit.class);

    private DeviceOutboxCommit() {}

    /**
     * Removes the packets of one poll: first every zip, then the done file of each zip that is
     * gone, the requests of each step in flight together. A failure is one WARN line and left at
     * that: the packets are already the hub's, and the next poll removes them. False when the
     * link broke on the way. {@code removed} hears each zip path whose zip and done file are both
     * gone.
     */
    public static boolean commitAll(SftpLink link, List<String> zipPaths, String device, Consumer<String> removed) {
        try {
            List<Boolean> zipsGone = link.removeAll(zipPaths);
            List<String> dones = new ArrayList<>();
            for (int i = 0; i < zipPaths.size(); i++) {
                if (zipsGone.get(i)) { // never the done file while its zip is still there
                    dones.add(zipPaths.get(i) + DONE_SUFFIX);
                } else {
                    LOG.warn("Could not remove {} from device {} (the server refused); the next poll tries again",
                            UntrustedText.forLog(zipPaths.get(i)), device);
                }
            }
            List<Boolean> donesGone = link.removeAll(dones);
            for (int i = 0; i < dones.size(); i++) {
                if (donesGone.get(i)) {
                    removed.accept(dones.get(i).substring(0, dones.get(i).length() - DONE_SUFFIX.length()));
                } else {
                    LOG.warn("Could not remove {} from device {} (the server refused); the next poll tries again",
                            UntrustedText.forLog(dones.get(i)), device);
                }
            }
            return true;
        } catch (PeerFailure e) {
            LOG.warn("Could not remove {} packet(s) from device {} ({}); the next poll tries again",
                    zipPaths.size(), device, UntrustedText.sentence(String.valueOf(e.getMessage())));
            return false;
        }
    }

    /** A done file whose zip is gone, of a packet the hub already holds: left by an interrupted commit. */
    public static boolean removeOrphan(SftpLink link, String donePath, String device) {
        return remove(link, donePath, device);
    }

    private static boolean remove(SftpLink link, String path, String device) {
        try {
            if (link.remove(path)) {
                return true;
            }
            LOG.warn("Could not remove {} from device {} (the server refused); the next poll tries again",
                    UntrustedText.forLog(path), device);
        } catch (PeerFailure e) {
            LOG.warn("Could not remove {} from device {} ({}); the next poll tries again",
                    UntrustedText.forLog(path), device, UntrustedText.sentence(String.valueOf(e.getMessage())));
        }
        return false;
    }
}

package id.ektp.hub.connectors.device;

import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.connectors.sftp.PeerFailure;
import id.ektp.hub.connectors.sftp.SftpLink;
import id.ektp.hub.connectors.sftp.SftpSessions;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * Writes receipt files (ICD §1, {@code <packetId>.receipt.json}) to a device's
 * {@code receiptsDir} with the hub's own SFTP client: each under a temporary name
 * ({@code .<name>.part}), then renamed into place, replacing the packet's older receipt, so a
 * device never reads half a receipt; the folder is created when missing. A session of its own per
 * device, never the intake's: a receipt write that fails or hangs cannot cut a packet's download.
 *
 * <p>Until 2026-12-08 camel-ftp's producer wrote them. For every receipt it changed folders step
 * by step, checked for the folder and the file, and wrote through JSch: a sixth of the hub's CPU
 * when a thousand small packets came in at once (docs/benchmark.md); this takes an open, a write,
 * a close and a rename.
 */
public final class DeviceReceiptFiles {
    private final SftpSessions sessions;
    private final Supplier<List<Device>> devices;

    public DeviceReceiptFiles(SftpSessions sessions, Supplier<List<Device>> devices) {
        this.sessions = sessions;
        this.devices = devices;
    }

    /** Writes {@code bytes} as {@code name} in the device's receipts folder; a failure leaves it for the next pass. */
    public void write(@Header(DeviceConnector.DEVICE_HEADER) String deviceKey, @Header(Exchange.FILE_NAME) String name,
                      @Body byte[] bytes) throws PeerFailure {
        Device device = devices.get().stream().filter(d -> d.key().equals(deviceKey)).findFirst()
                .orElseThrow(() -> new PeerFailure(PeerFailure.Kind.REFUSED, "device " + deviceKey
                        + " is no longer configured", null));
        String session = sessionOf(deviceKey);
        try {
            SftpLink link = sessions.link(session, device.sftp());
            String dir = device.receiptsDir();
            link.putWhole(dir + "/." + name + ".part", dir + "/" + name, bytes);
        } catch (PeerFailure failure) {
            sessions.drop(session);
            throw failure;
        }
    }

    private static String sessionOf(String deviceKey) {
        return deviceKey + " (receipts)";
    }
}

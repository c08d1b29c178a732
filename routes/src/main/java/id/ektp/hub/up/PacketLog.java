package id.ektp.hub.up;

import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.store.PacketState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view of the UP flow: one line per packet state change, on its own logger
 * ({@code ektp.packets}) so it can be sent to its own file. Never carries a NIK.
 */
public final class PacketLog {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.packets");

    private PacketLog() {}

    public static void state(String packetId, DeviceRef device, PacketState state, String detail) {
        if (detail == null) {
            LOG.info("packet {} kecamatan {} device {}: {}", packetId, device.kecamatanCode(), device.deviceId(), state);
        } else {
            LOG.info("packet {} kecamatan {} device {}: {} ({})", packetId, device.kecamatanCode(),
                    device.deviceId(), state, detail);
        }
    }

    public static void rejected(String subject, DeviceRef device, Rejection rejection) {
        LOG.warn("packet {} kecamatan {} device {}: QUARANTINED {}", subject, device.kecamatanCode(),
                device.deviceId(), rejection);
    }

    public static void note(String packetId, DeviceRef device, String note) {
        LOG.info("packet {} kecamatan {} device {}: note: {}", packetId, device.kecamatanCode(), device.deviceId(), note);
    }
}

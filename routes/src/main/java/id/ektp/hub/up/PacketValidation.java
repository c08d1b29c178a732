package id.ektp.hub.up;

import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketState;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.camel.Body;

/**
 * Checks a received packet against every rule of ICD section 1 and moves it on: valid packets
 * to {@code spool/outbound/} under a name that sorts by capture time (so the ministry gets
 * them first-captured first), the others to quarantine with the reason.
 */
public final class PacketValidation {
    private static final DateTimeFormatter SORTABLE_UTC =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Spool spool;
    private final PacketRecords packets;
    private final PacketQuarantine quarantine;
    private final PacketInspector inspector;
    private final OutboundQueue queue;

    public PacketValidation(Spool spool, PacketRecords packets, PacketQuarantine quarantine, PacketInspector inspector,
                            OutboundQueue queue) {
        this.spool = spool;
        this.packets = packets;
        this.quarantine = quarantine;
        this.inspector = inspector;
        this.queue = queue;
    }

    public void validate(@Body File received) throws IOException {
        Path file = received.toPath();
        DeviceRef device = DeviceRef.of(file.getParent().getFileName().toString());
        String fileName = file.getFileName().toString();
        String packetId = fileName.substring(0, fileName.length() - ".zip".length());

        Inspection inspection = inspector.inspect(file, fileName, new PacketOrigin(device.kecamatanCode(), device.deviceId()));
        if (!inspection.isValid()) {
            quarantine.quarantine(file, packetId, packetId, packetId, device, inspection.rejection());
            return;
        }
        inspection.notes().forEach(note -> PacketLog.note(packetId, device, Nik.maskAll(note)));
        Manifest manifest = inspection.manifest();
        packets.markOutbound(packetId, manifest.capturedAt().toInstant(), manifest.nik());
        String outboundName = outboundName(manifest);
        spool.place(file, spool.outbound().resolve(outboundName));
        queue.added(outboundName);
        PacketLog.state(packetId, device, PacketState.OUTBOUND, "valid, " + manifest.kind()
                + ", captured " + manifest.capturedAt());
    }

    /** {@code 20261123T011500.000Z~<packetId>.zip}: file-name order is capture-time order. */
    static String outboundName(Manifest manifest) {
        return SORTABLE_UTC.format(manifest.capturedAt()) + "~" + manifest.packetId() + ".zip";
    }

    /** The packet id in an outbound file name. */
    static String packetIdOf(String outboundName) {
        return outboundName.substring(outboundName.indexOf('~') + 1, outboundName.length() - ".zip".length());
    }
}

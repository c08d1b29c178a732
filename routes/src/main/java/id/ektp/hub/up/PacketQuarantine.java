package id.ektp.hub.up;

import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.across.FailureReports;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Puts a rejected packet in quarantine: the reason and its {@code PACKET_REJECTED} report are
 * committed first (one transaction), then the file is moved in. A crash between the two leaves the file where it was, so the same verdict is reached
 * again and the same quarantine id is written again: nothing is lost or kept twice.
 */
public final class PacketQuarantine {
    public static final String FLOW = "UP";

    private final HubStore store;
    private final PacketRecords packets;
    private final QuarantineRecords quarantine;
    private final Spool spool;
    private final FailureReports reports;

    public PacketQuarantine(HubStore store, PacketRecords packets, QuarantineRecords quarantine, Spool spool,
                            FailureReports reports) {
        this.store = store;
        this.packets = packets;
        this.quarantine = quarantine;
        this.spool = spool;
        this.reports = reports;
    }

    /**
     * Quarantines {@code file} under {@code quarantineId}. {@code knownPacketId} is the packet
     * row to mark QUARANTINED, or null when the packet has no row of its own (a duplicate id,
     * a file name that is no packet id).
     */
    public QuarantineEntry quarantine(Path file, String quarantineId, String subjectId, String knownPacketId,
                                      DeviceRef device, Rejection rejection) throws IOException {
        String fileName = quarantineId + ".zip";
        String relative = "packets/" + fileName; // relative to dataDir/quarantine, as for every flow
        QuarantineEntry entry = store.transact(c -> {
            QuarantineEntry held = quarantine.hold(quarantineId, FLOW, subjectId, relative, device.toString(),
                    rejection.reason().name(), rejection.detail());
            if (knownPacketId != null) {
                packets.markQuarantined(knownPacketId, rejection.toString());
            }
            reports.packetRejected(subjectId, device.kecamatanCode(), rejection.toString());
            return held;
        });
        spool.place(file, spool.quarantine().resolve(fileName));
        PacketLog.rejected(subjectId, device, rejection);
        return entry;
    }

    /**
     * A quarantine record of a file left on the device (nothing downloaded): held, reported and
     * logged once; the same {@code quarantineId} again changes nothing.
     */
    public void recordLeftOnDevice(String quarantineId, String subjectId, DeviceRef device, Rejection rejection)
            throws IOException {
        if (quarantine.find(quarantineId).isPresent()) {
            return;
        }
        store.transact(c -> {
            quarantine.hold(quarantineId, FLOW, subjectId, "packets/" + quarantineId + ".zip", device.toString(),
                    rejection.reason().name(), rejection.detail());
            reports.packetRejected(subjectId, device.kecamatanCode(), rejection.toString());
            return null;
        });
        PacketLog.rejected(subjectId, device, rejection);
    }
}

package id.ektp.hub.up;

import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.across.FailureReports;
import id.ektp.hub.codes.UntrustedText;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Puts a rejected packet in quarantine: the reason and its {@code PACKET_REJECTED} report are
 * committed first (one transaction), then the file is moved in. A crash between the two leaves the
 * file where it was, so the same verdict is reached again; the entry is then already held and its
 * report already raised, so only the move is done: nothing is lost, kept or reported twice.
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
     * a file name that is no packet id). {@code subjectId} and the rejection's detail may quote
     * what the device sent (its file name, manifest fields): they are kept, logged and reported
     * only as {@link UntrustedText} makes them.
     */
    public QuarantineEntry quarantine(Path file, String quarantineId, String subjectId, String knownPacketId,
                                      DeviceRef device, Rejection rejection) throws IOException {
        String fileName = quarantineId + ".zip";
        String relative = "packets/" + fileName; // relative to dataDir/quarantine, as for every flow
        String subject = UntrustedText.forLog(subjectId);
        Rejection shown = new Rejection(rejection.reason(), UntrustedText.sentence(rejection.detail()));
        QuarantineEntry entry = store.transact(c -> {
            Optional<QuarantineEntry> held = quarantine.find(quarantineId)
                    .filter(earlier -> earlier.state().equals(QuarantineEntry.HELD));
            if (held.isPresent()) {
                // Committed with its report before a crash that came before the move: only the move is left.
                return held.get();
            }
            QuarantineEntry added = quarantine.hold(quarantineId, FLOW, subject, relative, device.toString(),
                    shown.reason().name(), shown.detail());
            if (knownPacketId != null) {
                packets.markQuarantined(knownPacketId, shown.toString());
            }
            reports.packetRejected(subject, device.kecamatanCode(), shown.toString());
            return added;
        });
        spool.place(file, spool.quarantine().resolve(fileName));
        PacketLog.rejected(subject, device, shown);
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

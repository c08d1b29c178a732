package id.ektp.hub.up;

import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PacketRecord;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An operator's release of a quarantined packet (ICD section 4: "check again and forward if now
 * valid"). The packet is inspected again by the same {@link PacketInspector} validation uses, as
 * the device it was taken from, and if it is now valid it goes where validation sends a valid
 * packet: {@code spool/outbound/}, from where it is forwarded like any other.
 *
 * <p>What can make a packet valid later: a configuration edit (a raised
 * {@code limits.maxPacketBytes}), a corrected rule in a newer hub version. The bytes themselves
 * never change: packets reach the ministry byte-identical to what the device sent, so a file
 * altered in quarantine is refused.
 */
public final class PacketRelease {
    private final HubStore store;
    private final PacketRecords packets;
    private final QuarantineRecords quarantine;
    private final Spool spool;
    private final PacketInspector inspector;
    private final OutboundQueue queue;

    public PacketRelease(HubStore store, PacketRecords packets, QuarantineRecords quarantine, Spool spool,
                         PacketInspector inspector, OutboundQueue queue) {
        this.store = store;
        this.packets = packets;
        this.quarantine = quarantine;
        this.spool = spool;
        this.inspector = inspector;
        this.queue = queue;
    }

    /**
     * Re-checks {@code file} (quarantined as {@code entry}) and, if valid, moves it to the outbound
     * queue with the entry marked RELEASED in the same transaction as the packet's OUTBOUND state.
     * Returns {@code "REASON: sentence"} when it stays held. Run again on a RELEASED entry whose
     * file is still in quarantine (a crash between the commit and the move), it finishes the move.
     */
    public Optional<String> release(QuarantineEntry entry, Path file) throws IOException {
        if (RejectReason.DUPLICATE_PACKET_ID.name().equals(entry.reason())) {
            // The ministry keys enrollments by packet id and takes each id once: a second,
            // different packet under an id it has (or will have) would be dropped as a repeat
            // or would overwrite another resident's enrollment. Only the device can fix it,
            // by sending this enrollment under a new id.
            return Optional.of(RejectReason.DUPLICATE_PACKET_ID + ": packet id " + entry.subjectId()
                    + " already belongs to a packet with other content; a release never forwards a second packet under"
                    + " the same id. Have device " + entry.source() + " send this enrollment under a new packet id,"
                    + " then drop this item");
        }
        Optional<PacketRecord> record = packets.find(entry.subjectId());
        boolean ownRow = entry.quarantineId().equals(entry.subjectId()) && record.isPresent()
                && (record.get().state() == PacketState.QUARANTINED
                    || entry.state().equals(QuarantineEntry.RELEASED) && record.get().state() == PacketState.OUTBOUND);
        if (!ownRow) {
            // Refused when it was taken from the device: its name is no packet id, or it was
            // larger than any packet may be and only its first bytes were kept.
            return Optional.of(entry.reason() + ": rejected while being taken from the device (" + entry.detail()
                    + "); the hub kept this file only for inspection and cannot forward it. Have the device send"
                    + " the packet again, then drop this item");
        }
        String sha256 = Spool.sha256Of(file);
        if (!sha256.equals(record.get().sha256())) {
            return Optional.of("CONTENT_CHANGED: the file in quarantine is not the one the device sent (sha256 "
                    + sha256.substring(0, 12) + "…, received " + record.get().sha256().substring(0, 12)
                    + "…); packets go to the ministry byte-identical, so a changed file is never forwarded");
        }
        DeviceRef device = deviceOf(entry);
        String packetId = entry.subjectId();
        Inspection inspection = inspector.inspect(file, packetId + ".zip", new PacketOrigin(device.kecamatanCode(), device.deviceId()));
        if (!inspection.isValid()) {
            return Optional.of(inspection.rejection().toString());
        }
        Manifest manifest = inspection.manifest();
        String outboundName = PacketValidation.outboundName(manifest);
        store.transact(c -> {
            quarantine.release(entry.quarantineId(), "checked again: valid; to the ministry as " + outboundName);
            packets.markOutbound(packetId, manifest.capturedAt().toInstant(), manifest.nik());
            return null;
        });
        spool.place(file, spool.outbound().resolve(outboundName));
        queue.added(outboundName);
        PacketLog.state(packetId, device, PacketState.OUTBOUND, "released from quarantine: valid now, "
                + manifest.kind() + ", captured " + manifest.capturedAt());
        return Optional.empty();
    }

    /** {@link PacketQuarantine} records the device as {@code kecamatan/deviceId}. */
    private static DeviceRef deviceOf(QuarantineEntry entry) {
        int slash = entry.source().indexOf('/');
        return new DeviceRef(entry.source().substring(0, slash), entry.source().substring(slash + 1));
    }
}

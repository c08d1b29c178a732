package id.ektp.hub.up;

import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.codes.Codes;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.spool.SpooledFile;
import id.ektp.hub.store.PacketRecord;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.HubStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Takes a packet a device intake has downloaded onto the hub's disk ({@link DeviceIntake}).
 * When {@link #take} returns the packet is durably ours (received, or quarantined with its
 * reason) and the device's copy may be removed; when it throws, nothing was acknowledged and the
 * next poll takes the file again.
 */
public final class PacketIntake {
    /** Room for zip headers on top of the uncompressed limit: no valid packet is larger. */
    private static final long ZIP_OVERHEAD = 1024 * 1024;

    private final HubStore store;
    private final Spool spool;
    private final PacketRecords packets;
    private final PacketQuarantine quarantine;
    private final long maxFileBytes;

    /** A file a device intake downloaded, by the name it had on the device. */
    public record Downloaded(String fileName, SpooledFile file) {}

    public PacketIntake(HubStore store, Spool spool, PacketRecords packets, PacketQuarantine quarantine,
                        long maxPacketBytes) {
        this.store = store;
        this.spool = spool;
        this.packets = packets;
        this.quarantine = quarantine;
        this.maxFileBytes = maxPacketBytes + ZIP_OVERHEAD;
    }

    /** The largest file that can be a packet within {@code limits.maxPacketBytes}: larger ones are never downloaded. */
    public long maxFileBytes() {
        return maxFileBytes;
    }

    /**
     * Takes the files one poll of {@code device} downloaded (each forced to disk, measured): new
     * packets are admitted together, with one commit before the renames into
     * {@code received/<device>/}, one forced folder, and one commit after (the per-packet order of
     * "record first, then move" holds for the group); a packet already held, a reused id and a
     * file whose name is no packet id are handled one by one. When this returns every file is
     * durably ours and may be removed from the device.
     */
    public synchronized void takeAll(DeviceRef device, List<Downloaded> files) throws IOException {
        List<Downloaded> fresh = new ArrayList<>();
        for (Downloaded d : files) {
            String fileName = d.fileName();
            SpooledFile part = d.file();
            String packetId = packetIdOf(fileName);
            if (!Codes.matches(Codes.PACKET_ID, packetId) || !fileName.endsWith(".zip")) {
                quarantine.quarantine(part.path(), foreignId(device, fileName, part.sha256()), fileName, null, device,
                        new Rejection(RejectReason.PACKET_ID_MISMATCH,
                                "file name '" + fileName + "' is not <packetId>.zip"));
            } else if (packets.find(packetId).map(r -> r.state() != PacketState.RECEIVING).orElse(false)) {
                admit(packetId, device, part); // held already: same bytes, or a reused id
            } else {
                fresh.add(d);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        store.transact(c -> {
            for (Downloaded d : fresh) {
                packets.beginReceiving(packetIdOf(d.fileName()), device.kecamatanCode(), device.deviceId(),
                        d.file().sha256(), d.file().size());
            }
            return null;
        });
        Map<Path, Path> moves = new LinkedHashMap<>();
        for (Downloaded d : fresh) {
            moves.put(d.file().path(), spool.received().resolve(device.key()).resolve(d.fileName()));
        }
        spool.placeAll(moves);
        store.transact(c -> {
            for (Downloaded d : fresh) {
                packets.markReceived(packetIdOf(d.fileName()));
            }
            return null;
        });
        for (Downloaded d : fresh) {
            PacketLog.state(packetIdOf(d.fileName()), device, PacketState.RECEIVED, d.file().size() + " bytes");
        }
    }

    private static String packetIdOf(String fileName) {
        return fileName.endsWith(".zip") ? fileName.substring(0, fileName.length() - 4) : fileName;
    }

    /**
     * A file on a device larger than any packet within {@code limits.maxPacketBytes}: it stays on
     * the device, untouched (the biometrics are the device's until the hub has them whole), and a
     * quarantine record says so, once per file and size. Raising the limit (and restarting) lets
     * the next poll take it like any other packet; the record can then be dropped.
     */
    public void tooLarge(String fileName, DeviceRef device, long size) throws IOException {
        String id = foreignId(device, fileName, "size" + size);
        quarantine.recordLeftOnDevice(id, fileName, device, new Rejection(RejectReason.TOO_LARGE,
                "file is " + size + " bytes, larger than " + maxFileBytes + " bytes, more than any packet within"
                        + " limits.maxPacketBytes; left on the device, not downloaded"));
    }

    /** Whether the hub already holds packet {@code packetId} (any state past RECEIVING). */
    public boolean holds(String packetId) {
        return packets.find(packetId).map(r -> r.state() != PacketState.RECEIVING).orElse(false);
    }

    /**
     * Decides under one lock whether this is a new packet, a packet we already hold (a device
     * re-sent it, or our acknowledgement was lost in a crash), or a different packet reusing
     * an id; two devices can never race the same id into the spool.
     */
    private synchronized void admit(String packetId, DeviceRef device, SpooledFile part) throws IOException {
        Optional<PacketRecord> known = packets.find(packetId);
        if (known.isPresent() && known.get().state() != PacketState.RECEIVING) {
            PacketRecord existing = known.get();
            if (existing.sha256().equals(part.sha256())) {
                spool.discard(part);
                PacketLog.state(packetId, device, existing.state(), "sent again, same content: already held, removed from device");
                return;
            }
            quarantine.quarantine(part.path(), packetId + "~dup~" + part.sha256().substring(0, 12), packetId, null,
                    device, new Rejection(RejectReason.DUPLICATE_PACKET_ID, "packet id already received from "
                            + existing.kecamatan() + "/" + existing.deviceId() + " on " + existing.receivedAt()
                            + " with different content (sha256 " + existing.sha256().substring(0, 12)
                            + "…, this one " + part.sha256().substring(0, 12) + "…)"));
            return;
        }
        packets.beginReceiving(packetId, device.kecamatanCode(), device.deviceId(), part.sha256(), part.size());
        Path target = spool.received().resolve(device.key()).resolve(packetId + ".zip");
        spool.place(part.path(), target);
        packets.markReceived(packetId);
        PacketLog.state(packetId, device, PacketState.RECEIVED, part.size() + " bytes");
    }

    /**
     * A quarantine id for a file that is not (or not only) a packet: stable for the same content.
     * Ids are shown without a token (status page, quarantine list): a NIK in a device's file
     * name is masked in it ({@code 331005xxxxxx0001}).
     */
    private static String foreignId(DeviceRef device, String fileName, String distinct) {
        String safe = Nik.maskAll(fileName).replace('*', 'x').replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 80) {
            safe = safe.substring(0, 80);
        }
        return device.key() + "~" + safe + "~" + (distinct.length() > 12 ? distinct.substring(0, 12) : distinct);
    }
}

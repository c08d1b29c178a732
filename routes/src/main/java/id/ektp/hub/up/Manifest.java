package id.ektp.hub.up;

import java.time.OffsetDateTime;
import java.util.List;

/** A packet's {@code manifest.json} (schema {@code ektp.enrollment/1}), once it has been checked. */
public record Manifest(String packetId, String nik, String kecamatanCode, String deviceId,
                       String operatorId, OffsetDateTime capturedAt, String kind, List<Entry> entries) {

    public Manifest {
        entries = List.copyOf(entries);
    }

    public record Entry(String name, long size, String sha256) {}
}

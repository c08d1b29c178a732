package id.ektp.hub.sandbox.packets;

import id.ektp.hub.codes.Codes;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * What {@link PacketFactory} should make: one enrollment packet, described by the fields its
 * manifest will carry plus its approximate size, its defect and the seed its content comes from.
 * Build one with {@link #builder()}; every field has a realistic default.
 *
 * @param nik         the NIK in the manifest; {@code null} means a valid one for {@code kecamatanCode}
 *                    derived from {@code seed} ({@link PacketFactory#nikFor})
 * @param targetBytes approximate total uncompressed size of all entries, manifest included
 * @param seed        the same spec (seed included) always gives the same bytes
 */
public record PacketSpec(String kecamatanCode, String deviceId, OffsetDateTime capturedAt, int sequence,
                         String nik, PacketKind kind, String operatorId, long targetBytes,
                         PacketDefect defect, long seed) {

    public static final String DEFAULT_KECAMATAN = "33.10.05";
    public static final String DEFAULT_DEVICE = "CWS01";
    public static final OffsetDateTime DEFAULT_CAPTURED_AT =
            OffsetDateTime.of(2026, 11, 23, 8, 15, 0, 0, ZoneOffset.ofHours(7));
    /** A typical packet (face, ten fingers, two irises, signature) is 0.3-3 MiB. */
    public static final long DEFAULT_TARGET_BYTES = 400 * 1024;

    private static final DateTimeFormatter PACKET_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    public PacketSpec {
        if (!Codes.matches(Codes.KECAMATAN, kecamatanCode)) {
            throw new IllegalArgumentException("kecamatanCode must be PP.RR.KK: " + kecamatanCode);
        }
        if (!Codes.matches(Codes.DEVICE_ID, deviceId)) {
            throw new IllegalArgumentException("deviceId must be [A-Z0-9]{2,16}: " + deviceId);
        }
        // The packet id's sequence is 4 to 6 digits (ICD §0).
        if (sequence < 0 || sequence > 999_999) {
            throw new IllegalArgumentException("sequence must be 0-999999: " + sequence);
        }
        if (targetBytes <= 0) {
            throw new IllegalArgumentException("targetBytes must be positive: " + targetBytes);
        }
        Objects.requireNonNull(capturedAt, "capturedAt");
        if (nik == null) {
            nik = PacketFactory.nikFor(kecamatanCode, seed);
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(operatorId, "operatorId");
        Objects.requireNonNull(defect, "defect");
    }

    /** {@code KKKKKK-DEVICE-yyyyMMddHHmmss-NNNN}, the capture time read in its own offset. */
    public String packetId() {
        return packetId(kecamatanCode, deviceId, sequence);
    }

    String packetId(String kecamatan, String device, int seq) {
        return Codes.compact(kecamatan) + "-" + device + "-" + PACKET_TIME.format(capturedAt)
                + "-" + String.format("%04d", seq);
    }

    /** The file a device writes: {@code <packetId>.zip}. */
    public String fileName() {
        return packetId() + ".zip";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values; its NIK stays this spec's even if the kecamatan changes. */
    public Builder toBuilder() {
        return new Builder().kecamatanCode(kecamatanCode).deviceId(deviceId).capturedAt(capturedAt)
                .sequence(sequence).nik(nik).kind(kind).operatorId(operatorId).targetBytes(targetBytes)
                .defect(defect).seed(seed);
    }

    public PacketSpec withDefect(PacketDefect newDefect) {
        return toBuilder().defect(newDefect).build();
    }

    public PacketSpec withTargetBytes(long newTargetBytes) {
        return toBuilder().targetBytes(newTargetBytes).build();
    }

    public static final class Builder {
        private String kecamatanCode = DEFAULT_KECAMATAN;
        private String deviceId = DEFAULT_DEVICE;
        private OffsetDateTime capturedAt = DEFAULT_CAPTURED_AT;
        private int sequence = 1;
        private String nik; // null: derived from kecamatanCode and seed
        private PacketKind kind = PacketKind.NEW;
        private String operatorId = "op-17";
        private long targetBytes = DEFAULT_TARGET_BYTES;
        private PacketDefect defect = PacketDefect.NONE;
        private long seed = 1;

        private Builder() {}

        public Builder kecamatanCode(String value) { kecamatanCode = value; return this; }
        public Builder deviceId(String value) { deviceId = value; return this; }
        public Builder capturedAt(OffsetDateTime value) { capturedAt = value; return this; }
        public Builder sequence(int value) { sequence = value; return this; }
        public Builder nik(String value) { nik = value; return this; }
        public Builder kind(PacketKind value) { kind = value; return this; }
        public Builder operatorId(String value) { operatorId = value; return this; }
        public Builder targetBytes(long value) { targetBytes = value; return this; }
        public Builder defect(PacketDefect value) { defect = value; return this; }
        public Builder seed(long value) { seed = value; return this; }

        public PacketSpec build() {
            return new PacketSpec(kecamatanCode, deviceId, capturedAt, sequence, nik, kind,
                    operatorId, targetBytes, defect, seed);
        }
    }
}

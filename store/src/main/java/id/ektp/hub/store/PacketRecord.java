package id.ektp.hub.store;

import java.time.Instant;

/** One row of the packet table: a packet id the hub has seen, and where it is. */
public record PacketRecord(String packetId, String kecamatan, String deviceId, String sha256,
                           long size, PacketState state, Instant capturedAt, Instant receivedAt,
                           Instant updatedAt, String detail) {}
